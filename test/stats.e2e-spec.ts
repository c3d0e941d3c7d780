import request from 'supertest';
import type { DataSource } from 'typeorm';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createThrowawayDatabase } from './support/throwaway-postgres.js';
import { seedStatsData, type StatsData } from './support/stats-data.js';
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
  [
    'PostgreSQL',
    async () => {
      const database = await createThrowawayDatabase('wo_stats');
      return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
    },
  ],
];

const owner = (m: Member) => ({ id: m.id, username: m.username });
const NO_RATINGS = { count: 0, average: null, histogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] };
const NO_CLUB = { movies: 0, average_delta: null, overrated: [], underrated: [] };

describe.each(DRIVERS)('Stats on %s (opinions.md §2)', (_driver, openDatabase) => {
  const clock = new FakeClock(NOW);
  let database: Database;
  let t: TestApp;
  let data: StatsData;
  const get = (path: string) => request(t.server).get(path).set(data.alice.auth);

  beforeAll(async () => {
    database = await openDatabase();
    t = await createTestApp({ clock, env: { ...database.env, READ_CACHE_TTL: '0' } });
    data = await seedStatsData(t);
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  const member = (m: Member, weeks: number, movies: number, albums: number) => ({
    user: owner(m),
    weeks_owned: weeks,
    movie_picks: movies,
    album_picks: albums,
    verdicts_given: 0,
    average_given: null,
    average_received: null,
    wrongest_opinion: null,
  });

  it('overview: every figure of the whole history', async () => {
    const res = await get('/api/stats/overview');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      year: null,
      totals: {
        weeks: 8,
        claimed_weeks: 7,
        movie_picks: 8,
        album_picks: 5,
        distinct_movies: 7,
        distinct_albums: 5,
        verdicts: 0,
        reviews: 0,
        // Alien 117 + Blade Runner 117 + Inception 148 twice + Memento 113 + Zodiac 157; Amélie and
        // Untitled have no runtime.
        runtime_minutes: 800,
      },
      ratings: NO_RATINGS,
      // 2020-W51 … 2020-W53 → 2021-W01 (a 53-week year); the current week 2021-W02 has no pick yet.
      streaks: { current: 4, longest: 4, longest_from: '2020-W51', longest_to: '2021-W01' },
      members: [
        member(data.alice, 3, 4, 1),
        member(data.bob, 3, 2, 3),
        member(data.carol, 1, 2, 1),
      ],
      decades: {
        movies: [
          { decade: 1970, count: 1 },
          { decade: 1980, count: 1 },
          { decade: 2000, count: 3 },
          { decade: 2010, count: 2 },
        ],
        albums: [
          { decade: 1990, count: 2 },
          { decade: 2000, count: 2 },
        ],
      },
      genres: [
        { id: 878, name: 'Science Fiction', count: 4, average: null },
        { id: 28, name: 'Action', count: 2, average: null },
        { id: 9648, name: 'Mystery', count: 2, average: null },
        { id: 35, name: 'Comedy', count: 1, average: null },
        { id: 80, name: 'Crime', count: 1, average: null },
        { id: 18, name: 'Drama', count: 1, average: null },
        { id: 27, name: 'Horror', count: 1, average: null },
        { id: 10749, name: 'Romance', count: 1, average: null },
        { id: 53, name: 'Thriller', count: 1, average: null },
      ],
      top_directors: [
        { tmdb_id: 525, name: 'Christopher Nolan', count: 3, average: null },
        { tmdb_id: 578, name: 'Ridley Scott', count: 2, average: null },
        { tmdb_id: 7467, name: 'David Fincher', count: 1, average: null },
        { tmdb_id: 2419, name: 'Jean-Pierre Jeunet', count: 1, average: null },
      ],
      top_artists: [
        {
          musicbrainz_id: '87c5dedd-371d-4a53-9f7f-80522fb7f3cb',
          name: 'Björk',
          count: 3,
          average: null,
        },
        {
          musicbrainz_id: 'a74b1b7f-71a5-4011-9441-d0b5e4122711',
          name: 'Radiohead',
          count: 3,
          average: null,
        },
      ],
      top_rated: [],
      divisive: [],
      consensus: [],
      taste: [],
      club_vs_tmdb: NO_CLUB,
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
        verdicts: 0,
        reviews: 0,
        runtime_minutes: 261,
      },
      ratings: NO_RATINGS,
      streaks: { current: 0, longest: 3, longest_from: '2020-W51', longest_to: '2020-W53' },
      members: [member(data.alice, 2, 3, 1), member(data.bob, 1, 1, 2)],
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
        { id: 28, name: 'Action', count: 1, average: null },
        { id: 35, name: 'Comedy', count: 1, average: null },
        { id: 9648, name: 'Mystery', count: 1, average: null },
        { id: 10749, name: 'Romance', count: 1, average: null },
        { id: 878, name: 'Science Fiction', count: 1, average: null },
        { id: 53, name: 'Thriller', count: 1, average: null },
      ],
      top_directors: [
        { tmdb_id: 525, name: 'Christopher Nolan', count: 2, average: null },
        { tmdb_id: 2419, name: 'Jean-Pierre Jeunet', count: 1, average: null },
      ],
      top_artists: [
        {
          musicbrainz_id: '87c5dedd-371d-4a53-9f7f-80522fb7f3cb',
          name: 'Björk',
          count: 2,
          average: null,
        },
        {
          musicbrainz_id: 'a74b1b7f-71a5-4011-9441-d0b5e4122711',
          name: 'Radiohead',
          count: 2,
          average: null,
        },
      ],
      top_rated: [],
      divisive: [],
      consensus: [],
      taste: [],
      club_vs_tmdb: NO_CLUB,
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
        runtime_minutes: 305,
      },
      streaks: { current: 1, longest: 1, longest_from: '2021-W01', longest_to: '2021-W01' },
      members: [member(data.bob, 1, 0, 0), member(data.carol, 1, 2, 1)],
      decades: {
        movies: [
          { decade: 2000, count: 1 },
          { decade: 2010, count: 1 },
        ],
        albums: [{ decade: 2000, count: 1 }],
      },
      genres: [
        { id: 28, name: 'Action', count: 1, average: null },
        { id: 80, name: 'Crime', count: 1, average: null },
        { id: 18, name: 'Drama', count: 1, average: null },
        { id: 9648, name: 'Mystery', count: 1, average: null },
        { id: 878, name: 'Science Fiction', count: 1, average: null },
      ],
      top_directors: [
        { tmdb_id: 525, name: 'Christopher Nolan', count: 1, average: null },
        { tmdb_id: 7467, name: 'David Fincher', count: 1, average: null },
      ],
      top_artists: [
        {
          musicbrainz_id: '87c5dedd-371d-4a53-9f7f-80522fb7f3cb',
          name: 'Björk',
          count: 1,
          average: null,
        },
      ],
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
      ratings: NO_RATINGS,
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
      club_vs_tmdb: NO_CLUB,
    });
  });
});

describe.each(DRIVERS)(
  'Stats on %s: a fixed number of queries (opinions.md §2.3)',
  (_driver, openDatabase) => {
    let database: Database;
    let t: TestApp;
    let alice: Member;

    beforeAll(async () => {
      database = await openDatabase();
      // The read caches off: these count the queries of the reads themselves.
      t = await createTestApp({ env: { ...database.env, READ_CACHE_TTL: '0' } });
      alice = await member(t.server, 'alice');
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

    it('the same queries for 1 week and for 200 weeks, overview and year alike', async () => {
      await seedHistory(t.dataSource, { weeks: 1, firstYear: 1990, userId: alice.id });
      await giveEveryItemCredits(t.dataSource);
      const small = {
        overview: await count('/api/stats/overview'),
        year: await count('/api/stats/by-year/1990'),
      };

      await seedHistory(t.dataSource, { weeks: 199, firstYear: 1991, userId: alice.id });
      await giveEveryItemCredits(t.dataSource);
      const large = {
        overview: await count('/api/stats/overview'),
        year: await count('/api/stats/by-year/1992'),
      };

      expect(large).toEqual(small);
      expect(small.overview).toBeLessThanOrEqual(20);
    });
  },
);

/** A genre and a director for every movie, an artist for every album: every figure has rows. */
async function giveEveryItemCredits(dataSource: DataSource): Promise<void> {
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

describe('Stats over HTTP', () => {
  const clock = new FakeClock(NOW);
  let t: TestApp;
  let alice: Member;
  let bob: Member;
  let weeks: WeeksClient;

  beforeAll(async () => {
    // The read caches on, as in production on SQLite.
    t = await createTestApp({ clock, env: { READ_CACHE_TTL: '1h' } });
    ({ alice, bob } = await seedStatsData(t));
    weeks = new WeeksClient(t.server);
  });

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
    const after = await get('/api/stats/overview');
    expect(after.body.totals.weeks).toBe(first.body.totals.weeks + 1);
    expect(
      after.body.members.find((m: { user: { id: number } }) => m.user.id === bob.id),
    ).toMatchObject({
      weeks_owned: 4,
    });
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
