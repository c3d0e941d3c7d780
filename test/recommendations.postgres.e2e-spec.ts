// Recommendations on PostgreSQL: the seeds' SQL (integer rounding, grouping by the item's primary
// key), the stored lists' upserts on refresh, and the reads, in a throw-away database of its own.
import { DEFAULT_SETTINGS, FakeUpstream } from './fake-upstream/fake-upstream.js';
import { MB_ARTIST } from './fake-upstream/fixtures/musicbrainz.js';
import { TMDB, TMDB_MOVIES } from './fake-upstream/fixtures/tmdb.js';
import {
  recommendation,
  seedArtist,
  seedCreditedAlbum,
  startClubApp,
  storeMovieList,
  type ClubApp,
} from './support/recommendation-helpers.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './support/throwaway-postgres.js';
import { seedMovie } from './support/week-helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('Recommendations on PostgreSQL', () => {
  let fake: FakeUpstream;
  let database: ThrowawayDatabase;
  let a: ClubApp;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    Object.assign(fake.settings, DEFAULT_SETTINGS, { enforceMusicBrainzRate: false });
    database = await createThrowawayDatabase('wo_recommendations');
    a = await startClubApp(fake, { DATABASE_URL: database.url });
  });

  afterAll(async () => {
    try {
      await a?.close();
      await fake?.stop();
    } finally {
      await database?.drop();
    }
  });

  beforeEach(() => fake.clear());

  it('movies: seeds by pooled 2-decimal average, weights and ties; lists stored, then upserted on refresh', async () => {
    const ds = a.t.dataSource;
    const high = await seedMovie(ds, { title: 'High' });
    const third = await seedMovie(ds, { title: 'A third' });
    const below = await seedMovie(ds, { title: 'Below' });
    const inception = await seedMovie(ds, {
      tmdbId: TMDB.INCEPTION,
      title: TMDB_MOVIES.get(TMDB.INCEPTION)!.details.title,
    });
    await a.club.pickMovie(high, [9, 10]); // 9.50
    await a.club.pickMovie(third, [7, 7, 8]); // 7.33
    await a.club.pickMovie(below, [8]);
    await a.club.pickMovie(below, [6, 6]); // pooled 6.67
    await a.club.pickMovie(inception, [7]); // 7.00, fetched from the fake
    await storeMovieList(ds, high, [recommendation(801), recommendation(802)], a.clock.now());
    await storeMovieList(ds, third, [recommendation(802)], a.clock.now());

    const first = await a.club.movies('?limit=50');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ seeds: 3, pending_seeds: 0 });
    expect(first.body.results[0]).toMatchObject({
      tmdb_id: 802,
      score: 6.83,
      because: [
        { tmdb_id: high.tmdbId, title: 'High', average: 9.5 },
        { tmdb_id: third.tmdbId, title: 'A third', average: 7.33 },
      ],
    });
    expect(fake.requestsTo('tmdb').map((r) => r.path)).toEqual([
      `/movie/${TMDB.INCEPTION}/recommendations`,
    ]);

    // Every list stale: each is fetched again (the two hand-built ones 404 upstream and become
    // empty lists) and written over the stored row.
    a.clock.advance(8 * DAY_MS);
    fake.clear();
    const refreshed = await a.club.movies('?limit=50');
    expect(refreshed.body).toMatchObject({ seeds: 3, pending_seeds: 0 });
    expect(fake.requestsTo('tmdb')).toHaveLength(3);
    expect(refreshed.body.results.map((r: { tmdb_id: number }) => r.tmdb_id)).not.toContain(802);
  });

  it('albums: artists fetched, stored, and upserted on refresh', async () => {
    const ds = a.t.dataSource;
    const floyd = await seedArtist(ds, MB_ARTIST.PINK_FLOYD, 'Pink Floyd');
    const jay = await seedArtist(ds, MB_ARTIST.JAY_Z, 'JAY‐Z');
    await a.club.pickAlbum(await seedCreditedAlbum(ds, [floyd]), [9]);
    await a.club.pickAlbum(await seedCreditedAlbum(ds, [floyd, jay]), [7, 8]);

    const first = await a.club.albums('?limit=50');
    expect(first.body).toMatchObject({ seeds: 2, pending_seeds: 0 });
    // Pink Floyd weighs 4 + 2.5, Jay-Z 2.5.
    expect(first.body.results[0]).toMatchObject({ title: 'The Wall', score: 6.5 });
    expect(first.body.results.at(-1)).toMatchObject({ score: 2.5 });
    expect(fake.requestsTo('musicbrainz')).toHaveLength(2);

    a.clock.advance(8 * DAY_MS);
    fake.clear();
    const refreshed = await a.club.albums('?limit=50');
    expect(refreshed.body).toEqual(first.body);
    expect(fake.requestsTo('musicbrainz')).toHaveLength(2);
  });
});
