import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * An arbitrary 64-bit key for PostgreSQL's advisory lock: the one this service holds while it
 * migrates. (`wo` `migrate` in ASCII, so it is recognisable in pg_locks.)
 */
export const MIGRATION_LOCK_KEY = 0x776f_6d69_6772n;

/**
 * Initializes the DataSource and applies pending migrations. On PostgreSQL several instances may start
 * at once (a rolling deploy, two machines): each waits for a session advisory lock first, so one of
 * them migrates while the others wait, then finds nothing left to do. TypeORM's own `migrationsRun`
 * takes no lock. SQLite has one process and no advisory locks, so it just migrates.
 */
export async function initializeAndMigrate(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  try {
    if (options.type !== 'postgres') {
      await dataSource.runMigrations();
      return dataSource;
    }
    const lock = dataSource.createQueryRunner();
    try {
      await lock.connect();
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
      try {
        await dataSource.runMigrations();
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
      }
    } finally {
      await lock.release();
    }
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
