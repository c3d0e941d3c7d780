// GET /api/recommendations/movies (recommendations.md §1, §2, §4; upstream.md §2.8) against the fake
// upstream. Every test starts its own app (fresh database, caches and flights); the fake is shared
// and cleared. Picks and verdicts go through the API; hand-built lists are stored directly.
import request from 'supertest';
import { TMDB, TMDB_MOVIES, TMDB_RECOMMENDATIONS } from './fake-upstream/fixtures/tmdb.js';
import type { Movie } from '../src/movies/entities/movie.entity.js';
import { maxInFlight } from './support/album-helpers.js';
import { outcome } from './support/auth-helpers.js';
import {
  recommendation,
  storeMovieList,
  type ClubApp,
  useClubApps,
  expectLimitRefused,
} from './support/recommendation-helpers.js';
import { countQueries, seedMovie } from './support/week-helpers.js';

const HOUR_MS = 60 * 60 * 1000;
const IMAGE_BASE = 'https://image.tmdb.org/t/p';

const suite = useClubApps();
const app = suite.app;

const tmdb = () => suite.fake.requestsTo('tmdb');
/** The TMDB ids whose recommendations were asked for, in arrival order. */
const askedFor = () =>
  tmdb().map((r) => Number(/^\/movie\/(\d+)\/recommendations$/.exec(r.path)?.[1] ?? NaN));

/** A fixture movie, stored as an earlier details fetch would have (so picking it calls nobody). */
function fixtureMovie(a: ClubApp, tmdbId: number): Promise<Movie> {
  const { details } = TMDB_MOVIES.get(tmdbId)!;
  return seedMovie(a.t.dataSource, { tmdbId, title: details.title, cachedAt: a.clock.now() });
}

/** What the reply shows of a fixture movie TMDB recommended (upstream.md §2.3, §2.6). */
function fixtureResult(tmdbId: number) {
  const { details } = TMDB_MOVIES.get(tmdbId)!;
  return {
    tmdb_id: tmdbId,
    title: details.title,
    release_date: details.release_date === '' ? null : details.release_date,
    poster_url: details.poster_path ? `${IMAGE_BASE}/w500${details.poster_path}` : null,
    vote_average: details.vote_average,
  };
}

const seedRef = (movie: Movie, average: number) => ({
  tmdb_id: movie.tmdbId,
  title: movie.title,
  average,
});

describe('GET /api/recommendations/movies: seeds and scores', () => {
  it('answers an empty reply without seeds, and 401 without a token', async () => {
    const a = await app();
    const unrated = await seedMovie(a.t.dataSource);
    await a.club.pickMovie(unrated);
    expect(outcome(await a.club.movies())).toEqual({
      status: 200,
      body: { results: [], seeds: 0, pending_seeds: 0 },
    });
    for (const route of ['movies', 'albums']) {
      const anonymous = await request(a.t.server).get(`/api/recommendations/${route}`);
      expect(anonymous.status).toBe(401);
    }
    expect(tmdb()).toEqual([]);
  });

  it('scores by the sum of the seeds’ weights and breaks every tie as the spec says (hand-built lists)', async () => {
    const a = await app();
    const ds = a.t.dataSource;
    const now = a.clock.now();
    // One at a time: the tie-break below is by our id, and concurrent inserts on PostgreSQL take ids
    // in no particular order.
    const seeds: Movie[] = [];
    for (const n of [1, 2, 3, 4, 5, 6, 7]) seeds.push(await seedMovie(ds, { title: `Seed ${n}` }));
    const [s1, s2, s3, s4, s5, s6, s7] = seeds;
    const pickedElsewhere = await seedMovie(ds, { title: 'Picked, never rated' });
    // Seed order: S1 9.00 (weight 4), S2 8.00 (3), S6 and S7 7.50 (2.5; same week, by id),
    // S5 7.33 (2.33), S4 7.00 (2; newer week than S3), S3 7.00 (2).
    await a.club.pickMovie(s1, [9]);
    await a.club.pickMovie(s2, [8]);
    await a.club.pickMovie(s3, [7]);
    await a.club.pickMovie(s4, [7, 7]);
    await a.club.pickMovie(s5, [7, 7, 8]);
    const week = await a.club.pickMovie(s6, [7, 8]);
    await a.club.pickMovie(s7, [8, 7], { weekId: week, position: 2 });
    await a.club.pickMovie(pickedElsewhere);

    const r = (id: number, fields = {}) => recommendation(id, fields);
    await storeMovieList(
      ds,
      s1,
      [
        r(802, { title: 'P as S1 says', voteAverage: 1 }),
        r(807, { voteAverage: 6 }),
        r(806, { voteAverage: 8 }),
        r(s2.tmdbId),
        r(pickedElsewhere.tmdbId),
      ],
      now,
    );
    await storeMovieList(
      ds,
      s2,
      [r(801), r(802, { title: 'P as S2 says', voteAverage: 9 }), r(809), r(808)],
      now,
    );
    await storeMovieList(ds, s3, [r(801), r(805)], now);
    await storeMovieList(ds, s4, [r(805), r(801), r(s1.tmdbId)], now);
    await storeMovieList(ds, s5, [r(804, { title: 'U as S5 says' })], now);
    await storeMovieList(ds, s6, [r(803), r(804, { posterPath: null, releaseDate: null })], now);
    await storeMovieList(ds, s7, [r(803)], now);

    const res = await a.club.movies();
    const result = (id: number, score: number, because: Movie[], fields = {}) => {
      const entry = r(id, fields);
      return {
        tmdb_id: id,
        title: entry.title,
        release_date: entry.releaseDate,
        poster_url: entry.posterPath ? `${IMAGE_BASE}/w500${entry.posterPath}` : null,
        vote_average: entry.voteAverage,
        score,
        because: because.map((seed) => seedRef(seed, AVERAGES.get(seed)!)),
      };
    };
    const AVERAGES = new Map([
      [s1, 9],
      [s2, 8],
      [s3, 7],
      [s4, 7],
      [s5, 7.33],
      [s6, 7.5],
      [s7, 7.5],
    ]);
    expect(outcome(res)).toEqual({
      status: 200,
      body: {
        results: [
          // 7.00 by three seeds before 7.00 by two; equal weights by newest week.
          result(801, 7, [s2, s4, s3]),
          // A movie in two lists shows what the first seed's list says.
          result(802, 7, [s1, s2], { title: 'P as S1 says', voteAverage: 1 }),
          // Equal weight and week: by id.
          result(803, 5, [s6, s7]),
          // 2.50 + 2.33, exactly.
          result(804, 4.83, [s6, s5], { posterPath: null, releaseDate: null }),
          // 4.00: two seeds, then one by vote_average desc.
          result(805, 4, [s4, s3]),
          result(806, 4, [s1], { voteAverage: 8 }),
          result(807, 4, [s1], { voteAverage: 6 }),
          // 3.00, the same vote_average: by tmdb_id.
          result(808, 3, [s2]),
          result(809, 3, [s2]),
        ],
        seeds: 7,
        pending_seeds: 0,
      },
    });
    // Every list was stored and fresh: nothing asked of TMDB.
    expect(tmdb()).toEqual([]);
  });

  it('counts only seeds whose pooled average over all their picks is at least 7.00', async () => {
    const a = await app();
    const [inception, existenz, amelie, okami, aero, rec] = await Promise.all(
      [TMDB.INCEPTION, TMDB.EXISTENZ, TMDB.AMELIE, TMDB.OKAMI, TMDB.AERO, TMDB.REC].map((id) =>
        fixtureMovie(a, id),
      ),
    );
    await a.club.pickMovie(inception, [7]); // 7.00: a seed
    await a.club.pickMovie(existenz, [8, 6, 7]); // 7.00: a seed
    await a.club.pickMovie(amelie, [7, 6]); // 6.50: not
    // 8 on one pick, 6 and 6 on another: pooled 6.67 (not the 7.00 of the picks' means).
    await a.club.pickMovie(okami, [8]);
    await a.club.pickMovie(okami, [6, 6]);
    await a.club.pickMovie(aero, [null, 9]); // a review without a rating does not count: 9.00
    await a.club.pickMovie(rec); // picked, never rated: not

    const res = await a.club.movies('?limit=50');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ seeds: 3, pending_seeds: 0 });
    expect(askedFor().sort()).toEqual([TMDB.EXISTENZ, TMDB.AERO, TMDB.INCEPTION].sort());
    const because = new Map<number, number>();
    for (const result of res.body.results) {
      for (const seed of result.because) because.set(seed.tmdb_id, seed.average);
    }
    expect(Object.fromEntries(because)).toEqual({
      [TMDB.INCEPTION]: 7,
      [TMDB.EXISTENZ]: 7,
      [TMDB.AERO]: 9,
    });
  });

  it('never shows a movie picked in a week; a removed pick no longer excludes it, nor seeds', async () => {
    const a = await app();
    const [inception, existenz, rec] = await Promise.all(
      [TMDB.INCEPTION, TMDB.EXISTENZ, TMDB.REC].map((id) => fixtureMovie(a, id)),
    );
    const seedWeek = await a.club.pickMovie(inception, [8]);
    const otherWeek = await a.club.pickMovie(existenz);
    await a.club.pickMovie(rec, [], { weekId: otherWeek, position: 2 });

    const expected = (ids: number[]) =>
      ids
        .map((id) => ({ ...fixtureResult(id), score: 3, because: [seedRef(inception, 8)] }))
        .sort((x, y) => y.vote_average - x.vote_average || x.tmdb_id - y.tmdb_id);
    const listed = TMDB_RECOMMENDATIONS.get(TMDB.INCEPTION)!;
    const first = await a.club.movies();
    expect(outcome(first)).toEqual({
      status: 200,
      body: {
        results: expected(listed.filter((id) => id !== TMDB.EXISTENZ && id !== TMDB.REC)),
        seeds: 1,
        pending_seeds: 0,
      },
    });

    expect((await a.club.api.removeMovie(a.club.alice, otherWeek, 1)).status).toBe(204);
    const second = await a.club.movies();
    expect(second.body.results).toEqual(expected(listed.filter((id) => id !== TMDB.REC)));

    expect((await a.club.api.removeMovie(a.club.alice, seedWeek, 1)).status).toBe(204);
    expect((await a.club.movies()).body).toEqual({ results: [], seeds: 0, pending_seeds: 0 });
    expect(askedFor()).toEqual([TMDB.INCEPTION]);
  });
});

describe('GET /api/recommendations/movies: stored, refreshed, never blocking', () => {
  it('a second call makes 0 upstream calls and reads its reply through a fixed number of queries', async () => {
    const a = await app({ READ_CACHE_TTL: '0' });
    const movies = await Promise.all(
      [TMDB.INCEPTION, TMDB.EXISTENZ, TMDB.AMELIE, TMDB.OKAMI, TMDB.AERO].map((id) =>
        fixtureMovie(a, id),
      ),
    );
    await a.club.pickMovie(movies[0], [9]);
    await a.club.pickMovie(movies[1], [8]);
    const first = await a.club.movies();
    expect(first.status).toBe(200);
    expect(askedFor().sort()).toEqual([TMDB.EXISTENZ, TMDB.INCEPTION].sort());

    suite.fake.clear();
    const two = await countQueries(a.t.dataSource, () => a.club.movies());
    expect(outcome(two.result)).toEqual(outcome(first));
    expect(suite.fake.requests).toEqual([]);

    for (const movie of movies.slice(2)) await a.club.pickMovie(movie, [7]);
    expect((await a.club.movies()).body.seeds).toBe(5);
    suite.fake.clear();
    const five = await countQueries(a.t.dataSource, () => a.club.movies());
    expect(five.result.body).toMatchObject({ seeds: 5, pending_seeds: 0 });
    expect(suite.fake.requests).toEqual([]);
    expect(five.queries.length).toBe(two.queries.length);
    // The user lookup of the authentication, the seeds, their lists, the picked movies.
    expect(five.queries.length).toBeLessThanOrEqual(4);
  });

  it('a seed whose upstream fails: 200 with it pending, fetched by a later call; an unknown seed stores an empty list', async () => {
    const a = await app();
    const [inception, existenz] = await Promise.all(
      [TMDB.INCEPTION, TMDB.EXISTENZ].map((id) => fixtureMovie(a, id)),
    );
    const unknown = await seedMovie(a.t.dataSource, { tmdbId: TMDB.UNKNOWN, title: 'Gone' });
    await a.club.pickMovie(inception, [9]);
    await a.club.pickMovie(existenz, [8]);
    await a.club.pickMovie(unknown, [8]);
    suite.fake.setFault('tmdb', TMDB.EXISTENZ, 'status500');

    const failed = await a.club.movies('?limit=50');
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ seeds: 3, pending_seeds: 1 });
    const seedsShown = new Set(
      failed.body.results.flatMap((r: { because: { tmdb_id: number }[] }) =>
        r.because.map((seed) => seed.tmdb_id),
      ),
    );
    expect([...seedsShown]).toEqual([TMDB.INCEPTION]);
    expect(
      tmdb()
        .map((r) => r.status)
        .sort(),
    ).toEqual([200, 404, 500]);

    suite.fake.clear();
    const later = await a.club.movies('?limit=50');
    expect(later.body).toMatchObject({ seeds: 3, pending_seeds: 0 });
    expect(askedFor()).toEqual([TMDB.EXISTENZ]);
    expect(later.body.results.find((r: { tmdb_id: number }) => r.tmdb_id === TMDB.AERO)).toEqual({
      ...fixtureResult(TMDB.AERO),
      score: 3,
      because: [seedRef(existenz, 8)],
    });
  });

  it.each([
    ['a 502 (truncated body)', 'truncated'],
    ['a 504 (timeout)', 'slow'],
  ] as const)('never answers 5xx because of a seed: %s leaves it pending', async (_case, fault) => {
    const a = await app();
    const inception = await fixtureMovie(a, TMDB.INCEPTION);
    await a.club.pickMovie(inception, [9]);
    suite.fake.settings.slowMs = 1000;
    suite.fake.setFault('tmdb', TMDB.INCEPTION, fault);
    expect(outcome(await a.club.movies())).toEqual({
      status: 200,
      body: { results: [], seeds: 1, pending_seeds: 1 },
    });
  });

  it('without TMDB_API_KEY: stored lists are used, the other seeds are pending, TMDB is never called', async () => {
    const a = await app({ TMDB_API_KEY: undefined });
    const [stored, missing] = await Promise.all([
      seedMovie(a.t.dataSource),
      seedMovie(a.t.dataSource),
    ]);
    await a.club.pickMovie(stored, [9]);
    await a.club.pickMovie(missing, [9]);
    // Stale, but served: nothing could refresh it.
    await storeMovieList(a.t.dataSource, stored, [recommendation(801)], new Date('2001-01-01'));
    const res = await a.club.movies();
    expect(res.body).toMatchObject({ seeds: 2, pending_seeds: 1 });
    expect(res.body.results.map((r: { tmdb_id: number }) => r.tmdb_id)).toEqual([801]);
    expect(tmdb()).toEqual([]);
  });

  it('refreshes a seed after CATALOG_TTL (injected clock) and serves the stale list when the refresh fails', async () => {
    const a = await app({ CATALOG_TTL: '1h' });
    const inception = await fixtureMovie(a, TMDB.INCEPTION);
    await a.club.pickMovie(inception, [9]);
    const fresh = await a.club.movies();
    expect(askedFor()).toEqual([TMDB.INCEPTION]);

    suite.fake.clear();
    a.clock.advance(HOUR_MS - 1);
    expect(outcome(await a.club.movies())).toEqual(outcome(fresh));
    expect(tmdb()).toEqual([]);

    a.clock.advance(1);
    expect(outcome(await a.club.movies())).toEqual(outcome(fresh));
    expect(askedFor()).toEqual([TMDB.INCEPTION]);

    suite.fake.clear();
    a.clock.advance(2 * HOUR_MS);
    suite.fake.setFault('tmdb', TMDB.INCEPTION, 'status500');
    expect(outcome(await a.club.movies())).toEqual(outcome(fresh));
    expect(tmdb().map((r) => r.status)).toEqual([500]);

    // Still stale: the next call tries again.
    suite.fake.clear();
    expect(outcome(await a.club.movies())).toEqual(outcome(fresh));
    expect(tmdb().map((r) => r.status)).toEqual([200]);
  });

  it('identical concurrent fetches share one call, and a request runs at most 4 TMDB calls at a time', async () => {
    const a = await app();
    suite.fake.settings.latencyMs = 200;
    for (let i = 0; i < 10; i++) {
      await a.club.pickMovie(await fixtureMovie(a, 910001 + i), [8]);
    }
    const alone = await a.club.movies();
    expect(alone.body).toMatchObject({ seeds: 10, pending_seeds: 0 });
    expect(tmdb()).toHaveLength(10);
    expect(maxInFlight(tmdb(), 150)).toBe(4);

    // The same ten, stale after CATALOG_TTL, asked for by five requests at once: one call each.
    a.clock.advance(8 * 24 * HOUR_MS);
    suite.fake.clear();
    const replies = await Promise.all(Array.from({ length: 5 }, () => a.club.movies()));
    expect(replies.map((res) => res.status)).toEqual(Array(5).fill(200));
    for (const res of replies) expect(res.body).toEqual(replies[0].body);
    expect(askedFor().sort()).toEqual(Array.from({ length: 10 }, (_, i) => 910001 + i));
  });
});

describe('GET /api/recommendations/movies: limits', () => {
  it('validates limit (1–50, default 20) and cuts the results at both edges', async () => {
    const a = await app();
    const seed = await seedMovie(a.t.dataSource);
    await a.club.pickMovie(seed, [8]);
    await storeMovieList(
      a.t.dataSource,
      seed,
      Array.from({ length: 60 }, (_, i) => recommendation(801 + i)),
      a.clock.now(),
    );
    const ids = async (query: string) =>
      (await a.club.movies(query)).body.results.map((r: { tmdb_id: number }) => r.tmdb_id);
    expect(await ids('?limit=1')).toEqual([801]);
    expect(await ids('?limit=50')).toEqual(Array.from({ length: 50 }, (_, i) => 801 + i));
    expect(await ids('')).toHaveLength(20);
    expect(await ids('?limit=')).toHaveLength(20);
    await expectLimitRefused((query) => a.club.movies(query));
  });

  it('takes at most 20 seeds: by weight, then newest week, then id; the 21st is never fetched', async () => {
    const a = await app();
    const seeds = [];
    for (let i = 0; i < 21; i++) {
      const movie = await seedMovie(a.t.dataSource);
      // The first (oldest week) is the one left out; each seed recommends one movie of its own.
      await a.club.pickMovie(movie, [8]);
      if (i > 0) {
        await storeMovieList(a.t.dataSource, movie, [recommendation(900 + i)], a.clock.now());
      }
      seeds.push(movie);
    }
    const res = await a.club.movies('?limit=50');
    expect(res.body).toMatchObject({ seeds: 20, pending_seeds: 0 });
    expect(res.body.results.map((r: { tmdb_id: number }) => r.tmdb_id)).toEqual(
      Array.from({ length: 20 }, (_, i) => 901 + i),
    );
    expect(tmdb()).toEqual([]);
  });
});
