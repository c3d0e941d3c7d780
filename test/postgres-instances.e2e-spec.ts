import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { MIGRATIONS } from '../migrations/index.js';
import { ChangeFeed } from '../src/database/change-feed.js';
import { FakeUpstream } from './fake-upstream/fake-upstream.js';
import { LOVE_IDS } from './fake-upstream/fixtures/musicbrainz.js';
import { arrivalGaps, TEST_USER_AGENT } from './support/album-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './support/throwaway-postgres.js';
import { member, type Member } from './support/week-helpers.js';

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

  describe('read caches', () => {
    let a: TestApp;
    let b: TestApp;
    let alice: Member;
    const weeksOf = (app: TestApp) =>
      request(app.server)
        .get('/api/weeks?page_size=100')
        .set(alice.auth)
        .then((res) => (res.body as { total: number }).total);

    beforeAll(async () => {
      const env = { DATABASE_URL: database.url, READ_CACHE_TTL: '1h' };
      [a, b] = await Promise.all([createTestApp({ env }), createTestApp({ env })]);
      apps.push(a, b);
      alice = await member(a.server, 'reader');
    });

    it('are on by default on PostgreSQL too, and a write through A ends them in B', async () => {
      const before = await weeksOf(b);
      expect(await weeksOf(b)).toBe(before); // cached in B now

      const heard = b.app.get(ChangeFeed).nextChange();
      await request(a.server)
        .post('/api/weeks')
        .set(alice.auth)
        .send({ year: 2040, week_number: 1 })
        .expect(201);
      await heard;
      expect(await weeksOf(b)).toBe(before + 1);
    });

    it('are off in an instance whose listening connection is gone, until it is back', async () => {
      const feed = b.app.get(ChangeFeed);
      const before = await weeksOf(b);
      expect(await weeksOf(b)).toBe(before);

      const pid = feed.listenerPid;
      expect(pid).not.toBeNull();
      const lost = feed.nextLoss();
      await a.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
      await lost;
      // B cannot hear this write: it must not answer from its cache meanwhile.
      await request(a.server)
        .post('/api/weeks')
        .set(alice.auth)
        .send({ year: 2040, week_number: 2 })
        .expect(201);
      expect(await weeksOf(b)).toBe(before + 1);

      await feed.listening();
      expect(feed.listenerPid).not.toBe(pid);
      expect(await weeksOf(b)).toBe(before + 1);
      expect(await weeksOf(b)).toBe(before + 1); // cached again
      const heard = feed.nextChange();
      await request(a.server)
        .post('/api/weeks')
        .set(alice.auth)
        .send({ year: 2040, week_number: 3 })
        .expect(201);
      await heard;
      expect(await weeksOf(b)).toBe(before + 2);
    });
  });

  describe('MusicBrainz pacing', () => {
    let fake: FakeUpstream;

    beforeAll(async () => {
      fake = await FakeUpstream.start();
      fake.settings.enforceMusicBrainzRate = true;
    });

    afterAll(async () => {
      await fake.stop();
    });

    async function twoInstances(env: Record<string, string>): Promise<[Client, Client]> {
      const settings = {
        ...fake.env(),
        DATABASE_URL: database.url,
        MUSICBRAINZ_USER_AGENT: TEST_USER_AGENT,
        MUSICBRAINZ_MIN_INTERVAL: '1s',
        ...env,
      };
      const [a, b] = await Promise.all([
        createTestApp({ env: settings, listen: true }),
        createTestApp({ env: settings, listen: true }),
      ]);
      apps.push(a, b);
      const user = await member(a.server, `pacer${apps.length}`);
      const client = (app: TestApp) => (mbid: string) =>
        request(app.server)
          .get(`/api/albums/${mbid}`)
          .set(user.auth)
          .then((res) => res.status);
      return [client(a), client(b)];
    }
    type Client = (mbid: string) => Promise<number>;

    it('keeps request starts a second apart across instances', async () => {
      const [a, b] = await twoInstances({ MUSICBRAINZ_MAX_WAIT: '10s' });
      fake.clear();
      const ids = LOVE_IDS.slice(20, 24);
      const statuses = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? a : b)(id)));
      expect(statuses).toEqual([200, 200, 200, 200]);
      const lookups = fake.requestsTo('musicbrainz');
      expect(lookups).toHaveLength(4);
      for (const gap of arrivalGaps(lookups)) expect(gap).toBeGreaterThanOrEqual(1000);
    });

    it('refuses with 429 whoever would wait past MUSICBRAINZ_MAX_WAIT, on either instance', async () => {
      const [a, b] = await twoInstances({ MUSICBRAINZ_MAX_WAIT: '1500ms' });
      // A fresh queue: the previous test's last slot may still lie ahead.
      await apps[0].dataSource.query('DELETE FROM "upstream_pacing"');
      fake.clear();
      const ids = LOVE_IDS.slice(24, 28);
      const statuses = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? a : b)(id)));
      // Slots are 1 s + 50 ms apart: the first starts now, the second 1.05 s later, and the others
      // would wait 2.1 s or more.
      expect(statuses.filter((status) => status === 200)).toHaveLength(2);
      expect(statuses.filter((status) => status === 429)).toHaveLength(2);
      expect(fake.requestsTo('musicbrainz')).toHaveLength(2);
    });
  });
});
