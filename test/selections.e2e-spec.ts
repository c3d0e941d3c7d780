import { Movie } from '../src/movies/entities/movie.entity.js';
import { FakeUpstream } from './fake-upstream/fake-upstream.js';
import { MB } from './fake-upstream/fixtures/musicbrainz.js';
import { TMDB } from './fake-upstream/fixtures/tmdb.js';
import { expectValidationError, ISO_TIMESTAMP, outcome } from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import {
  ALBUM_REF_KEYS,
  albumRef,
  countQueries,
  failure,
  invalid,
  keysOf,
  member,
  type Member,
  MOVIE_REF_KEYS,
  movieRef,
  NO_RATING,
  SELECTION_KEYS,
  seedAlbum,
  seedHistory,
  seedMovie,
  WeeksClient,
} from './support/week-helpers.js';

interface Selection {
  week_id: number;
  year: number;
  week_number: number;
  position: number;
  added_at: string;
  rating: typeof NO_RATING;
}

type Item = Record<string, unknown> & { id: number; title: string; selections: Selection[] };

const USER_AGENT = 'WrongOpinions/0.1.0 ( selections-tests@example.org )';
const LISTINGS = ['movies', 'albums'] as const;

describe('Selections listings (contract §10)', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  let fake: FakeUpstream;
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;
  let bob: Member;
  /** The whole listings, in the contract's order. */
  let movies: Item[];
  let albums: Item[];

  const listing = (kind: 'movies' | 'albums', query = '', who: Member | null = alice) =>
    kind === 'movies' ? api.movieSelections(who, query) : api.albumSelections(who, query);
  const expectedOf = (kind: 'movies' | 'albums') => (kind === 'movies' ? movies : albums);

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    t = await createTestApp({ clock, env: { ...fake.env(), MUSICBRAINZ_USER_AGENT: USER_AGENT } });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
    bob = await member(t.server, 'bob');

    // Weeks created out of chronological order, by two owners.
    const weeks: Record<string, { id: number; year: number; week_number: number }> = {};
    for (const [key, year, weekNumber, owner] of [
      ['A', 2025, 10, alice],
      ['B', 2024, 50, bob],
      ['C', 2025, 3, alice],
      ['D', 2024, 2, bob],
      ['E', 2026, 1, alice],
      ['F', 2023, 52, bob],
    ] as [string, number, number, Member][]) {
      const res = await api.create(owner, { year, week_number: weekNumber });
      expect(res.status).toBe(201);
      weeks[key] = res.body;
    }
    const ownerOf = (key: string) => (['A', 'C', 'E'].includes(key) ? alice : bob);

    /** Adds through the API and returns the item's ref and the selection it made. */
    const pick = async (
      kind: 'movie' | 'album',
      key: string,
      position: number,
      id: string | number,
    ) => {
      clock.advance(1000);
      const week = weeks[key];
      const res =
        kind === 'movie'
          ? await api.addMovie(ownerOf(key), week.id, { tmdb_id: id, position })
          : await api.addAlbum(ownerOf(key), week.id, { musicbrainz_id: id, position });
      expect(res.status).toBe(201);
      const selection: Selection = {
        week_id: week.id,
        year: week.year,
        week_number: week.week_number,
        position,
        added_at: res.body.added_at,
        rating: NO_RATING, // nobody judges anything in this suite (see verdicts.e2e-spec.ts)
      };
      return {
        ref: res.body[kind] as Record<string, unknown> & { id: number; title: string },
        selection,
      };
    };

    // Movies: some fetched from the fake TMDB (their sort key is the app's own), some stored.
    const bananaLow = await seedMovie(t.dataSource, { title: 'banana' });
    const bananaHigh = await seedMovie(t.dataSource, { title: 'Banana' });
    const apple = await seedMovie(t.dataSource, { title: 'apple' });
    const zed = await seedMovie(t.dataSource, { title: 'Zed' });
    await seedMovie(t.dataSource, { title: 'Aardvark (never picked)' });
    const removed = await seedMovie(t.dataSource, { title: 'Aaron (picked, then removed)' });

    const amelie1 = await pick('movie', 'A', 2, TMDB.AMELIE);
    const amelie2 = await pick('movie', 'B', 1, TMDB.AMELIE);
    const amelie3 = await pick('movie', 'C', 1, TMDB.AMELIE);
    const bananaHigh1 = await pick('movie', 'A', 1, bananaHigh.tmdbId);
    const bananaLow1 = await pick('movie', 'D', 1, bananaLow.tmdbId);
    const rec1 = await pick('movie', 'C', 2, TMDB.REC);
    const apple1 = await pick('movie', 'E', 1, apple.tmdbId);
    const apple2 = await pick('movie', 'D', 2, apple.tmdbId);
    const existenz1 = await pick('movie', 'B', 2, TMDB.EXISTENZ);
    await pick('movie', 'E', 2, removed.tmdbId);
    expect((await api.removeMovie(alice, weeks.E.id, 2)).status).toBe(204);
    const zed1 = await pick('movie', 'E', 2, zed.tmdbId);
    const aero1 = await pick('movie', 'F', 1, TMDB.AERO);
    const okami1 = await pick('movie', 'F', 2, TMDB.OKAMI);

    // Code-point order of the lowercased titles, then id.
    movies = [
      { ...rec1.ref, selections: [rec1.selection] }, // "[rec]"
      {
        ...amelie1.ref,
        // (2024, 50), (2025, 3), (2025, 10): by year, then week_number.
        selections: [amelie2.selection, amelie3.selection, amelie1.selection],
      }, // "amélie"
      { ...movieRef(apple), selections: [apple2.selection, apple1.selection] }, // "apple"
      { ...movieRef(bananaLow), selections: [bananaLow1.selection] }, // "banana", lower id
      { ...movieRef(bananaHigh), selections: [bananaHigh1.selection] }, // "banana", higher id
      { ...existenz1.ref, selections: [existenz1.selection] }, // "existenz"
      { ...movieRef(zed), selections: [zed1.selection] }, // "zed"
      { ...aero1.ref, selections: [aero1.selection] }, // "ærø" (U+00E6)
      { ...okami1.ref, selections: [okami1.selection] }, // "ōkami" (U+014D)
    ].map((item) => ({ ...item, rating: NO_RATING })) as Item[];

    // Albums: one fetched from the fake MusicBrainz, the rest stored.
    const bjorkLow = await seedAlbum(t.dataSource, { title: 'björk' });
    const bjorkHigh = await seedAlbum(t.dataSource, { title: 'Björk' });
    const zoo = await seedAlbum(t.dataSource, { title: 'Zoo' });
    const edith = await seedAlbum(t.dataSource, { title: 'Édith' });
    const abbey = await seedAlbum(t.dataSource, { title: 'abbey road' });
    await seedAlbum(t.dataSource, { title: 'Aaa (never picked)' });

    const darkSide1 = await pick('album', 'E', 1, MB.DARK_SIDE);
    const darkSide2 = await pick('album', 'F', 2, MB.DARK_SIDE);
    const zoo1 = await pick('album', 'A', 1, zoo.musicbrainzId);
    const edith1 = await pick('album', 'B', 1, edith.musicbrainzId);
    const bjorkHigh1 = await pick('album', 'C', 1, bjorkHigh.musicbrainzId);
    const bjorkLow1 = await pick('album', 'C', 2, bjorkLow.musicbrainzId);
    const abbey1 = await pick('album', 'D', 2, abbey.musicbrainzId);
    const edith2 = await pick('album', 'D', 1, edith.musicbrainzId);

    albums = [
      { ...albumRef(abbey), selections: [abbey1.selection] }, // "abbey road"
      { ...albumRef(bjorkLow), selections: [bjorkLow1.selection] }, // "björk", lower id
      { ...albumRef(bjorkHigh), selections: [bjorkHigh1.selection] }, // "björk", higher id
      {
        ...darkSide1.ref,
        selections: [darkSide2.selection, darkSide1.selection],
      }, // "the dark side of the moon"
      { ...albumRef(zoo), selections: [zoo1.selection] }, // "zoo"
      { ...albumRef(edith), selections: [edith2.selection, edith1.selection] }, // "édith" (U+00E9)
    ].map((item) => ({ ...item, rating: NO_RATING })) as Item[];
    fake.clear();
  });

  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  it('movies: distinct selected movies by lowercased title (code points), then id', async () => {
    const res = await listing('movies', '?page_size=100');
    expect(outcome(res)).toEqual({
      status: 200,
      body: { total: 9, page: 1, page_size: 100, results: movies },
    });
    expect((res.body.results as Item[]).map((item) => item.title)).toEqual([
      '[REC]',
      'Amélie',
      'apple',
      'banana',
      'Banana',
      'eXistenZ',
      'Zed',
      'Ærø',
      'Ōkami',
    ]);
    for (const item of res.body.results as Item[]) {
      expect(keysOf(item)).toEqual([...MOVIE_REF_KEYS, 'rating', 'selections'].sort());
      expect(Number.isInteger(item.id)).toBe(true);
      expect(Number.isInteger(item.tmdb_id)).toBe(true);
      expect(item.cached_at).toMatch(ISO_TIMESTAMP);
      for (const selection of item.selections) {
        expect(keysOf(selection)).toEqual(SELECTION_KEYS);
        expect(selection.added_at).toMatch(ISO_TIMESTAMP);
      }
    }
  });

  it('albums: distinct selected albums by lowercased title (code points), then id', async () => {
    const res = await listing('albums', '?page_size=100');
    expect(outcome(res)).toEqual({
      status: 200,
      body: { total: 6, page: 1, page_size: 100, results: albums },
    });
    expect((res.body.results as Item[]).map((item) => item.title)).toEqual([
      'abbey road',
      'björk',
      'Björk',
      'The Dark Side of the Moon',
      'Zoo',
      'Édith',
    ]);
    for (const item of res.body.results as Item[]) {
      expect(keysOf(item)).toEqual([...ALBUM_REF_KEYS, 'rating', 'selections'].sort());
    }
  });

  it('the album fetched from MusicBrainz shows its full cover URL', async () => {
    const res = await listing('albums', '?page_size=100');
    const darkSide = (res.body.results as Item[]).find(
      (item) => item.musicbrainz_id === MB.DARK_SIDE,
    );
    expect(darkSide?.cover_art_url).toBe(`${fake.url}/caa/release/${MB.DARK_SIDE}/front`);
    expect(darkSide?.artist).toBe('Pink Floyd');
  });

  it.each(LISTINGS)('%s: defaults are page 1, page_size 20', async (kind) => {
    expect(outcome(await listing(kind))).toEqual({
      status: 200,
      body: { total: expectedOf(kind).length, page: 1, page_size: 20, results: expectedOf(kind) },
    });
  });

  it.each(LISTINGS)('%s: pages are stable and never overlap; past the end is []', async (kind) => {
    const expected = expectedOf(kind);
    const seen: Item[] = [];
    const pages = Math.ceil(expected.length / 2);
    for (let page = 1; page <= pages; page++) {
      const res = await listing(kind, `?page=${page}&page_size=2`);
      expect(outcome(res)).toEqual({
        status: 200,
        body: {
          total: expected.length,
          page,
          page_size: 2,
          results: expected.slice((page - 1) * 2, page * 2),
        },
      });
      seen.push(...(res.body.results as Item[]));
    }
    expect(seen).toEqual(expected);
    expect(new Set(seen.map((item) => item.id)).size).toBe(expected.length);
    expect(outcome(await listing(kind, `?page=${pages + 1}&page_size=2`))).toEqual({
      status: 200,
      body: { total: expected.length, page: pages + 1, page_size: 2, results: [] },
    });
    expect(outcome(await listing(kind, '?page=10000&page_size=100'))).toEqual({
      status: 200,
      body: { total: expected.length, page: 10000, page_size: 100, results: [] },
    });
    expect(outcome(await listing(kind, '?page_size=1'))).toEqual({
      status: 200,
      body: { total: expected.length, page: 1, page_size: 1, results: [expected[0]] },
    });
  });

  it.each(LISTINGS)('%s: reads only the database (no upstream call)', async (kind) => {
    fake.clear();
    expect((await listing(kind, '?page_size=100')).status).toBe(200);
    expect(fake.requests).toEqual([]);
  });

  it.each(LISTINGS)('%s: everyone sees the same listing', async (kind) => {
    expect(outcome(await listing(kind, '', bob))).toEqual(outcome(await listing(kind, '', alice)));
  });

  it('a deleted week takes its selections with it; items left unselected drop out', async () => {
    const extra = await seedMovie(t.dataSource, { title: 'Aaa temporary' });
    const week = await api.create(alice, { year: 2030, week_number: 30 });
    expect(
      (await api.addMovie(alice, week.body.id, { tmdb_id: extra.tmdbId, position: 1 })).status,
    ).toBe(201);
    const apple = movies[2];
    expect(
      (await api.addMovie(alice, week.body.id, { tmdb_id: apple.tmdb_id, position: 2 })).status,
    ).toBe(201);

    const during = await listing('movies', '?page_size=100');
    expect(during.body.total).toBe(10);
    // "[rec]" < "aaa temporary" < "amélie" < "apple" by code point.
    expect((during.body.results as Item[]).map((item) => item.id).slice(0, 4)).toEqual([
      movies[0].id,
      extra.id,
      movies[1].id,
      apple.id,
    ]);
    expect(during.body.results[3].selections).toHaveLength(3);

    expect((await api.remove(alice, week.body.id)).status).toBe(204);
    expect(outcome(await listing('movies', '?page_size=100'))).toEqual({
      status: 200,
      body: { total: 9, page: 1, page_size: 100, results: movies },
    });
    expect(await t.dataSource.getRepository(Movie).countBy({ id: extra.id })).toBe(1);
  });

  describe.each(LISTINGS)('%s: query validation', (kind) => {
    it.each([
      ['?page=0', 'page'],
      ['?page=10001', 'page'],
      ['?page=-3', 'page'],
      ['?page_size=0', 'page_size'],
      ['?page_size=101', 'page_size'],
      ['?page=1&page=2', 'page'],
    ])('%s → 422 on %s', async (query, field) => {
      expectValidationError(await listing(kind, query), [field], 'query');
    });

    it.each([
      ['page', 'one'],
      ['page', '1.0'],
      ['page_size', '1e2'],
    ])('%s=%s → 422 must be an integer', async (name, value) => {
      expect(outcome(await listing(kind, `?${name}=${value}`))).toEqual(
        invalid(name, `${name} must be an integer`, 'query'),
      );
    });

    it('reports both errors together', async () => {
      expectValidationError(
        await listing(kind, '?page=0&page_size=101'),
        ['page', 'page_size'],
        'query',
      );
    });

    it.each(['?page=', '?page_size=', '?page=&page_size='])(
      'an empty value counts as absent: %s → the defaults',
      async (query) => {
        expect(outcome(await listing(kind, query))).toEqual({
          status: 200,
          body: {
            total: expectedOf(kind).length,
            page: 1,
            page_size: 20,
            results: expectedOf(kind),
          },
        });
      },
    );

    it('ignores unknown parameters (there is no year filter here)', async () => {
      expect(outcome(await listing(kind, '?year=1800&sort=desc'))).toEqual({
        status: 200,
        body: {
          total: expectedOf(kind).length,
          page: 1,
          page_size: 20,
          results: expectedOf(kind),
        },
      });
    });

    it('needs a token', async () => {
      expect(outcome(await listing(kind, '?page=0', null))).toEqual(
        failure(401, 'Not authenticated'),
      );
    });
  });
});

describe('Selections on an empty database, without a TMDB key', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
    // Stored but never selected: still not listed.
    await seedMovie(t.dataSource, { title: 'Unpicked movie' });
    await seedAlbum(t.dataSource, { title: 'Unpicked album' });
  });

  afterAll(async () => {
    await t.close();
  });

  it.each(LISTINGS)('%s: total 0, results []', async (kind) => {
    const res =
      kind === 'movies' ? await api.movieSelections(alice) : await api.albumSelections(alice);
    expect(outcome(res)).toEqual({
      status: 200,
      body: { total: 0, page: 1, page_size: 20, results: [] },
    });
  });
});

describe('No N+1: selections listings use a fixed number of queries', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;

  beforeAll(async () => {
    // The read caches off: these count the queries of the reads themselves.
    t = await createTestApp({ clock, env: { READ_CACHE_TTL: '0' } });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
    await seedHistory(t.dataSource, { weeks: 120, firstYear: 2000, userId: alice.id });
  });

  afterAll(async () => {
    await t.close();
  });

  it.each(LISTINGS)('%s: the same few queries for page_size 1 and 100', async (kind) => {
    const list = (query: string) =>
      kind === 'movies' ? api.movieSelections(alice, query) : api.albumSelections(alice, query);
    const small = await countQueries(t.dataSource, () => list('?page_size=1'));
    const large = await countQueries(t.dataSource, () => list('?page_size=100'));
    expect(small.result.status).toBe(200);
    expect(large.result.status).toBe(200);
    expect(small.result.body.total).toBe(120);
    expect(large.result.body.total).toBe(120);
    expect(small.result.body.results).toHaveLength(1);
    expect(large.result.body.results).toHaveLength(100);
    for (const item of large.result.body.results as Item[]) {
      expect(item.selections).toHaveLength(2);
    }
    expect(large.queries.length).toBe(small.queries.length);
    // One of them is the authentication's user lookup.
    expect(large.queries.length).toBeLessThanOrEqual(5);

    const last = await list('?page=2&page_size=100');
    expect(last.body.results).toHaveLength(20);
    const ids = [...(large.result.body.results as Item[]), ...(last.body.results as Item[])].map(
      (item) => item.id,
    );
    expect(new Set(ids).size).toBe(120);
  });
});
