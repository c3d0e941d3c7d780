import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/** The local PostgreSQL every machine here runs (trust auth). */
export const POSTGRES_SERVER_URL = 'postgres://postgres@127.0.0.1:5432';

export interface ThrowawayDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new database of its own on the local PostgreSQL, empty or a copy of `template` (which must have
 * no open connections); `drop()` removes it, connections and all.
 */
export async function createThrowawayDatabase(
  prefix = 'wo_test',
  template?: string,
): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '')}`;
  const admin = new DataSource({ type: 'postgres', url: `${POSTGRES_SERVER_URL}/test` });
  await admin.initialize();
  try {
    await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  } catch (error) {
    await admin.destroy();
    throw error;
  }
  return {
    url: `${POSTGRES_SERVER_URL}/${name}`,
    async drop() {
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.destroy();
      }
    },
  };
}
