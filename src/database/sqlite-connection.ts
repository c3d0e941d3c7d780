import type { DataSource } from 'typeorm';
import { IN_MEMORY } from '../config/database-url.js';
import { SQLITE_BUSY_TIMEOUT_MS } from './data-source-options.js';

/** The parts of a better-sqlite3 connection this service uses (the package ships no types). */
export interface SqliteConnection {
  prepare(sql: string): { pluck(): { get(): unknown } };
  pragma(source: string, options: { simple: true }): unknown;
  backup(
    destination: string,
    options?: { progress?: (info: { totalPages: number; remainingPages: number }) => number },
  ): Promise<unknown>;
  serialize(): Buffer;
  close(): void;
}

/** The SQLite file a DataSource opens; null in memory (no other connection can open it) or off SQLite. */
export function sqliteFileOf(dataSource: DataSource): string | null {
  const { options } = dataSource;
  return options.type === 'better-sqlite3' && options.database !== IN_MEMORY
    ? options.database
    : null;
}

/**
 * better-sqlite3 options of a connection of our own beside the app's, that only reads the file
 * (export snapshots, the stats' reader threads): WAL lets it read while the app writes.
 */
export const READ_ONLY_SQLITE_OPTIONS = {
  readonly: true,
  fileMustExist: true,
  timeout: SQLITE_BUSY_TIMEOUT_MS,
} as const;

/** TypeORM's one better-sqlite3 connection of a SQLite DataSource (its driver's public property). */
export function sqliteConnectionOf(dataSource: DataSource): SqliteConnection {
  return (dataSource.driver as unknown as { databaseConnection: SqliteConnection })
    .databaseConnection;
}
