import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FakeUpstream } from './fake-upstream/fake-upstream.js';
import { MB, MB_ARTIST } from './fake-upstream/fixtures/musicbrainz.js';
import { TMDB } from './fake-upstream/fixtures/tmdb.js';
import { ExportClient } from './support/export-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { runCommand } from './support/run-command.js';
import {
  createSharedDatabase,
  createTestApp,
  E2E_ON_POSTGRES,
  type TestApp,
} from './support/test-app.js';
import { createThrowawayDatabase } from './support/throwaway-postgres.js';
import { judgeableWeek, KINDS, VerdictsClient } from './support/verdict-helpers.js';
import { member, seedAlbum, seedMovie, type Member, WeeksClient } from './support/week-helpers.js';

/**
 * Every write that changes what the stats show is seen by the next stats read (opinions.md §2): the
 * stats keep figures per ISO year, recomputed when a write has marked its year (StatsYears). Each
 * case reads the stats first, so that the figures of its year are computed before the write, then
 * writes through the API (or an admin command) and reads again: a write that forgot its mark would
 * be answered with the figures of before. No response cache answers (READ_CACHE_TTL 0).
 */

/** Wednesday of 2021-W02. */
const NOW = '2021-01-13T12:00:00.000Z';
const HOUR_MS = 3_600_000;
const USER_AGENT = 'WrongOpinions/0.1.0 ( stats-freshness-tests@example.org )';
/** What seedMovie stores by default: every movie pick adds it to runtime_minutes. */
const SEEDED_RUNTIME = 101;

interface Ratings {
  count: number;
  average: number | null;
  histogram: number[];
}

interface Stats {
  totals: Record<string, number>;
  ratings: Ratings;
  members: { user: { username: string }; weeks_owned: number }[];
  decades: Record<'movies' | 'albums', { decade: number; count: number }[]>;
  genres: { name: string; count: number }[];
  top_directors: { tmdb_id: number; name: string; count: number }[];
  top_artists: { musicbrainz_id: string; name: string; count: number }[];
}

/** The overview and one year, read together. */
interface Snapshot {
  overview: Stats;
  year: Stats;
}

/** The ratings block of these ratings (1–10). */
function ratingsOf(...ratings: number[]): Ratings {
  const sum = ratings.reduce((total, rating) => total + rating, 0);
  return {
    count: ratings.length,
    average: ratings.length === 0 ? null : Math.round((sum / ratings.length) * 100) / 100,
    histogram: Array.from({ length: 10 }, (_, i) => ratings.filter((r) => r === i + 1).length),
  };
}

/** `after`'s totals are `before`'s moved by `moves`, in the overview and in the year alike. */
function expectTotalsMoved(before: Snapshot, after: Snapshot, moves: Record<string, number>) {
  for (const scope of ['overview', 'year'] as const) {
    const expected = { ...before[scope].totals };
    for (const [figure, by] of Object.entries(moves)) expected[figure] += by;
    expect({ scope, totals: after[scope].totals }).toEqual({ scope, totals: expected });
  }
}

interface Lane {
  t: TestApp;
  weeks: WeeksClient;
  verdicts: VerdictsClient;
  alice: Member;
  bob: Member;
  carol: Member;
  dave: Member;
  erin: Member;
  stats(year: number): Promise<Snapshot>;
  /** A year no other case of the lane writes in. */
  freshYear(): number;
}

/** An app on a database of its own, wired to the fake upstream, with five members. */
async function openLane(
  fake: FakeUpstream,
  clock: FakeClock,
  env: Record<string, string> = {},
): Promise<Lane> {
  const t = await createTestApp({
    clock,
    listen: true,
    env: {
      ...fake.env(),
      MUSICBRAINZ_USER_AGENT: USER_AGENT,
      MUSICBRAINZ_MIN_INTERVAL: '0',
      CATALOG_TTL: '1h',
      READ_CACHE_TTL: '0',
      ...env,
    },
  });
  const [alice, bob, carol, dave, erin] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave', 'erin'].map((name) => member(t.server, name)),
  );
  let year = 2000;
  return {
    t,
    weeks: new WeeksClient(t.server),
    verdicts: new VerdictsClient(t.server),
    alice,
    bob,
    carol,
    dave,
    erin,
    stats: (inYear) => statsOf(t, alice, inYear),
    freshYear: () => ++year,
  };
}

async function statsOf(t: TestApp, who: Member, year: number): Promise<Snapshot> {
  const read = async (path: string) => {
    const res = await request(t.server).get(path).set(who.auth);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return res.body as Stats;
  };
  const [overview, inYear] = await Promise.all([
    read('/api/stats/overview'),
    read(`/api/stats/by-year/${year}`),
  ]);
  return { overview, year: inYear };
}

/** Status 200 or 201: a verdict PUT replaced or created. */
/**
 * After every case above (they run in order), the figures their writes kept current are those
 * computed from scratch: the overview and every year alike, with `stats_years` emptied.
 */
function keptEqualsAfresh(lane: () => Lane): void {
  it('the figures the writes kept current equal those computed afresh', async () => {
    const { t, alice } = lane();
    const years = await t.dataSource.query<{ year: number | string }[]>(
      'SELECT DISTINCT year FROM weeks ORDER BY year',
    );
    const paths = ['/api/stats/overview', ...years.map(({ year }) => `/api/stats/by-year/${year}`)];
    const read = () =>
      Promise.all(
        paths.map(async (path) => {
          const res = await request(t.server).get(path).set(alice.auth);
          return { path, status: res.status, body: res.body as unknown };
        }),
      );
    const kept = await read();
    expect(years.length).toBeGreaterThan(3);

    await t.dataSource.query('DELETE FROM stats_years');
    const afresh = await read();

    expect(afresh).toEqual(kept);
    const stamped = await t.dataSource.query<{ stale: number | string }[]>(
      'SELECT COUNT(*) AS stale FROM stats_years WHERE figures_of IS NULL OR figures_of <> changes',
    );
    expect(Number(stamped[0].stale)).toBe(0);
  });
}

/** A new week of alice's with this stored movie as its first pick. */
async function pickInNewWeek(
  lane: Lane,
  week: { year: number; week_number: number },
  tmdbId: number,
): Promise<void> {
  const { id } = await judgeableWeek(lane.t.dataSource, lane.weeks, lane.alice, week, {});
  const added = await lane.weeks.addMovie(lane.alice, id, { tmdb_id: tmdbId, position: 1 });
  expect(added.status).toBe(201);
}

/** Past CATALOG_TTL, a detail read fetches the item again from the fake upstream and stores it. */
async function refetchPastTtl(lane: Lane, clock: FakeClock, path: string, who: Member) {
  clock.advance(2 * HOUR_MS);
  const refreshed = await request(lane.t.server).get(path).set(who.auth);
  expect({ status: refreshed.status, cached: refreshed.body.cached }).toEqual({
    status: 200,
    cached: false,
  });
}

function expectPut(status: number): void {
  expect([200, 201]).toContain(status);
}

/** The verdict and pick writes, and the concurrency case: on every database. */
function verdictAndPickCases(lane: () => Lane): void {
  it.each(KINDS)('a verdict on a picked %s: set, replaced, deleted', async (kind) => {
    const { weeks, verdicts, alice, bob, t, stats, freshYear } = lane();
    const year = freshYear();
    const counts = kind === 'movie' ? { movies: 1 } : { albums: 1 };
    const week = await judgeableWeek(t.dataSource, weeks, alice, { year, week_number: 5 }, counts);
    const before = await stats(year);
    expect(before.year.ratings).toEqual(ratingsOf());

    expectPut((await verdicts.put(bob, week.id, kind, 1, { rating: 7 })).status);
    const set = await stats(year);
    expectTotalsMoved(before, set, { verdicts: 1 });
    expect(set.year.ratings).toEqual(ratingsOf(7));

    const replaced = await verdicts.put(bob, week.id, kind, 1, {
      rating: 3,
      review: 'On reflection, no.',
    });
    expect(replaced.status).toBe(200);
    const changed = await stats(year);
    expectTotalsMoved(before, changed, { verdicts: 1, reviews: 1 });
    expect(changed.year.ratings).toEqual(ratingsOf(3));

    expect((await verdicts.remove(bob, week.id, kind, 1)).status).toBe(204);
    const deleted = await stats(year);
    expectTotalsMoved(before, deleted, {});
    expect(deleted.year.ratings).toEqual(ratingsOf());
  });

  it('adding a movie and an album', async () => {
    const { weeks, alice, t, stats, freshYear } = lane();
    const year = freshYear();
    const week = await judgeableWeek(t.dataSource, weeks, alice, { year, week_number: 6 }, {});
    const movie = await seedMovie(t.dataSource);
    const album = await seedAlbum(t.dataSource);
    const before = await stats(year);

    const addedMovie = await weeks.addMovie(alice, week.id, { tmdb_id: movie.tmdbId, position: 1 });
    expect(addedMovie.status).toBe(201);
    const withMovie = await stats(year);
    expectTotalsMoved(before, withMovie, {
      movie_picks: 1,
      distinct_movies: 1,
      runtime_minutes: SEEDED_RUNTIME,
    });

    const addedAlbum = await weeks.addAlbum(alice, week.id, {
      musicbrainz_id: album.musicbrainzId,
      position: 2,
    });
    expect(addedAlbum.status).toBe(201);
    expectTotalsMoved(withMovie, await stats(year), { album_picks: 1, distinct_albums: 1 });
  });

  it.each(KINDS)("removing a picked %s with the picker's own verdict", async (kind) => {
    const { weeks, verdicts, alice, t, stats, freshYear } = lane();
    const year = freshYear();
    const counts = kind === 'movie' ? { movies: 1 } : { albums: 1 };
    const week = await judgeableWeek(t.dataSource, weeks, alice, { year, week_number: 7 }, counts);
    expectPut((await verdicts.put(alice, week.id, kind, 1, { rating: 9 })).status);
    const before = await stats(year);
    expect(before.year.ratings).toEqual(ratingsOf(9));

    const removed =
      kind === 'movie'
        ? await weeks.removeMovie(alice, week.id, 1)
        : await weeks.removeAlbum(alice, week.id, 1);
    expect(removed.status).toBe(204);
    const after = await stats(year);
    expectTotalsMoved(
      before,
      after,
      kind === 'movie'
        ? { movie_picks: -1, distinct_movies: -1, runtime_minutes: -SEEDED_RUNTIME, verdicts: -1 }
        : { album_picks: -1, distinct_albums: -1, verdicts: -1 },
    );
    expect(after.year.ratings).toEqual(ratingsOf());
  });

  it('verdicts written at once on one pick, between stats reads, end in the figures of the last ones', async () => {
    const { weeks, verdicts, alice, bob, carol, dave, erin, t, stats, freshYear } = lane();
    const year = freshYear();
    const week = await judgeableWeek(
      t.dataSource,
      weeks,
      alice,
      { year, week_number: 8 },
      { movies: 1 },
    );
    const before = await stats(year);

    const reads: Promise<Snapshot>[] = [];
    const judge = async (who: Member, ratings: number[]) => {
      for (const rating of ratings) {
        expectPut((await verdicts.put(who, week.id, 'movie', 1, { rating })).status);
        reads.push(stats(year));
      }
    };
    await Promise.all([
      judge(alice, [1, 10]),
      judge(bob, [2, 9]),
      judge(carol, [3, 4, 8]),
      judge(dave, [7, 5, 7]),
      (async () => {
        await judge(erin, [6]);
        expect((await verdicts.remove(erin, week.id, 'movie', 1)).status).toBe(204);
      })(),
      ...Array.from({ length: 4 }, () => stats(year)),
    ]);
    await Promise.all(reads);

    const after = await stats(year);
    expectTotalsMoved(before, after, { verdicts: 4 });
    expect(after.year.ratings).toEqual(ratingsOf(10, 9, 8, 7));
  });
}

describe('Stats after each write, on the lane database', () => {
  const clock = new FakeClock(NOW);
  let fake: FakeUpstream;
  let lane: Lane;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    lane = await openLane(fake, clock);
  });

  afterAll(async () => {
    await lane?.t.close();
    await fake?.stop();
  });

  verdictAndPickCases(() => lane);

  it('creating a week', async () => {
    const year = lane.freshYear();
    // A week first, so that the year's figures exist and are current before the write: a year
    // without them counts as changed whether marked or not.
    expect((await lane.weeks.create(lane.bob, { year, week_number: 8 })).status).toBe(201);
    const before = await lane.stats(year);
    const created = await lane.weeks.create(lane.bob, { year, week_number: 9 });
    expect(created.status).toBe(201);
    const after = await lane.stats(year);
    expectTotalsMoved(before, after, { weeks: 1, claimed_weeks: 1 });
    expect(after.year.members.map(({ user, weeks_owned }) => [user.username, weeks_owned])).toEqual(
      [['bob', 2]],
    );
  });

  it('the current week: created unclaimed on first sight, claimed by its first pick', async () => {
    const year = 2021; // NOW's ISO year; no other case writes in it
    // Another week of the year first, so that its figures exist before the write (see above).
    expect((await lane.weeks.create(lane.dave, { year, week_number: 30 })).status).toBe(201);
    const before = await lane.stats(year);
    const current = await lane.weeks.current(lane.carol);
    expect(current.status).toBe(200);
    const seen = await lane.stats(year);
    expectTotalsMoved(before, seen, { weeks: 1 });

    const movie = await seedMovie(lane.t.dataSource);
    const added = await lane.weeks.addMovie(lane.carol, current.body.id, {
      tmdb_id: movie.tmdbId,
      position: 1,
    });
    expect(added.status).toBe(201);
    const claimed = await lane.stats(year);
    expectTotalsMoved(seen, claimed, {
      claimed_weeks: 1,
      movie_picks: 1,
      distinct_movies: 1,
      runtime_minutes: SEEDED_RUNTIME,
    });
    expect(
      claimed.year.members.map(({ user, weeks_owned }) => [user.username, weeks_owned]),
    ).toEqual([
      ['carol', 1],
      ['dave', 1],
    ]);
  });

  it("deleting a week, its picks and the owner's verdicts", async () => {
    const year = lane.freshYear();
    const week = await judgeableWeek(lane.t.dataSource, lane.weeks, lane.dave, {
      year,
      week_number: 11,
    });
    expectPut((await lane.verdicts.put(lane.dave, week.id, 'album', 2, { rating: 4 })).status);
    const before = await lane.stats(year);
    expect((await lane.weeks.remove(lane.dave, week.id)).status).toBe(204);
    const after = await lane.stats(year);
    expectTotalsMoved(before, after, {
      weeks: -1,
      claimed_weeks: -1,
      movie_picks: -2,
      album_picks: -2,
      distinct_movies: -2,
      distinct_albums: -2,
      runtime_minutes: -2 * SEEDED_RUNTIME,
      verdicts: -1,
    });
    expect(after.year.ratings).toEqual(ratingsOf());
  });

  it('a picked movie whose details TMDB changed, refreshed once older than CATALOG_TTL', async () => {
    const year = lane.freshYear();
    // Stored with figures TMDB no longer has (Inception: 148 min, 2010, Action and Science Fiction).
    const movie = await seedMovie(lane.t.dataSource, {
      tmdbId: TMDB.INCEPTION,
      runtime: 100,
      releaseDate: '1999-01-01',
      genres: [],
      cachedAt: clock.now(),
      creditsCachedAt: clock.now(),
    });
    await pickInNewWeek(lane, { year, week_number: 12 }, movie.tmdbId);
    const before = await lane.stats(year);
    expect(before.year.decades.movies).toEqual([{ decade: 1990, count: 1 }]);
    expect(before.year.genres).toEqual([]);

    await refetchPastTtl(lane, clock, `/api/movies/${TMDB.INCEPTION}`, lane.alice);
    const after = await lane.stats(year);
    expectTotalsMoved(before, after, { runtime_minutes: 48 });
    expect(after.year.decades.movies).toEqual([{ decade: 2010, count: 1 }]);
    expect(after.year.genres.map(({ name, count }) => [name, count])).toEqual([
      ['Action', 1],
      ['Science Fiction', 1],
    ]);
  });

  it('a picked movie whose credits are refreshed: its directors', async () => {
    const year = lane.freshYear();
    // Credits stored long ago, without rows: the stats know no director of it yet.
    const movie = await seedMovie(lane.t.dataSource, {
      tmdbId: TMDB.REC,
      creditsCachedAt: new Date(clock.now().getTime() - 2 * HOUR_MS),
    });
    await pickInNewWeek(lane, { year, week_number: 13 }, movie.tmdbId);
    const before = await lane.stats(year);
    expect(before.year.top_directors).toEqual([]);

    const credits = await request(lane.t.server)
      .get(`/api/movies/${TMDB.REC}/credits`)
      .set(lane.alice.auth);
    expect(credits.status).toBe(200);
    const after = await lane.stats(year);
    // [REC] has two directors.
    expect(after.year.top_directors.map(({ count }) => count)).toEqual([1, 1]);
    expect(after.overview.top_directors).toEqual(expect.arrayContaining(after.year.top_directors));
  });

  it('a picked album whose release MusicBrainz changed, refreshed once older than CATALOG_TTL', async () => {
    const year = lane.freshYear();
    // Stored with a date and no credits; The Dark Side of the Moon is Pink Floyd's, of 1973.
    const album = await seedAlbum(lane.t.dataSource, {
      musicbrainzId: MB.DARK_SIDE,
      releaseDate: '1999-05',
      cachedAt: clock.now(),
    });
    const week = await judgeableWeek(
      lane.t.dataSource,
      lane.weeks,
      lane.bob,
      { year, week_number: 14 },
      {},
    );
    const added = await lane.weeks.addAlbum(lane.bob, week.id, {
      musicbrainz_id: album.musicbrainzId,
      position: 1,
    });
    expect(added.status).toBe(201);
    const before = await lane.stats(year);
    expect(before.year.decades.albums).toEqual([{ decade: 1990, count: 1 }]);
    expect(before.year.top_artists).toEqual([]);

    await refetchPastTtl(lane, clock, `/api/albums/${MB.DARK_SIDE}`, lane.bob);
    const after = await lane.stats(year);
    expect(after.year.decades.albums).toEqual([{ decade: 1970, count: 1 }]);
    expect(
      after.year.top_artists.map(({ musicbrainz_id, name, count }) => [
        musicbrainz_id,
        name,
        count,
      ]),
    ).toEqual([[MB_ARTIST.PINK_FLOYD, 'Pink Floyd', 1]]);
  });

  keptEqualsAfresh(() => lane);
});

// The lane database is PostgreSQL already on the postgres lane: there these cases are the ones above
// (left out, not skipped: CI runs no skipped test).
const onPostgresToo = E2E_ON_POSTGRES ? () => undefined : describe;
onPostgresToo('Stats after each verdict and pick write, on PostgreSQL', () => {
  const clock = new FakeClock(NOW);
  let fake: FakeUpstream;
  let database: { url: string; drop(): Promise<void> };
  let lane: Lane;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    database = await createThrowawayDatabase('wo_stats_freshness');
    lane = await openLane(fake, clock, { DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await lane?.t.close();
    await database?.drop();
    await fake?.stop();
  });

  verdictAndPickCases(() => lane);
  keptEqualsAfresh(() => lane);
});

describe('Stats after the admin commands that write', () => {
  const clock = new FakeClock(NOW);
  let fake: FakeUpstream;
  let database: { url: string; drop(): Promise<void> };
  let dir: string;
  let t: TestApp;
  let alice: Member;
  let weeks: WeeksClient;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    database = await createSharedDatabase();
    dir = mkdtempSync(join(tmpdir(), 'wo-stats-freshness-'));
    // No TMDB key: an add stores no credits, which leaves them to the backfill.
    t = await createTestApp({
      clock,
      listen: true,
      env: { DATABASE_URL: database.url, READ_CACHE_TTL: '0' },
    });
    alice = await member(t.server, 'alice');
    weeks = new WeeksClient(t.server);
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('npm run backfill:credits: the directors of picked movies', async () => {
    const year = 2033;
    const movie = await seedMovie(t.dataSource, { tmdbId: TMDB.REC });
    const week = await judgeableWeek(t.dataSource, weeks, alice, { year, week_number: 1 }, {});
    expect(
      (await weeks.addMovie(alice, week.id, { tmdb_id: movie.tmdbId, position: 1 })).status,
    ).toBe(201);
    const before = await statsOf(t, alice, year);
    expect(before.year.top_directors).toEqual([]);

    const backfill = await runCommand(['backfill-credits'], {
      ...fake.env(),
      DATABASE_URL: database.url,
      MUSICBRAINZ_USER_AGENT: USER_AGENT,
    });
    expect({ code: backfill.code, err: backfill.err }).toEqual({ code: 0, err: [] });
    const after = await statsOf(t, alice, year);
    expect(after.year.top_directors.map(({ count }) => count)).toEqual([1, 1]);
  });

  it('npm run import: the weeks it adds, and the catalog updates it makes to years already there', async () => {
    const year = 2031;
    const movie = await seedMovie(t.dataSource, { runtime: 100, creditsCachedAt: clock.now() });
    const week = await judgeableWeek(t.dataSource, weeks, alice, { year, week_number: 20 }, {});
    expect(
      (await weeks.addMovie(alice, week.id, { tmdb_id: movie.tmdbId, position: 1 })).status,
    ).toBe(201);
    const verdicts = new VerdictsClient(t.server);
    expectPut((await verdicts.put(alice, week.id, 'movie', 1, { rating: 6 })).status);
    const exported = await new ExportClient(t.server).json(alice);
    expect(exported.status).toBe(200);
    const document = JSON.parse(exported.bytes.toString('utf8')) as {
      weeks: { year: number; week_number: number }[];
      movies: { tmdb_id: number; runtime: number | null; cached_at: string }[];
    };
    // The same week a year later (a new week, pick and verdict), and the movie as TMDB has it later.
    document.weeks = document.weeks
      .filter((exportedWeek) => exportedWeek.year === year)
      .map((exportedWeek) => ({ ...exportedWeek, year: year + 1 }));
    const exportedMovie = document.movies.find(({ tmdb_id }) => tmdb_id === movie.tmdbId)!;
    exportedMovie.runtime = 130;
    exportedMovie.cached_at = new Date(clock.now().getTime() + HOUR_MS).toISOString();
    const file = join(dir, 'later.json');
    writeFileSync(file, JSON.stringify(document));
    const before = await statsOf(t, alice, year);
    expect((await statsOf(t, alice, year + 1)).year.totals.weeks).toBe(0);

    const imported = await runCommand(['import', file], { DATABASE_URL: database.url });
    expect({ code: imported.code, err: imported.err }).toEqual({ code: 0, err: [] });
    const after = await statsOf(t, alice, year);
    expect(after.year.totals).toEqual({
      ...before.year.totals,
      runtime_minutes: before.year.totals.runtime_minutes + 30,
    });
    const moved = (figure: string, by: number) => before.overview.totals[figure] + by;
    expect(after.overview.totals).toEqual({
      ...before.overview.totals,
      weeks: moved('weeks', 1),
      claimed_weeks: moved('claimed_weeks', 1),
      movie_picks: moved('movie_picks', 1),
      verdicts: moved('verdicts', 1),
      runtime_minutes: moved('runtime_minutes', 30 + 130),
    });
    const nextYear = await statsOf(t, alice, year + 1);
    expect(nextYear.year.totals).toEqual({
      weeks: 1,
      claimed_weeks: 1,
      movie_picks: 1,
      album_picks: 0,
      distinct_movies: 1,
      distinct_albums: 0,
      verdicts: 1,
      reviews: 0,
      runtime_minutes: 130,
    });
    expect(nextYear.year.ratings).toEqual(ratingsOf(6));
  });
});
