import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The process environment plus an optional `.env` in the working directory; the real environment
 * wins, as in configModule(). For the TypeORM CLI, which runs without Nest; the app reads its
 * variables through ConfigModule.
 */
export function readEnv(): Env {
  const fromProcess = { ...process.env };
  if (fromProcess.NODE_ENV === 'test' || !existsSync('.env')) return fromProcess;
  return { ...parse(readFileSync('.env')), ...fromProcess };
}

/**
 * Pins the process to UTC. PostgreSQL `timestamp` columns carry no zone and node-pg writes and
 * reads them in local time, so only a UTC process stores UTC. Called first thing by main.ts and
 * ormconfig.ts.
 */
export function pinTimezoneToUtc(): void {
  process.env.TZ = 'UTC';
}
