import request from 'supertest';
import { FakeUpstream } from './fake-upstream/fake-upstream.js';
import { LOVE_IDS, MB } from './fake-upstream/fixtures/musicbrainz.js';
import { TMDB } from './fake-upstream/fixtures/tmdb.js';
import { createTestApp, E2E_DATABASE_KIND, type TestApp } from './support/test-app.js';
import { member, WeeksClient, type Member } from './support/week-helpers.js';

const TOKEN = 'metrics-token-0123456789abcdef';

/** One sample's value from the Prometheus text, by its exact name and label set. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** GET /metrics (issue #13): Prometheus text behind METRICS_TOKEN, labels without ids. */
describe('Metrics', () => {
  let fake: FakeUpstream;
  let t: TestApp;
  let alice: Member;
  const scrape = () =>
    request(t.server).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    t = await createTestApp({ env: { ...fake.env(), METRICS_TOKEN: TOKEN } });
    alice = await member(t.server, 'alice');
  });

  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  it('answers 401 without the token, or with another one, including a user token', async () => {
    for (const authorization of [
      undefined,
      `Bearer ${TOKEN}x`,
      'Bearer x',
      alice.auth.Authorization,
    ]) {
      const pending = request(t.server).get('/metrics');
      const res = await (authorization ? pending.set('Authorization', authorization) : pending);
      expect({ status: res.status, body: res.body as unknown }).toEqual({
        status: 401,
        body: { detail: 'Not authenticated' },
      });
    }
  });

  it('is in the Prometheus text format, with the database kind', async () => {
    const res = await scrape();
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(res.text, `database_info{kind="${E2E_DATABASE_KIND}"}`)).toBe(1);
  });

  it('counts requests by route template, method and status, and times them', async () => {
    const weeks = new WeeksClient(t.server);
    const created = await weeks.create(alice, { year: 2031, week_number: 7 });
    const series = (status: number) =>
      `http_requests_total{route="/api/weeks/{week_id}",method="GET",status="${status}"}`;
    const before = await scrape();
    expect((await weeks.get(alice, created.body.id as number)).status).toBe(200);
    expect((await weeks.get(alice, created.body.id as number)).status).toBe(200);
    expect((await weeks.get(alice, 999_999)).status).toBe(404);
    const after = await scrape();

    expect((sample(after.text, series(200)) ?? 0) - (sample(before.text, series(200)) ?? 0)).toBe(
      2,
    );
    expect((sample(after.text, series(404)) ?? 0) - (sample(before.text, series(404)) ?? 0)).toBe(
      1,
    );
    expect(
      sample(
        after.text,
        'http_request_duration_seconds_count{route="/api/weeks/{week_id}",method="GET"}',
      ),
    ).toBeGreaterThanOrEqual(3);
  });

  it('never puts an id or a raw path in a label', async () => {
    await request(t.server).get('/api/weeks/123456789').set(alice.auth);
    await request(t.server).get('/no/such/path/987654321');
    const { text } = await scrape();
    const labelSets = text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.split(' ')[0]);
    expect(labelSets.filter((s) => /\d{4,}/.test(s.replace(/le="[^"]*"/, '')))).toEqual([]);
    expect(text).toContain('route="unmatched"');
  });

  it('counts upstream attempts by upstream and outcome: a TMDB 500 is outcome "500"', async () => {
    const before = await scrape();
    await request(t.server).get(`/api/movies/${TMDB.FAULT_500}`).set(alice.auth).expect(502);
    const after = await scrape();
    const series = 'upstream_requests_total{upstream="tmdb",outcome="500"}';
    expect(
      (sample(after.text, series) ?? 0) - (sample(before.text, series) ?? 0),
    ).toBeGreaterThanOrEqual(1);
    expect(after.text).toContain('upstream_request_duration_seconds_count{upstream="tmdb"}');
  });

  it('counts cache hits and misses by cache', async () => {
    const weeks = new WeeksClient(t.server);
    const before = await scrape();
    expect((await weeks.list(alice)).status).toBe(200);
    expect((await weeks.list(alice)).status).toBe(200);
    const after = await scrape();
    const hits = 'cache_lookups_total{cache="responses",result="hit"}';
    expect(
      (sample(after.text, hits) ?? 0) - (sample(before.text, hits) ?? 0),
    ).toBeGreaterThanOrEqual(1);
    expect(after.text).toContain('cache_lookups_total{cache="verified_tokens",result="hit"}');
  });

  it('times the MusicBrainz queue and counts its 429s', async () => {
    // No wait allowed: of two lookups at once, the second's slot is a second away, so it is refused.
    const paced = await createTestApp({
      env: {
        ...fake.env(),
        METRICS_TOKEN: TOKEN,
        MUSICBRAINZ_MIN_INTERVAL: '1s',
        MUSICBRAINZ_MAX_WAIT: '0',
      },
    });
    try {
      const bob = await member(paced.server, 'bob');
      const statuses = await Promise.all(
        [MB.DARK_SIDE, LOVE_IDS[0]].map((id) =>
          request(paced.server)
            .get(`/api/albums/${id}`)
            .set(bob.auth)
            .then((res) => res.status),
        ),
      );
      expect(statuses.sort()).toEqual([200, 429]);
      const { text } = await request(paced.server)
        .get('/metrics')
        .set('Authorization', `Bearer ${TOKEN}`)
        .expect(200);
      expect(sample(text, 'musicbrainz_queue_refusals_total')).toBe(1);
      expect(sample(text, 'musicbrainz_queue_wait_seconds_count')).toBeGreaterThanOrEqual(1);
    } finally {
      await paced.close();
    }
  });

  it('is off (404, as an unknown route) when METRICS_TOKEN is unset', async () => {
    const off = await createTestApp();
    try {
      const res = await request(off.server).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect({ status: res.status, body: res.body as unknown }).toEqual({
        status: 404,
        body: { detail: 'Not Found' },
      });
    } finally {
      await off.close();
    }
  });
});
