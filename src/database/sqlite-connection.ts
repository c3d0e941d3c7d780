import type { DataSource } from 'typeorm';

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

/** TypeORM's one better-sqlite3 connection of a SQLite DataSource (its driver's public property). */
export function sqliteConnectionOf(dataSource: DataSource): SqliteConnection {
  return (dataSource.driver as unknown as { databaseConnection: SqliteConnection })
    .databaseConnection;
}
