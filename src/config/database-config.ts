import { DEFAULT_DATABASE_URL, parseDatabaseUrl, type DatabaseConfig } from './database-url.js';
import { readEnv } from './env.js';

/** DATABASE_URL alone, for the TypeORM CLI, which needs no other configuration. */
export function databaseConfigFromEnv(): DatabaseConfig {
  const raw = readEnv().DATABASE_URL;
  return parseDatabaseUrl(raw === undefined || raw.trim() === '' ? DEFAULT_DATABASE_URL : raw);
}
