import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { MIGRATIONS } from '../migrations/index.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './support/throwaway-postgres.js';

/** Several instances on one PostgreSQL database (issue #14). */
describe('Instances sharing one PostgreSQL database', () => {
  let database: ThrowawayDatabase;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    database = await createThrowawayDatabase();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await database.drop();
  });

  it('started together on an empty database: the migrations run once, and every instance is ready', async () => {
    // Without the lock, all but one would fail their first attempt ("relation … already exists")
    // and come up only through @nestjs/typeorm's retry, which logs each failure.
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    let started: TestApp[];
    try {
      started = await Promise.all(
        [1, 2, 3].map(() => createTestApp({ env: { DATABASE_URL: database.url } })),
      );
      apps.push(...started);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }

    const [first] = started;
    const applied = await first.dataSource.query<{ name: string }[]>(
      'SELECT "name" FROM "migrations" ORDER BY "id"',
    );
    expect(applied.map((row) => row.name)).toEqual(
      MIGRATIONS.map((migration) => new migration().name),
    );
    for (const app of started) {
      const res = await request(app.server).get('/health/ready');
      expect({ status: res.status, body: res.body as unknown }).toEqual({
        status: 200,
        body: { status: 'ready', database: 'ok', migrations: 'up_to_date' },
      });
    }
  });

  it('count login attempts per client across instances (THROTTLE_LIMIT is per IP, not per instance)', async () => {
    const env = { DATABASE_URL: database.url, THROTTLE_LIMIT: '3', THROTTLE_TTL: '60s' };
    const clock = new FakeClock('2026-03-04T05:06:07.089Z');
    const [a, b] = await Promise.all([
      createTestApp({ env, clock }),
      createTestApp({ env, clock }),
    ]);
    apps.push(a, b);
    const login = (app: TestApp) =>
      request(app.server)
        .post('/api/auth/login')
        .send({ username: 'nobody', password: 'wrong password' })
        .then((res) => res.status);

    expect([await login(a), await login(b), await login(a)]).toEqual([401, 401, 401]);
    expect(await login(b)).toBe(429);
    expect(await login(a)).toBe(429);

    // A new window, shared too, once THROTTLE_TTL has passed.
    clock.advance(60_000);
    expect([await login(b), await login(a), await login(b), await login(a)]).toEqual([
      401, 401, 401, 429,
    ]);
  });
});
