import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { Clock } from '../../src/common/clock.js';
import { DataVersion } from '../../src/database/data-version.js';
import { APP_OPTIONS, configureApp } from '../../src/http/configure-app.js';
import { ExpressHttpAdapter } from '../../src/http/express-http-adapter.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { ENTITIES } from '../../src/entities.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-postgres.js';

/** Settings every e2e app starts from: in-memory SQLite, cheap bcrypt, no upstream keys. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_URL: ':memory:',
  SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
  BCRYPT_ROUNDS: '4',
  LOG_LEVEL: 'error',
  THROTTLE_LIMIT: '0',
};

/**
 * The e2e suite's PostgreSQL lane (the `postgres` project of jest.config.json sets it): every app gets
 * a throwaway database of its own on the local PostgreSQL, dropped when the app closes. A test that
 * names its own DATABASE_URL keeps it.
 */
export const E2E_ON_POSTGRES = process.env.E2E_DATABASE === 'postgres';
const E2E_DATABASE_PREFIX = process.env.E2E_DATABASE_PREFIX ?? 'wo_e2e';

let migratedTemplate: Promise<string> | undefined;

/**
 * A database migrated once per test file, which each app's database copies: CREATE DATABASE …
 * TEMPLATE takes tens of milliseconds, running every migration a few hundred. The lane's teardown
 * drops it with the run's other databases. Migrating from empty at startup is still tested: by the
 * migration specs, health's pending-migration test and postgres-instances.
 */
function postgresTemplate(): Promise<string> {
  migratedTemplate ??= (async () => {
    const template = await createThrowawayDatabase(`${E2E_DATABASE_PREFIX}_template`);
    const migrator = new DataSource(
      buildDataSourceOptions({ kind: 'postgres', url: template.url }, ENTITIES),
    );
    await migrator.initialize();
    try {
      await migrator.runMigrations();
    } finally {
      await migrator.destroy();
    }
    return new URL(template.url).pathname.slice(1);
  })();
  return migratedTemplate;
}

/**
 * A database that an app and the admin commands (runCommand) both open, as a server and `npm run …`
 * share one in production: a SQLite file in a temporary directory, or on the PostgreSQL lane a
 * throwaway database.
 */
export async function createSharedDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (E2E_ON_POSTGRES) {
    return createThrowawayDatabase(E2E_DATABASE_PREFIX, await postgresTemplate());
  }
  const dir = mkdtempSync(join(tmpdir(), 'wo-shared-'));
  return {
    url: join(dir, 'wrong_opinions.db'),
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

/** The `kind` label the app reports for the database it runs on (health, metrics). */
export const E2E_DATABASE_KIND = E2E_ON_POSTGRES ? 'postgres' : 'sqlite';

export interface TestApp {
  app: NestExpressApplication;
  server: Server;
  dataSource: DataSource;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Overrides TEST_ENV; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Replaces the application Clock (e.g. a FakeClock). */
  clock?: Clock;
  /**
   * Listen on an ephemeral loopback port, so concurrent supertest requests share one listener
   * (otherwise supertest starts and stops a server per request).
   */
  listen?: boolean;
  /** Any further provider overrides, applied after `clock`. */
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** The full production app (configureApp included) on a fresh database: in-memory, or see E2E_ON_POSTGRES. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { env = {}, clock, listen = false, customize = (builder) => builder } = options;
  const database =
    E2E_ON_POSTGRES && !('DATABASE_URL' in env)
      ? await createThrowawayDatabase(E2E_DATABASE_PREFIX, await postgresTemplate())
      : null;
  const previous = { ...process.env };
  Object.assign(process.env, TEST_ENV, database ? { DATABASE_URL: database.url } : {});
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    let builder = Test.createTestingModule({ imports: [AppModule.forRoot()] });
    if (clock) builder = builder.overrideProvider(Clock).useValue(clock);
    const moduleRef = await customize(builder).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>(
      new ExpressHttpAdapter(),
      APP_OPTIONS,
    );
    configureApp(app);
    await app.init();
    if (listen) await app.listen(0, '127.0.0.1');
    return {
      app,
      server: app.getHttpServer(),
      dataSource: app.get(DataSource),
      close: () => closeAndDrop(app, database),
    };
  } catch (error) {
    await database?.drop();
    throw error;
  } finally {
    process.env = previous;
  }
}

async function closeAndDrop(
  app: NestExpressApplication,
  database: ThrowawayDatabase | null,
): Promise<void> {
  try {
    await app.close();
  } finally {
    await database?.drop();
  }
}

/**
 * A change made directly in the database, as an operator would. The read caches learn of it at
 * once here; in production they would within READ_CACHE_TTL (test/read-cache.e2e-spec.ts).
 */
export async function writeOutsideApi<T>(
  t: TestApp,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const result = await work(t.dataSource);
  t.app.get(DataVersion).advance();
  return result;
}
