import { MovieCrew } from '../src/movies/entities/movie-crew.entity.js';
import { Movie } from '../src/movies/entities/movie.entity.js';
import { FakeUpstream } from './fake-upstream/fake-upstream.js';
import { TMDB } from './fake-upstream/fixtures/tmdb.js';
import { runCommand } from './support/run-command.js';
import { createSharedDatabase, createTestApp, type TestApp } from './support/test-app.js';
import { seedMovie, seedWeek, seedWeekMovie } from './support/week-helpers.js';

const USER_AGENT = 'WrongOpinions/0.1.0 ( backfill-tests@example.org )';
const STORED_AT = new Date('2020-01-02T03:04:05.678Z');

/** `npm run backfill:credits` (opinions.md §2.4), run against the database a live server uses. */
describe('npm run backfill:credits', () => {
  let database: { url: string; drop(): Promise<void> };
  let fake: FakeUpstream;
  let t: TestApp;
  const backfill = (env: Record<string, string | undefined> = fake.env()) =>
    runCommand(['backfill-credits'], {
      DATABASE_URL: database.url,
      MUSICBRAINZ_USER_AGENT: USER_AGENT,
      ...env,
    });
  const creditsStored = async () =>
    (await t.dataSource.getRepository(Movie).find({ order: { id: 'ASC' } })).map((movie) => [
      movie.tmdbId,
      movie.creditsCachedAt !== null,
    ]);

  beforeAll(async () => {
    database = await createSharedDatabase();
    fake = await FakeUpstream.start();
    t = await createTestApp({ env: { DATABASE_URL: database.url } });
    const week = await seedWeek(t.dataSource, { year: 2001, week_number: 1, userId: null });
    const other = await seedWeek(t.dataSource, { year: 2001, week_number: 2, userId: null });
    const inception = await seedMovie(t.dataSource, { tmdbId: TMDB.INCEPTION, title: 'Inception' });
    const broken = await seedMovie(t.dataSource, { tmdbId: TMDB.FAULT_500, title: 'Broken' });
    const rec = await seedMovie(t.dataSource, { tmdbId: TMDB.REC, title: '[REC]' });
    // Picked with credits already stored, and stored but never picked: both left alone.
    const done = await seedMovie(t.dataSource, { tmdbId: TMDB.AMELIE, creditsCachedAt: STORED_AT });
    await seedMovie(t.dataSource, { tmdbId: TMDB.EXISTENZ, title: 'eXistenZ' });
    await seedWeekMovie(t.dataSource, week.id, inception, 1);
    await seedWeekMovie(t.dataSource, week.id, broken, 2);
    await seedWeekMovie(t.dataSource, other.id, rec, 1);
    await seedWeekMovie(t.dataSource, other.id, done, 2);
  });

  beforeEach(() => fake.clear());

  afterAll(async () => {
    await t.close();
    await fake.stop();
    await database.drop();
  });

  it('without a TMDB key: fetches nothing and says why', async () => {
    const { code, out, err } = await backfill({ TMDB_API_KEY: undefined });
    expect({ code, out, err }).toEqual({
      code: 1,
      out: [],
      err: ['error: Movie search unavailable: TMDB_API_KEY is not configured'],
    });
  });

  it('fetches the missing credits of picked movie(s) only, a line each, going on after a failure', async () => {
    const { code, out, err } = await backfill();

    expect(code).toBe(1);
    expect(err).toEqual([
      'error: 1 of 3 picked movie(s) still lack credits; run it again to retry them',
    ]);
    expect(out[0]).toBe('fetching the credits of 3 picked movie(s) from TMDB');
    // Lines come as fetches end (several run at once), counted in that order.
    const progress = out.slice(1);
    expect(progress.map((line) => line.slice(0, 6))).toEqual(['[1/3] ', '[2/3] ', '[3/3] ']);
    expect(progress.map((line) => line.slice(6)).sort()).toEqual([
      `tmdb ${TMDB.INCEPTION} Inception: credits stored`,
      `tmdb ${TMDB.REC} [REC]: credits stored`,
      `tmdb ${TMDB.FAULT_500} Broken: failed: Movie catalog sent an invalid response`,
    ]);
    expect(new Set(fake.requestsTo('tmdb').map((call) => call.path))).toEqual(
      new Set([TMDB.INCEPTION, TMDB.FAULT_500, TMDB.REC].map((id) => `/movie/${id}/credits`)),
    );
    expect(await creditsStored()).toEqual([
      [TMDB.INCEPTION, true],
      [TMDB.FAULT_500, false],
      [TMDB.REC, true],
      [TMDB.AMELIE, true],
      [TMDB.EXISTENZ, false],
    ]);
    const rec = await t.dataSource.getRepository(Movie).findOneByOrFail({ tmdbId: TMDB.REC });
    expect(
      await t.dataSource.getRepository(MovieCrew).countBy({ movieId: rec.id, job: 'Director' }),
    ).toBe(2);
  });

  it('run again, retries only what is still missing', async () => {
    const { code, out, err } = await backfill();
    expect({ code, err }).toEqual({ code: 1, err: [expect.stringMatching(/^error: 1 of 1 /)] });
    expect(out).toEqual([
      'fetching the credits of 1 picked movie(s) from TMDB',
      `[1/1] tmdb ${TMDB.FAULT_500} Broken: failed: Movie catalog sent an invalid response`,
    ]);
    expect(new Set(fake.requestsTo('tmdb').map((call) => call.path))).toEqual(
      new Set([`/movie/${TMDB.FAULT_500}/credits`]),
    );
  });

  it('says so when nothing is missing', async () => {
    await t.dataSource
      .getRepository(Movie)
      .update({ tmdbId: TMDB.FAULT_500 }, { creditsCachedAt: STORED_AT });
    expect(await backfill()).toEqual({
      code: 0,
      out: ['every picked movie has its credits: nothing to fetch'],
      err: [],
    });
    expect(fake.requests).toEqual([]);
  });
});
