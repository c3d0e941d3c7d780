import { MovieCrew } from '../src/movies/entities/movie-crew.entity.js';
import { Movie } from '../src/movies/entities/movie.entity.js';
import { CreditsBackfill } from '../src/weeks/credits-backfill.js';
import { FakeUpstream } from './fake-upstream/fake-upstream.js';
import { TMDB } from './fake-upstream/fixtures/tmdb.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { seedMovie, seedWeek, seedWeekMovie } from './support/week-helpers.js';

const USER_AGENT = 'WrongOpinions/0.1.0 ( backfill-tests@example.org )';
const STORED_AT = new Date('2020-01-02T03:04:05.678Z');

describe('npm run backfill:credits (opinions.md §2.4)', () => {
  let fake: FakeUpstream;
  let t: TestApp;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    t = await createTestApp({ env: { ...fake.env(), MUSICBRAINZ_USER_AGENT: USER_AGENT } });
  });

  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  const run = async () => {
    const lines: string[] = [];
    const outcome = await t.app.get(CreditsBackfill).run((line) => lines.push(line));
    return { outcome, lines };
  };

  it('fetches the missing credits of picked movies only, one line each, and goes on after a failure', async () => {
    const week = await seedWeek(t.dataSource, { year: 2001, week_number: 1, userId: null });
    const other = await seedWeek(t.dataSource, { year: 2001, week_number: 2, userId: null });
    const inception = await seedMovie(t.dataSource, { tmdbId: TMDB.INCEPTION, title: 'Inception' });
    const broken = await seedMovie(t.dataSource, { tmdbId: TMDB.FAULT_500, title: 'Broken' });
    const rec = await seedMovie(t.dataSource, { tmdbId: TMDB.REC, title: '[REC]' });
    // Picked but with credits already stored, and stored but never picked: both left alone.
    const done = await seedMovie(t.dataSource, { tmdbId: TMDB.AMELIE, creditsCachedAt: STORED_AT });
    await seedMovie(t.dataSource, { tmdbId: TMDB.EXISTENZ, title: 'eXistenZ' });
    await seedWeekMovie(t.dataSource, week.id, inception, 1);
    await seedWeekMovie(t.dataSource, week.id, broken, 2);
    await seedWeekMovie(t.dataSource, other.id, rec, 1);
    await seedWeekMovie(t.dataSource, other.id, done, 2);

    const { outcome, lines } = await run();

    expect(outcome).toEqual({ stored: 2, failed: 1 });
    expect(lines[0]).toBe('Fetching the credits of 3 picked movies from TMDB…');
    // Lines come as fetches end (several at once), counted in that order.
    const progress = lines.slice(1, 4);
    expect(progress.map((line) => line.slice(0, 6))).toEqual(['[1/3] ', '[2/3] ', '[3/3] ']);
    expect(progress.map((line) => line.slice(6)).sort()).toEqual([
      `tmdb ${TMDB.INCEPTION} Inception: credits stored`,
      `tmdb ${TMDB.REC} [REC]: credits stored`,
      `tmdb ${TMDB.FAULT_500} Broken: failed: Movie catalog sent an invalid response`,
    ]);
    expect(lines[4]).toBe('Done: 2 stored, 1 failed (run it again to retry them).');
    expect(
      fake
        .requestsTo('tmdb')
        .map((call) => call.path)
        .filter((path, index, all) => all.indexOf(path) === index)
        .sort(),
    ).toEqual(
      [TMDB.INCEPTION, TMDB.FAULT_500, TMDB.REC].map((id) => `/movie/${id}/credits`).sort(),
    );

    const directors = await t.dataSource
      .getRepository(MovieCrew)
      .count({ where: { movieId: rec.id, job: 'Director' } });
    expect(directors).toBe(2);
    const stored = await t.dataSource.getRepository(Movie).find({ order: { id: 'ASC' } });
    expect(stored.map((movie) => [movie.tmdbId, movie.creditsCachedAt !== null])).toEqual([
      [TMDB.INCEPTION, true],
      [TMDB.FAULT_500, false],
      [TMDB.REC, true],
      [TMDB.AMELIE, true],
      [TMDB.EXISTENZ, false],
    ]);

    // Again: only the failed one is still missing.
    fake.clear();
    const again = await run();
    expect(again.outcome).toEqual({ stored: 0, failed: 1 });
    expect(
      fake.requestsTo('tmdb').every((call) => call.path === `/movie/${TMDB.FAULT_500}/credits`),
    ).toBe(true);
  });

  it('says so when nothing is missing', async () => {
    await t.dataSource
      .getRepository(Movie)
      .update({ tmdbId: TMDB.FAULT_500 }, { creditsCachedAt: STORED_AT });
    fake.clear();
    expect(await run()).toEqual({
      outcome: { stored: 0, failed: 0 },
      lines: ['Every picked movie has its credits stored: nothing to fetch.'],
    });
    expect(fake.requests).toEqual([]);
  });
});

describe('npm run backfill:credits without a TMDB key', () => {
  it('fetches nothing and counts every missing credits as failed', async () => {
    const t = await createTestApp();
    try {
      const week = await seedWeek(t.dataSource, { year: 2001, week_number: 1, userId: null });
      await seedWeekMovie(t.dataSource, week.id, await seedMovie(t.dataSource), 1);
      const lines: string[] = [];
      expect(await t.app.get(CreditsBackfill).run((line) => lines.push(line))).toEqual({
        stored: 0,
        failed: 1,
      });
      expect(lines).toEqual(['1 picked movie without credits, but TMDB_API_KEY is not set.']);
    } finally {
      await t.close();
    }
  });
});
