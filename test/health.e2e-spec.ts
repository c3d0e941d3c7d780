import request from 'supertest';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('Health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('GET /health reports healthy with the running version', async () => {
    const res = await request(t.server).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'healthy', version: '0.1.0' });
  });

  it('GET /health/ready checks the database and its migrations', async () => {
    const res = await request(t.server).get('/health/ready').expect(200);
    expect(res.body).toEqual({ status: 'ready', database: 'ok', migrations: 'up_to_date' });
  });

  it('answers 503 not_ready while a migration is pending, and ready once it is applied', async () => {
    const other = await createTestApp();
    try {
      const [latest] = await other.dataSource.query<{ name: string }[]>(
        'SELECT "name" FROM "migrations" ORDER BY "id" DESC LIMIT 1',
      );
      await other.dataSource.undoLastMigration();
      const res = await request(other.server).get('/health/ready').expect(503);
      expect(res.body).toEqual({
        detail: 'Database migrations are pending',
        status: 'not_ready',
        database: 'error',
        migrations: 'pending',
      });

      await other.dataSource.runMigrations();
      const [applied] = await other.dataSource.query<{ name: string }[]>(
        'SELECT "name" FROM "migrations" ORDER BY "id" DESC LIMIT 1',
      );
      expect(applied).toEqual(latest);
      await request(other.server).get('/health/ready').expect(200);
    } finally {
      await other.close();
    }
  });

  it('answers 503 with the contract body when the database is gone', async () => {
    const other = await createTestApp();
    await other.dataSource.destroy();
    const res = await request(other.server).get('/health/ready').expect(503);
    expect(res.body).toEqual({
      detail: 'Database unavailable',
      status: 'not_ready',
      database: 'error',
    });
    await other.close().catch(() => undefined);
  });

  it('is not under /api', async () => {
    await request(t.server).get('/api/health').expect(404);
  });
});
