import { performance } from 'node:perf_hooks';
import request, { type Response, type Test } from 'supertest';
import type { FakeUpstream, RecordedRequest } from '../fake-upstream/fake-upstream.js';
import { LOVE_IDS, MB_EXPECTED, MB_RELEASES } from '../fake-upstream/fixtures/musicbrainz.js';
import { authHeader, lastingToken, registerUser } from './auth-helpers.js';
import { FakeClock } from './fake-clock.js';
import { createTestApp, type TestApp } from './test-app.js';

/** A User-Agent in MusicBrainz's `Name/version ( contact )` form, checked on every upstream call. */
export const TEST_USER_AGENT = 'WrongOpinionsTests/0.1.0 ( albums-e2e@wrong-opinions.example )';

/** One app under test, wired to the fake upstream, with its own clock, database and caches. */
export interface AlbumApp {
  t: TestApp;
  clock: FakeClock;
  accessToken: string;
  /** An authenticated GET. */
  get(path: string): Test;
  /** An authenticated GET, already sent (for concurrent requests). */
  send(path: string): Promise<Response>;
  /** GET /health, unauthenticated. */
  health(): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts the full app against `fake` with the settings most album tests want: no MusicBrainz
 * pacing (MUSICBRAINZ_MIN_INTERVAL 0 is allowed because the base URL is loopback), a 300 ms
 * upstream timeout and a FakeClock. `env` overrides any of it. The HTTP server listens on an
 * ephemeral port so concurrent supertest requests share one listener.
 */
export async function startAlbumApp(
  fake: FakeUpstream,
  env: Record<string, string | undefined> = {},
): Promise<AlbumApp> {
  const clock = new FakeClock();
  const t = await createTestApp({
    env: {
      ...fake.env(),
      MUSICBRAINZ_USER_AGENT: TEST_USER_AGENT,
      MUSICBRAINZ_MIN_INTERVAL: '0',
      UPSTREAM_TIMEOUT: '300ms',
      ...env,
    },
    clock,
    listen: true,
  });
  const { user } = await registerUser(t.server);
  const accessToken = lastingToken(user.id);
  const get = (path: string) => request(t.server).get(path).set(authHeader(accessToken));
  return {
    t,
    clock,
    accessToken,
    get,
    send: (path) => get(path).then((res) => res),
    health: () =>
      request(t.server)
        .get('/health')
        .then((res) => res),
    close: () => t.close(),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work` and measures it on the monotonic clock. */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

export function releaseCover(fake: FakeUpstream, mbid: string): string {
  return `${fake.url}/caa/release/${mbid}/front`;
}

export function releaseGroupCover(fake: FakeUpstream, groupId: string): string {
  return `${fake.url}/caa/release-group/${groupId}/front`;
}

export function titleOf(mbid: string): string {
  const fixture = MB_RELEASES.find(({ release }) => release.id === mbid);
  if (!fixture?.release.title) throw new Error(`No titled fixture ${mbid}`);
  return fixture.release.title;
}

/** The AlbumDetails body contract §9.2 promises for a named fixture (MB_EXPECTED). */
export function expectedDetails(fake: FakeUpstream, mbid: string, cached: boolean) {
  const expected = MB_EXPECTED[mbid];
  if (!expected) throw new Error(`No MB_EXPECTED entry for ${mbid}`);
  const cover =
    expected.cover === 'release'
      ? releaseCover(fake, mbid)
      : expected.cover === 'release-group'
        ? releaseGroupCover(fake, expected.release_group_id!)
        : null;
  return {
    musicbrainz_id: mbid,
    title: titleOf(mbid),
    artist: expected.artist,
    release_date: expected.release_date,
    country: expected.country,
    status: expected.status,
    cover_art_url: cover,
    release_group_id: expected.release_group_id,
    cached,
  };
}

const LOVE_ARTISTS = ['Mara Quill', 'Dexter Vale', 'Ono Brass', 'The Lovelorn'];

/**
 * The search result for LOVE_IDS[index], derived from the fixture's rules (fixtures/musicbrainz.ts):
 * dates cycle absent / YYYY / YYYY-MM / YYYY-MM-DD, every fifth has no country, and releases
 * n % 3 === 2 have no front art.
 */
export function loveResult(fake: FakeUpstream, index: number) {
  const n = index + 1;
  const year = 1980 + n;
  return {
    musicbrainz_id: LOVE_IDS[index],
    title: `Love Notes, Vol. ${n}`,
    artist: LOVE_ARTISTS[index % LOVE_ARTISTS.length],
    release_date: [null, `${year}`, `${year}-0${(n % 9) + 1}`, `${year}-05-17`][n % 4],
    country: n % 5 === 0 ? null : n % 2 === 0 ? 'GB' : 'US',
    score: 100 - 2 * index,
    cover_art_url: n % 3 === 2 ? null : releaseCover(fake, LOVE_IDS[index]),
  };
}

/** `METHOD path` of each request, in arrival order. */
export function coverPaths(requests: RecordedRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.path}`);
}

/** Gaps between consecutive request arrivals, in arrival order. */
export function arrivalGaps(requests: RecordedRequest[]): number[] {
  const starts = requests.map((r) => r.startedAt).sort((a, b) => a - b);
  return starts.slice(1).map((start, i) => Math.round((start - starts[i]) * 10) / 10);
}

/**
 * A lower bound on how many requests were in flight at once, from arrival times alone: with every
 * answer delayed by `latencyMs`, requests that arrived within (s - window, s] were all still
 * open at s. `window` must be a little below the latency to absorb timer jitter.
 */
export function maxInFlight(requests: RecordedRequest[], windowMs: number): number {
  const starts = requests.map((r) => r.startedAt);
  return Math.max(
    0,
    ...starts.map((s) => starts.filter((other) => other <= s && other > s - windowMs).length),
  );
}

/** `inc=a+b` or `inc=a%2Bb`: the decoded value splits on a space or a plus. */
export function incValues(request: RecordedRequest): string[] {
  return (request.query.inc ?? '').split(/[+ ]/).filter(Boolean).sort();
}
