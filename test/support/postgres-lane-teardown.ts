// globalTeardown of jest.config.json's `postgres` project: drops this run's leftover databases (see
// postgres-lane-setup.ts). Loaded without the suite's module mapping, so it imports nothing of ours.
import { DataSource } from 'typeorm';

/** POSTGRES_SERVER_URL of throwaway-postgres.ts. */
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export default async function teardown(): Promise<void> {
  const prefix = process.env.E2E_DATABASE_PREFIX;
  if (!prefix) return;
  const admin = new DataSource({ type: 'postgres', url: ADMIN_URL });
  await admin.initialize();
  try {
    const leftovers = await admin.query<{ datname: string }[]>(
      `SELECT "datname" FROM "pg_database" WHERE "datname" LIKE $1`,
      [`${prefix}\\_%`],
    );
    for (const { datname } of leftovers) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await admin.destroy();
  }
}
