import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { IN_MEMORY, type DatabaseConfig } from '../config/database-url.js';

export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * The one description of our database, used by the app and by the TypeORM CLI (ormconfig.ts).
 * The schema comes from migrations only, never `synchronize`.
 */
export function buildDataSourceOptions(
  database: DatabaseConfig,
  entities: DataSourceOptions['entities'] = [],
): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    synchronize: false,
    logging: false,
  } as const;
  if (database.kind === 'postgres') {
    return { type: 'postgres', url: database.url, ...common };
  }
  const inMemory = database.path === IN_MEMORY;
  if (!inMemory) mkdirSync(dirname(database.path), { recursive: true });
  return {
    type: 'better-sqlite3',
    database: database.path,
    // The driver turns foreign_keys on itself; WAL lets readers proceed beside a writer.
    enableWAL: !inMemory,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    ...common,
  };
}
