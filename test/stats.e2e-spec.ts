import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { StatsYears } from '../src/database/stats-years.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createThrowawayDatabase } from './support/throwaway-postgres.js';
import { seedCreditedMovie, seedStatsData, type StatsData } from './support/stats-data.js';
import { VerdictsClient } from './support/verdict-helpers.js';
import {
  countQueries,
  failure,
  invalid,
  member,
  type Member,
  seedHistory,
  WeeksClient,
} from './support/week-helpers.js';

/** Wednesday of 2021-W02: the current week has no pick, the week before has. */
const NOW = '2021-01-13T12:00:00.000Z';

interface Database {
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** The same queries on both drivers (opinions.md §2.3): each figure is asserted on each. */
const DRIVERS: [string, () => Promise<Database>][] = [
  ['SQLite', () => Promise.resolve({ env: {}, drop: () => Promise.resolve() })],
  // A file, as deployed: the recompute's writes and the reads go through its WAL.
  [
    'a SQLite file',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'wo-stats-'));
      return Promise.resolve({
        env: { DATABASE_URL: join(dir, 'stats.db') },
        drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
      });
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const database = await createThrowawayDatabase('wo_stats');
      return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
    },
  ],
];

const owner = (m: Member) => ({ id: m.id, username: m.username });
const rating = (count: number, average: number | null, spread: number | null) => ({
  count,
  average,
  spread,
});

/** The PickStat of every judged pick of the data set (a pick's verdicts are all in its own year). */
function pickStats({ weeks, alice, bob, carol }: StatsData) {
  const at = (
    label: string,
    kind: 'movie' | 'album',
    position: number,
    title: string,
    picker: Member,
    summary: ReturnType<typeof rating>,
  ) => {
    const [year, week_number] = label.split('-W').map(Number);
    return {
      kind,
      week_id: weeks[label],
      year,
      week_number,
      position,
      title,
      picked_by: owner(picker),
      rating: summary,
    };
  };
  return {
    alien: at('2019-W10', 'movie', 1, 'Alien', bob, rating(3, 8, 0)),
    okComputer: at('2019-W10', 'album', 1, 'OK Computer', bob, rating(2, 9, 0)),
    bladeRunner: at('2019-W11', 'movie', 1, 'Blade Runner', alice, rating(3, 9, 0)),
    // 10, 2, 4, 6: mean 5.5, variance 8.75.
    inception: at('2020-W51', 'movie', 1, 'Inception', alice, rating(4, 5.5, 2.96)),
    amelie: at('2020-W51', 'movie', 2, 'Amélie', alice, rating(2, 9, 0)),
    kidA: at('2020-W51', 'album', 1, 'Kid A', alice, rating(2, 7, 0)),
    // 1, 5, 1: mean 7/3, variance 32/9.
    untitled: at('2020-W52', 'movie', 1, 'Untitled', bob, rating(3, 2.33, 1.89)),
    homogenic: at('2020-W52', 'album', 1, 'Homogenic', bob, rating(2, 8.5, 0.5)),
    // 4, 6, 6 (and Zodiac 6, 6, 8; Vespertine 4, 6, 6): variance 8/9.
    collab: at('2020-W52', 'album', 2, 'Collab', bob, rating(3, 5.33, 0.94)),
    memento: at('2020-W53', 'movie', 1, 'Memento', alice, rating(2, 9, 1)),
    zodiac: at('2021-W01', 'movie', 1, 'Zodiac', carol, rating(3, 6.67, 0.94)),
    inceptionAgain: at('2021-W01', 'movie', 2, 'Inception', carol, rating(4, 8.5, 0.87)),
    vespertine: at('2021-W01', 'album', 1, 'Vespertine', carol, rating(3, 5.33, 0.94)),
  };
}

const wrongest = (
  pick: object,
  your_rating: number,
  others_average: number,
  deviation: number,
) => ({ ...pick, your_rating, others_average, deviation });
const tmdb = (pick: object, tmdb_vote_average: number) => ({ ...pick, tmdb_vote_average });
const BJORK = '87c5dedd-371d-4a53-9f7f-80522fb7f3cb';
const RADIOHEAD = 'a74b1b7f-71a5-4011-9441-d0b5e4122711';

describe.each(DRIVERS)('Stats on %s (opinions.md §2)', (_driver, openDatabase) => {
  const clock = new FakeClock(NOW);
  let database: Database;
  let t: TestApp;
  let data: StatsData;
  let p: ReturnType<typeof pickStats>;
  const get = (path: string) => request(t.server).get(path).set(data.alice.auth);

  beforeAll(async () => {
    database = await openDatabase();
    t = await createTestApp({ clock, env: { ...database.env, READ_CACHE_TTL: '0' } });
    data = await seedStatsData(t);
    p = pickStats(data);
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  const member = (
    m: Member,
    [weeks_owned, movie_picks, album_picks]: number[],
    [verdicts_given, average_given, average_received]: (number | null)[],
    wrongest_opinion: object | null,
  ) => ({
    user: owner(m),
    weeks_owned,
    movie_picks,
    album_picks,
    verdicts_given,
    average_given,
    average_received,
    wrongest_opinion,
  });

  it('overview: every figure of the whole history', async () => {
    const res = await get('/api/stats/overview');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      year: null,
      totals: {
        weeks: 8,
        claimed_weeks: 7,
        movie_picks: 9,
        album_picks: 5,
        distinct_movies: 8,
        distinct_albums: 5,
        verdicts: 37,
        reviews: 3,
        // Alien 117 + Blade Runner 117 + Children of Men 109 + Inception 148 twice + Memento 113 +
        // Zodiac 157; Amélie and Untitled have no runtime.
        runtime_minutes: 909,
      },
      // 251 / 36; Kid A's review without a rating is a verdict, not a rating.
      ratings: { count: 36, average: 6.97, histogram: [2, 1, 0, 3, 1, 7, 3, 6, 11, 2] },
      // 2020-W51 … 2020-W53 → 2021-W01 (a 53-week year); the current week 2021-W02 has no pick yet.
      streaks: { current: 4, longest: 4, longest_from: '2020-W51', longest_to: '2021-W01' },
      members: [
        // Others gave alice's picks 89 / 12; her 10 on Inception is 6 above the others' 4.
        member(data.alice, [3, 5, 1], [9, 6.89, 7.42], wrongest(p.inception, 10, 4, 6)),
        member(data.bob, [3, 2, 3], [6, 7.67, 6.31], wrongest(p.inception, 2, 6.67, -4.67)),
        member(data.carol, [1, 2, 1], [12, 7.09, 7], wrongest(p.untitled, 5, 1, 4)),
        // Verdicts but no weeks. |2| four times: Untitled (2020-W52) loses to the latest week,
        // Vespertine to the movies of that week, Inception (position 2) to Zodiac (position 1).
        member(data.dave, [0, 0, 0], [10, 6.5, null], wrongest(p.zodiac, 8, 6, 2)),
      ],
      decades: {
        movies: [
          { decade: 1970, count: 1 },
          { decade: 1980, count: 1 },
          { decade: 2000, count: 4 },
          { decade: 2010, count: 2 },
        ],
        albums: [
          { decade: 1990, count: 2 },
          { decade: 2000, count: 2 },
        ],
      },
      genres: [
        // 107 / 14: Children of Men has no rating, Inception counts twice.
        { id: 878, name: 'Science Fiction', count: 5, average: 7.64 },
        { id: 28, name: 'Action', count: 2, average: 7 },
        { id: 18, name: 'Drama', count: 2, average: 6.67 },
        { id: 9648, name: 'Mystery', count: 2, average: 7.6 },
        { id: 53, name: 'Thriller', count: 2, average: 9 },
        { id: 35, name: 'Comedy', count: 1, average: 9 },
        { id: 80, name: 'Crime', count: 1, average: 6.67 },
        { id: 27, name: 'Horror', count: 1, average: 8 },
        { id: 10749, name: 'Romance', count: 1, average: 9 },
      ],
      top_directors: [
        { tmdb_id: 525, name: 'Christopher Nolan', count: 3, average: 7.4 },
        { tmdb_id: 578, name: 'Ridley Scott', count: 2, average: 8.5 },
        // One pick each: the better average first, the unrated last, whatever their names.
        { tmdb_id: 2419, name: 'Jean-Pierre Jeunet', count: 1, average: 9 },
        { tmdb_id: 7467, name: 'David Fincher', count: 1, average: 6.67 },
        { tmdb_id: 11218, name: 'Alfonso Cuarón', count: 1, average: null },
      ],
      top_artists: [
        // 48 / 7 before 49 / 8 (6.125, rounded half-up); Collab credits Radiohead twice, counted once.
        { musicbrainz_id: RADIOHEAD, name: 'Radiohead', count: 3, average: 6.86 },
        { musicbrainz_id: BJORK, name: 'Björk', count: 3, average: 6.13 },
      ],
      // Average 9 four times: 3 ratings first, then the latest week; Inception again (8.5, 4
      // ratings) beats Homogenic (8.5, 2) to the fifth place.
      top_rated: [p.bladeRunner, p.memento, p.amelie, p.okComputer, p.inceptionAgain],
      // Spread 0.94 three times: Zodiac's better average first; Vespertine and Collab tie on
      // average too, and the latest week keeps Vespertine.
      divisive: [p.inception, p.untitled, p.memento, p.zodiac, p.vespertine],
      // Spread 0: average 9 by latest week, then 8 and 7.
      consensus: [p.amelie, p.bladeRunner, p.okComputer, p.alien, p.kidA],
      // Alice and bob share only 2 rated picks: left out. dave–alice and dave–carol (8 shared, 12
      // apart) and dave–bob (4, 6) are all 5/6 alike.
      taste: [
        { a: owner(data.carol), b: owner(data.bob), shared: 5, similarity: 0.91 },
        { a: owner(data.dave), b: owner(data.alice), shared: 8, similarity: 0.83 },
        { a: owner(data.dave), b: owner(data.carol), shared: 8, similarity: 0.83 },
        { a: owner(data.dave), b: owner(data.bob), shared: 4, similarity: 0.83 },
        { a: owner(data.alice), b: owner(data.carol), shared: 8, similarity: 0.82 },
      ],
      // Untitled has no TMDB votes and Children of Men no rating: 7 movie picks, mean delta −0.733 / 7.
      club_vs_tmdb: {
        movies: 7,
        average_delta: -0.1,
        // Amélie and Blade Runner both 9 against 7.9: the latest week first.
        overrated: [
          tmdb(p.amelie, 7.9),
          tmdb(p.bladeRunner, 7.9),
          tmdb(p.memento, 8.2),
          tmdb(p.inceptionAgain, 8.4),
        ],
        underrated: [tmdb(p.inception, 8.4), tmdb(p.zodiac, 7.5), tmdb(p.alien, 8.1)],
      },
    });
  });

  it('by-year: only the weeks of that ISO year, runs cut at its bounds, current 0 in a past year', async () => {
    const res = await get('/api/stats/by-year/2020');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      year: 2020,
      totals: {
        weeks: 3,
        claimed_weeks: 3,
        movie_picks: 4,
        album_picks: 3,
        distinct_movies: 4,
        distinct_albums: 3,
        verdicts: 19,
        reviews: 3,
        runtime_minutes: 261,
      },
      ratings: { count: 18, average: 6.22, histogram: [2, 1, 0, 2, 1, 3, 2, 2, 3, 2] },
      streaks: { current: 0, longest: 3, longest_from: '2020-W51', longest_to: '2020-W53' },
      members: [
        member(data.alice, [2, 3, 1], [4, 6, 6.89], wrongest(p.inception, 10, 4, 6)),
        member(data.bob, [1, 1, 2], [4, 7, 5], wrongest(p.inception, 2, 6.67, -4.67)),
        member(data.carol, [0, 0, 0], [7, 6.67, null], wrongest(p.untitled, 5, 1, 4)),
        // Zodiac and the rest of 2021 are out of scope.
        member(data.dave, [0, 0, 0], [4, 5, null], wrongest(p.untitled, 1, 3, -2)),
      ],
      decades: {
        movies: [
          { decade: 2000, count: 2 },
          { decade: 2010, count: 1 },
        ],
        albums: [
          { decade: 1990, count: 1 },
          { decade: 2000, count: 1 },
        ],
      },
      genres: [
        { id: 28, name: 'Action', count: 1, average: 5.5 },
        { id: 35, name: 'Comedy', count: 1, average: 9 },
        { id: 9648, name: 'Mystery', count: 1, average: 9 },
        { id: 10749, name: 'Romance', count: 1, average: 9 },
        { id: 878, name: 'Science Fiction', count: 1, average: 5.5 },
        { id: 53, name: 'Thriller', count: 1, average: 9 },
      ],
      top_directors: [
        { tmdb_id: 525, name: 'Christopher Nolan', count: 2, average: 6.67 },
        { tmdb_id: 2419, name: 'Jean-Pierre Jeunet', count: 1, average: 9 },
      ],
      top_artists: [
        { musicbrainz_id: BJORK, name: 'Björk', count: 2, average: 6.6 },
        { musicbrainz_id: RADIOHEAD, name: 'Radiohead', count: 2, average: 6 },
      ],
      top_rated: [p.memento, p.amelie, p.homogenic, p.kidA, p.inception],
      divisive: [p.inception, p.untitled, p.memento, p.collab, p.homogenic],
      consensus: [p.amelie, p.kidA, p.homogenic, p.collab, p.memento],
      taste: [
        { a: owner(data.carol), b: owner(data.bob), shared: 3, similarity: 0.85 },
        { a: owner(data.dave), b: owner(data.alice), shared: 3, similarity: 0.78 },
        { a: owner(data.dave), b: owner(data.carol), shared: 3, similarity: 0.78 },
        { a: owner(data.alice), b: owner(data.carol), shared: 4, similarity: 0.64 },
      ],
      club_vs_tmdb: {
        movies: 3,
        average_delta: -0.33,
        overrated: [tmdb(p.amelie, 7.9), tmdb(p.memento, 8.2)],
        underrated: [tmdb(p.inception, 8.4)],
      },
    });
  });

  it('by-year of the current year: its run starts at W01, and counts as current', async () => {
    const res = await get('/api/stats/by-year/2021');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      year: 2021,
      totals: {
        weeks: 3,
        claimed_weeks: 2,
        movie_picks: 2,
        album_picks: 1,
        distinct_movies: 2,
        distinct_albums: 1,
        verdicts: 10,
        reviews: 0,
        runtime_minutes: 305,
      },
      ratings: { count: 10, average: 7, histogram: [0, 0, 0, 1, 0, 4, 1, 1, 3, 0] },
      streaks: { current: 1, longest: 1, longest_from: '2021-W01', longest_to: '2021-W01' },
      members: [
        // −1 on Zodiac and +1 on Vespertine, the same week: the movie wins.
        member(data.alice, [0, 0, 0], [3, 7, null], wrongest(p.zodiac, 6, 7, -1)),
        member(data.bob, [1, 0, 0], [1, 9, null], wrongest(p.inceptionAgain, 9, 8.33, 0.67)),
        member(data.carol, [1, 2, 1], [3, 7, 7], wrongest(p.zodiac, 6, 7, -1)),
        member(data.dave, [0, 0, 0], [3, 6.33, null], wrongest(p.zodiac, 8, 6, 2)),
      ],
      decades: {
        movies: [
          { decade: 2000, count: 1 },
          { decade: 2010, count: 1 },
        ],
        albums: [{ decade: 2000, count: 1 }],
      },
      top_directors: [
        { tmdb_id: 525, name: 'Christopher Nolan', count: 1, average: 8.5 },
        { tmdb_id: 7467, name: 'David Fincher', count: 1, average: 6.67 },
      ],
      top_artists: [{ musicbrainz_id: BJORK, name: 'Björk', count: 1, average: 5.33 }],
      top_rated: [p.inceptionAgain, p.zodiac, p.vespertine],
      taste: [
        { a: owner(data.alice), b: owner(data.carol), shared: 3, similarity: 1 },
        { a: owner(data.dave), b: owner(data.alice), shared: 3, similarity: 0.78 },
        { a: owner(data.dave), b: owner(data.carol), shared: 3, similarity: 0.78 },
      ],
      club_vs_tmdb: {
        movies: 2,
        average_delta: -0.37,
        overrated: [tmdb(p.inceptionAgain, 8.4)],
        underrated: [tmdb(p.zodiac, 7.5)],
      },
    });
  });

  it('an empty year: 200 with zero counts and empty lists', async () => {
    const res = await get('/api/stats/by-year/1999');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      year: 1999,
      totals: {
        weeks: 0,
        claimed_weeks: 0,
        movie_picks: 0,
        album_picks: 0,
        distinct_movies: 0,
        distinct_albums: 0,
        verdicts: 0,
        reviews: 0,
        runtime_minutes: 0,
      },
      ratings: { count: 0, average: null, histogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
      streaks: { current: 0, longest: 0, longest_from: null, longest_to: null },
      members: [],
      decades: { movies: [], albums: [] },
      genres: [],
      top_directors: [],
      top_artists: [],
      top_rated: [],
      divisive: [],
      consensus: [],
      taste: [],
      club_vs_tmdb: { movies: 0, average_delta: null, overrated: [], underrated: [] },
    });
  });

  it('parallel reads while every year is stale: one computes them, all answer alike', async () => {
    const settled = await get('/api/stats/overview');
    await t.dataSource.transaction((manager) => StatsYears.all(manager));

    const replies = await Promise.all([
      ...Array.from({ length: 6 }, () => get('/api/stats/overview')),
      get('/api/stats/by-year/2020'),
      get('/api/stats/by-year/2021'),
    ]);

    expect(replies.map((reply) => reply.status)).toEqual(Array(8).fill(200));
    for (const reply of replies.slice(0, 6)) expect(reply.body).toEqual(settled.body);
    const stored = await t.dataSource.query<{ year: number; rows: number | string }[]>(
      'SELECT year, COUNT(*) AS rows FROM stats_year_totals GROUP BY year ORDER BY year',
    );
    expect(stored.map((row) => [Number(row.year), Number(row.rows)])).toEqual([
      [2019, 1],
      [2020, 1],
      [2021, 1],
    ]);
  });
});

describe.each(DRIVERS)(
  'Stats on %s: a fixed number of queries (opinions.md §2.3)',
  (_driver, openDatabase) => {
    let database: Database;
    let t: TestApp;
    let alice: Member;
    let bob: Member;

    beforeAll(async () => {
      database = await openDatabase();
      // The read caches off: these count the queries of the reads themselves.
      t = await createTestApp({ env: { ...database.env, READ_CACHE_TTL: '0' } });
      alice = await member(t.server, 'alice');
      bob = await member(t.server, 'bob');
    });

    afterAll(async () => {
      await t?.close();
      await database?.drop();
    });

    const count = async (path: string) => {
      const { result, queries } = await countQueries(t.dataSource, () =>
        request(t.server).get(path).set(alice.auth),
      );
      expect(result.status).toBe(200);
      return queries.length;
    };

    it('the same queries for 1 week and for 200 weeks: years computed, then current', async () => {
      const reads = async (year: number) => ({
        // Every year is new here: the first read computes their figures, the next finds them current.
        computing: await count('/api/stats/overview'),
        current: await count('/api/stats/overview'),
        year: await count(`/api/stats/by-year/${year}`),
      });
      await seedHistory(t.dataSource, { weeks: 1, firstYear: 1990, userId: alice.id });
      await fillHistory(t.dataSource, [alice, bob]);
      const small = await reads(1990);

      await seedHistory(t.dataSource, { weeks: 199, firstYear: 1991, userId: alice.id });
      await fillHistory(t.dataSource, [alice, bob]);
      const large = await reads(1992);

      expect(large).toEqual(small);
      // The signed-in user's row, the stale years' lookup, and the 6 sums (StatsQueries) between
      // BEGIN and COMMIT; computing adds one transaction: BEGIN, a counter per year, (PostgreSQL:
      // their lock, JIT off,) the stale years again, 6 deletes, 6 inserts (YearFigures), the
      // stamp, COMMIT.
      const postgresOnly = t.dataSource.options.type === 'postgres' ? 2 : 0;
      expect(small).toEqual({ computing: 10 + 17 + postgresOnly, current: 10, year: 10 });
    });
  },
);

/**
 * A genre and a director for every movie, an artist for every album, and a verdict by each of
 * `judges` on every pick: every figure has rows to count.
 */
async function fillHistory(dataSource: DataSource, judges: Member[]): Promise<void> {
  for (const [index, judge] of judges.entries()) {
    for (const [picks, column] of [
      ['week_movies', 'week_movie_id'],
      ['week_albums', 'week_album_id'],
    ]) {
      await dataSource.query(
        `INSERT INTO "verdicts" ("${column}", "user_id", "rating", "review", "created_at", "updated_at")
         SELECT p."id", ${judge.id}, 1 + (p."id" + ${index}) % 10, NULL, '2020-01-01 00:00:00.000', '2020-01-01 00:00:00.000'
         FROM "${picks}" p
         WHERE NOT EXISTS (SELECT 1 FROM "verdicts" v WHERE v."${column}" = p."id" AND v."user_id" = ${judge.id})`,
      );
    }
  }
  await dataSource.query(
    `INSERT INTO "movie_genres" ("movie_id", "genre_id", "name")
     SELECT "id", 18, 'Drama' FROM "movies" m
     WHERE NOT EXISTS (SELECT 1 FROM "movie_genres" g WHERE g."movie_id" = m."id")`,
  );
  await dataSource.query(
    `INSERT INTO "people" ("tmdb_id", "name", "profile_path", "updated_at")
     SELECT 9999999, 'History Director', NULL, '2020-01-01 00:00:00.000'
     WHERE NOT EXISTS (SELECT 1 FROM "people" WHERE "tmdb_id" = 9999999)`,
  );
  await dataSource.query(
    `INSERT INTO "movie_crew" ("movie_id", "person_id", "department", "job", "list_index")
     SELECT m."id", p."id", 'Directing', 'Director', 0 FROM "movies" m, "people" p
     WHERE p."tmdb_id" = 9999999
       AND NOT EXISTS (SELECT 1 FROM "movie_crew" c WHERE c."movie_id" = m."id")`,
  );
  await dataSource.query(
    `INSERT INTO "artists" ("musicbrainz_id", "name", "updated_at")
     SELECT '5eed0000-0000-4000-8000-ffffffffffff', 'History Band', '2020-01-01 00:00:00.000'
     WHERE NOT EXISTS (SELECT 1 FROM "artists" WHERE "musicbrainz_id" = '5eed0000-0000-4000-8000-ffffffffffff')`,
  );
  await dataSource.query(
    `INSERT INTO "album_artists" ("album_id", "artist_id", "credited_name", "credit_order")
     SELECT a."id", r."id", 'History Band', 0 FROM "albums" a, "artists" r
     WHERE r."musicbrainz_id" = '5eed0000-0000-4000-8000-ffffffffffff'
       AND NOT EXISTS (SELECT 1 FROM "album_artists" x WHERE x."album_id" = a."id")`,
  );
}

describe.each(DRIVERS)('Stats on %s: the top 10 directors over several years', (_d, open) => {
  let database: Database;
  let t: TestApp;

  beforeAll(async () => {
    database = await open();
    t = await createTestApp({ env: { ...database.env, READ_CACHE_TTL: '0' } });
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('eleven tie on 2 picks (one a year), one of them unrated: the cut is by rating, not by year', async () => {
    const alice = await member(t.server, 'alice');
    const director = (n: number) => ({
      tmdbId: 900 + n,
      name: `Director ${String(n).padStart(2, '0')}`,
    });
    // Directors 1–11 direct a movie picked in 2019 and in 2020; 12–14 one picked once, in 2019.
    const movies = [];
    for (let n = 1; n <= 14; n++)
      movies.push(await seedCreditedMovie(t.dataSource, { title: `Movie ${n}` }, [director(n)]));
    /** Rows as the app stores them, inserted directly: the stats compute every year at the read. */
    const insert = async (sql: string, parameters: Record<string, unknown>): Promise<number> => {
      const [query, values] = t.dataSource.driver.escapeQueryWithParameters(`${sql} RETURNING id`, {
        ...parameters,
        at: '2020-01-01 00:00:00.000',
      });
      const [{ id }] = await t.dataSource.query<{ id: number }[]>(query, values);
      return id;
    };
    const weekOf = (year: number, week: number) =>
      insert(
        'INSERT INTO weeks (user_id, year, week_number, created_at, updated_at) ' +
          'VALUES (:user, :year, :week, :at, :at)',
        { user: alice.id, year, week },
      );
    const pick = async (weekId: number, movieId: number, rating: number | null) => {
      const id = await insert(
        'INSERT INTO week_movies (week_id, movie_id, position, added_at) ' +
          'VALUES (:weekId, :movieId, 1, :at)',
        { weekId, movieId },
      );
      if (rating !== null)
        await insert(
          'INSERT INTO verdicts (week_movie_id, user_id, rating, created_at, updated_at) ' +
            'VALUES (:id, :user, :rating, :at, :at)',
          { id, user: alice.id, rating },
        );
    };
    for (let n = 1; n <= 11; n++) {
      // Director n's picks are rated n, so best rated is the reverse of their order; 11 unrated.
      const rating = n <= 10 ? n : null;
      await pick(await weekOf(2019, n), movies[n - 1].id, rating);
      await pick(await weekOf(2020, n), movies[n - 1].id, rating);
    }
    // Counted once each, however well rated: below the tenth's count of 2.
    for (let n = 12; n <= 14; n++) await pick(await weekOf(2019, 20 + n), movies[n - 1].id, 10);

    const res = await request(t.server).get('/api/stats/overview').set(alice.auth);

    expect(res.status).toBe(200);
    expect(res.body.top_directors).toEqual(
      [10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((n) => ({
        tmdb_id: 900 + n,
        name: director(n).name,
        count: 2,
        average: n,
      })),
    );
  });
});

describe('Stats over HTTP', () => {
  const clock = new FakeClock(NOW);
  let t: TestApp;
  let alice: Member;
  let bob: Member;
  let seeded: StatsData;
  let weeks: WeeksClient;
  let verdicts: VerdictsClient;

  beforeAll(async () => {
    // The read caches on, as in production on SQLite.
    t = await createTestApp({ clock, env: { READ_CACHE_TTL: '1h' } });
    seeded = await seedStatsData(t);
    ({ alice, bob } = seeded);
    weeks = new WeeksClient(t.server);
    verdicts = new VerdictsClient(t.server);
  });

  const memberOf = (stats: { members: { user: { id: number } }[] }, who: Member) =>
    stats.members.find((m) => m.user.id === who.id);

  afterAll(() => t.close());

  const get = (path: string, who: Member | null = alice) => {
    const pending = request(t.server).get(path);
    return who ? pending.set(who.auth) : pending;
  };

  it('401 without a token', async () => {
    for (const path of ['/api/stats/overview', '/api/stats/by-year/2020']) {
      const res = await get(path, null);
      expect({ status: res.status, body: res.body }).toEqual(failure(401, 'Not authenticated'));
    }
  });

  it.each([
    ['1899', 'year must be between 1900 and 2100'],
    ['2101', 'year must be between 1900 and 2100'],
    ['20x0', 'year must be an integer'],
    ['2020.0', 'year must be an integer'],
  ])('by-year/%s → 422 on the path', async (year, message) => {
    const res = await get(`/api/stats/by-year/${year}`);
    expect({ status: res.status, body: res.body }).toEqual(invalid('year', message, 'path'));
  });

  it('accepts the bounds 1900 and 2100', async () => {
    expect((await get('/api/stats/by-year/1900')).status).toBe(200);
    expect((await get('/api/stats/by-year/2100')).status).toBe(200);
  });

  it('is served from the response cache until a write, then shows the write at once', async () => {
    const first = await get('/api/stats/overview');
    const { result: again, queries } = await countQueries(t.dataSource, () =>
      get('/api/stats/overview'),
    );
    expect(queries).toEqual([]);
    expect(again.body).toEqual(first.body);

    const created = await weeks.create(bob, { year: 2021, week_number: 3 });
    expect(created.status).toBe(201);
    const afterWeek = await get('/api/stats/overview');
    expect(afterWeek.body.totals.weeks).toBe(first.body.totals.weeks + 1);
    expect(memberOf(afterWeek.body, bob)).toMatchObject({ weeks_owned: 4 });

    // A verdict is a write too: bob rates Children of Men (2019-W11, position 2), then takes it back.
    const week = seeded.weeks['2019-W11'];
    const put = await verdicts.put(bob, week, 'movie', 2, { rating: 10 });
    expect(put.status).toBe(201);
    const afterPut = await get('/api/stats/by-year/2019');
    expect(afterPut.body.ratings.histogram[9]).toBe(1);
    expect(memberOf(afterPut.body, bob)).toMatchObject({ verdicts_given: 2, average_given: 9.5 });

    expect((await verdicts.remove(bob, week, 'movie', 2)).status).toBe(204);
    const afterDelete = await get('/api/stats/overview');
    expect(afterDelete.body).toEqual(afterWeek.body);
  });

  it('current follows the injected clock', async () => {
    // Tokens are judged by the same clock: whoever asks signs up after it moves.
    const currentAt = async (instant: string, username: string) => {
      clock.setTo(instant);
      const asker = await member(t.server, username);
      return (await get('/api/stats/overview', asker)).body.streaks.current as number;
    };
    expect(await currentAt('2021-01-06T09:00:00.000Z', 'erin')).toBe(4); // 2021-W01 has a pick
    expect(await currentAt('2021-01-20T09:00:00.000Z', 'frank')).toBe(0); // 2021-W03, W02 have none
    expect(await currentAt('2020-12-31T23:59:59.999Z', 'gina')).toBe(3); // 2020-W53
    clock.setTo(NOW);
  });
});
