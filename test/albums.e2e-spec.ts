// Album catalog e2e tests: api-contract.md §7 and §9, upstream.md §1, §3, §4, §5 and §6, against the
// fake upstream (test/fake-upstream). Every test starts its own app (fresh database, in-memory
// caches and MusicBrainz queue) so request counts are exact; the fake is shared and cleared.
import request from 'supertest';
import {
  DEFAULT_SETTINGS,
  FakeUpstream,
  type RecordedRequest,
} from './fake-upstream/fake-upstream.js';
import {
  JAY_KANYE_EXPECTED_CREDITS,
  LOVE_IDS,
  MB,
  MB_ARTIST,
  MB_EXPECTED,
  MB_SEARCH,
} from './fake-upstream/fixtures/musicbrainz.js';
import {
  arrivalGaps,
  coverPaths,
  expectedDetails,
  incValues,
  loveResult,
  maxInFlight,
  releaseCover,
  releaseGroupCover,
  sleep,
  startAlbumApp,
  TEST_USER_AGENT,
  timed,
  type AlbumApp,
} from './support/album-helpers.js';
import { expectValidationError, outcome } from './support/auth-helpers.js';

const HOUR_MS = 60 * 60 * 1000;
const HEALTHY = { status: 200, body: { status: 'healthy', version: '0.1.0' } };
const NOT_FOUND = { detail: 'Album not found' };
const INVALID = { detail: 'Album catalog sent an invalid response' };
const UNREACHABLE = { detail: 'Album catalog could not be reached' };
const TIMED_OUT = { detail: 'Album catalog did not respond in time' };
const REFUSED = {
  detail:
    'Album catalog unavailable: MusicBrainz refused our requests (check MUSICBRAINZ_USER_AGENT)',
};
const BAD_QUERY = 'MusicBrainz could not parse the search query';

let fake: FakeUpstream;
const apps: AlbumApp[] = [];

/** A fresh app for this test (closed after it); `env` overrides the album defaults. */
async function app(env: Record<string, string> = {}): Promise<AlbumApp> {
  const started = await startAlbumApp(fake, env);
  apps.push(started);
  return started;
}

const mb = () => fake.requestsTo('musicbrainz');
const caa = () => fake.requestsTo('coverart');
const lookups = (mbid: string) => mb().filter((r) => r.path === `/release/${mbid}`);
const searches = () => mb().filter((r) => r.path === '/release');
const statuses = (requests: RecordedRequest[]) => requests.map((r) => r.status);

beforeAll(async () => {
  fake = await FakeUpstream.start();
});

beforeEach(() => {
  fake.clear();
  Object.assign(fake.settings, DEFAULT_SETTINGS, { enforceMusicBrainzRate: false });
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((started) => started.close()));
});

afterAll(async () => {
  await fake.stop();
});

// -------------------------------------------------------------------------------------------------

describe('GET /api/albums/search: mapping (§9.1, upstream §3.2)', () => {
  it('keeps MusicBrainz order, dedups by id, drops title-less entries, passes count through and checks release-level art only', async () => {
    const a = await app();
    const res = await a.get('/api/albums/search').query({ query: MB_SEARCH.PINK_FLOYD });
    expect(outcome(res)).toEqual({
      status: 200,
      body: {
        count: MB_SEARCH.PINK_FLOYD_COUNT,
        offset: 0,
        results: [
          {
            musicbrainz_id: MB.DARK_SIDE,
            title: 'The Dark Side of the Moon',
            artist: 'Pink Floyd',
            release_date: '1973-03',
            country: 'GB',
            score: 100,
            cover_art_url: releaseCover(fake, MB.DARK_SIDE),
          },
          {
            // Its release group has art, but search never falls back to the group.
            musicbrainz_id: MB.NO_ART_GROUP_ART,
            title: 'Wish You Were Here',
            artist: 'Pink Floyd',
            release_date: '1975-09-12',
            country: 'GB',
            score: 96,
            cover_art_url: null,
          },
          {
            musicbrainz_id: MB.MERGED_NEW,
            title: 'Animals',
            artist: 'Pink Floyd',
            release_date: '1977-01-23',
            country: 'GB',
            score: 94,
            cover_art_url: releaseCover(fake, MB.MERGED_NEW),
          },
        ],
      },
    });
    expect(mb()).toHaveLength(1);
    expect(coverPaths(caa()).sort()).toEqual(
      [
        `HEAD /release/${MB.DARK_SIDE}/front`,
        `HEAD /release/${MB.MERGED_NEW}/front`,
        `HEAD /release/${MB.NO_ART_GROUP_ART}/front`,
      ].sort(),
    );
  });

  it('sends fmt=json, limit, offset, the trimmed query, our User-Agent and Accept: application/json', async () => {
    const a = await app();
    const res = await a
      .get('/api/albums/search')
      .query({ query: `  ${MB_SEARCH.LOVE}  `, limit: '7', offset: '3' });
    expect(res.status).toBe(200);
    expect(res.body.offset).toBe(3);
    expect(res.body.results.map((r: { musicbrainz_id: string }) => r.musicbrainz_id)).toEqual(
      LOVE_IDS.slice(3, 10),
    );
    expect(mb()).toHaveLength(1);
    const [call] = mb();
    expect(call.method).toBe('GET');
    expect(call.path).toBe('/release');
    expect(call.query).toEqual({ query: 'love', limit: '7', offset: '3', fmt: 'json' });
    expect(call.headers['user-agent']).toBe(TEST_USER_AGENT);
    expect(call.headers.accept).toContain('application/json');
    // Cover Art Archive calls carry the same headers (upstream §1).
    expect(caa()).toHaveLength(7);
    for (const check of caa()) {
      expect(check.method).toBe('HEAD');
      expect(check.headers['user-agent']).toBe(TEST_USER_AGENT);
      expect(check.headers.accept).toContain('application/json');
    }
  });

  it('defaults limit to 25 and offset to 0', async () => {
    const a = await app();
    const res = await a.get('/api/albums/search').query({ query: MB_SEARCH.LOVE });
    expect(res.status).toBe(200);
    expect(searches().map((r) => [r.query.limit, r.query.offset])).toEqual([['25', '0']]);
    expect(res.body).toEqual({
      count: MB_SEARCH.LOVE_COUNT,
      offset: 0,
      results: LOVE_IDS.slice(0, 25).map((_, i) => loveResult(fake, i)),
    });
  });

  it('pages the 30 "love" results with offset: SPA paging covers all of them, never overlapping', async () => {
    const a = await app();
    const seen: string[] = [];
    let offset = 0;
    let pages = 0;
    for (;;) {
      const res = await a
        .get('/api/albums/search')
        .query({ query: MB_SEARCH.LOVE, offset: String(offset) });
      expect(res.status).toBe(200);
      expect(res.body.count).toBe(MB_SEARCH.LOVE_COUNT);
      expect(res.body.offset).toBe(offset);
      const expected = LOVE_IDS.slice(offset, offset + 25).map((_, i) =>
        loveResult(fake, offset + i),
      );
      expect(res.body.results).toEqual(expected);
      seen.push(...res.body.results.map((r: { musicbrainz_id: string }) => r.musicbrainz_id));
      pages += 1;
      if (offset + 25 >= res.body.count) break;
      offset += 25;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual([...LOVE_IDS]);
    expect(new Set(seen).size).toBe(30);

    // A page in the middle: scores 80, 78, …
    const middle = await a
      .get('/api/albums/search')
      .query({ query: MB_SEARCH.LOVE, limit: '5', offset: '10' });
    expect(middle.body).toEqual({
      count: 30,
      offset: 10,
      results: [10, 11, 12, 13, 14].map((i) => loveResult(fake, i)),
    });
    // Past the end: an empty page, count still passed through.
    const past = await a
      .get('/api/albums/search')
      .query({ query: MB_SEARCH.LOVE, limit: '100', offset: '10000' });
    expect(outcome(past)).toEqual({ status: 200, body: { count: 30, offset: 10000, results: [] } });
    expect(searches().at(-1)!.query).toMatchObject({ limit: '100', offset: '10000' });
  });

  it('passes a Lucene query through unescaped', async () => {
    const a = await app();
    const res = await a.get('/api/albums/search').query({ query: MB_SEARCH.FIELDED });
    expect(outcome(res)).toEqual({
      status: 200,
      body: {
        count: 1,
        offset: 0,
        results: [
          {
            musicbrainz_id: MB.MERGED_NEW,
            title: 'Animals',
            artist: 'Pink Floyd',
            release_date: '1977-01-23',
            country: 'GB',
            score: 100,
            cover_art_url: releaseCover(fake, MB.MERGED_NEW),
          },
        ],
      },
    });
    expect(searches()).toHaveLength(1);
    expect(searches()[0].query.query).toBe('artist:"Pink Floyd" AND release:Animals');
    expect(searches()[0].url).not.toContain('%5C'); // no backslash escapes
  });

  it.each([
    [
      'throne',
      {
        musicbrainz_id: MB.JAY_KANYE,
        title: 'Watch the Throne',
        artist: 'Jay-Z & Kanye West', // credited names with join phrases, not "JAY‐Z"
        release_date: '2011-08-08',
        country: 'US',
        score: 100,
        cover_art_url: 'release', // served as 200 image/jpeg
      },
    ],
    [
      'harbour lights',
      {
        musicbrainz_id: MB.THREE_WAY,
        title: 'Harbour Lights',
        artist: 'Mara Quill & Dexter Vale feat. Ono Brass',
        release_date: '2019-11-22',
        country: null, // absent in the search entry
        score: 100,
        cover_art_url: 'release',
      },
    ],
    [
      'anonymous field recordings',
      {
        musicbrainz_id: MB.NO_CREDITS,
        title: 'Anonymous Field Recordings',
        artist: 'Unknown Artist',
        release_date: '1999',
        country: 'XW',
        score: 100,
        cover_art_url: null,
      },
    ],
    [
      'split single',
      {
        musicbrainz_id: MB.CREDIT_WITHOUT_ARTIST_ID,
        title: 'Split Single',
        artist: 'Ono Brass / Unknown Busker',
        release_date: '2010-05-01',
        country: 'GB',
        score: 100,
        cover_art_url: null,
      },
    ],
    [
      'quiet year',
      {
        musicbrainz_id: MB.YEAR_ONLY,
        title: 'Quiet Year',
        artist: 'Mara Quill',
        release_date: '1973', // never padded
        country: 'NZ',
        score: 100,
        cover_art_url: null,
      },
    ],
    [
      'basement demos',
      {
        musicbrainz_id: MB.NO_ART_AT_ALL,
        title: 'Basement Demos',
        artist: 'Ono Brass',
        release_date: '2004-06',
        country: 'XW',
        score: 100,
        cover_art_url: null,
      },
    ],
    [
      'undated tapes',
      {
        musicbrainz_id: MB.NO_DATE,
        title: 'Undated Tapes',
        artist: 'Dexter Vale',
        release_date: null,
        country: null,
        score: 100,
        cover_art_url: null,
      },
    ],
    [
      'blank calendar',
      {
        musicbrainz_id: MB.EMPTY_DATE,
        title: 'Blank Calendar',
        artist: 'Dexter Vale',
        release_date: null,
        country: null,
        score: 100,
        cover_art_url: null,
      },
    ],
    [
      'thirteenth month',
      {
        musicbrainz_id: MB.INVALID_MONTH,
        title: 'Thirteenth Month',
        artist: 'Ono Brass',
        release_date: null, // 1973-13
        country: 'GB',
        score: 100,
        cover_art_url: null,
      },
    ],
    [
      'february thirtieth',
      {
        musicbrainz_id: MB.INVALID_DAY,
        title: 'February Thirtieth',
        artist: 'Ono Brass',
        release_date: null, // 1973-02-30
        country: 'GB',
        score: 100,
        cover_art_url: null,
      },
    ],
  ])('maps the search entry for %j', async (query, expected) => {
    const a = await app();
    const res = await a.get('/api/albums/search').query({ query });
    const cover =
      expected.cover_art_url === 'release' ? releaseCover(fake, expected.musicbrainz_id) : null;
    expect(outcome(res)).toEqual({
      status: 200,
      body: { count: 1, offset: 0, results: [{ ...expected, cover_art_url: cover }] },
    });
  });

  it('answers a query with no hits with an empty page and no cover checks', async () => {
    const a = await app();
    const res = await a.get('/api/albums/search').query({ query: MB_SEARCH.NONE });
    expect(outcome(res)).toEqual({ status: 200, body: { count: 0, offset: 0, results: [] } });
    expect(mb()).toHaveLength(1);
    expect(caa()).toHaveLength(0);
  });
});

// -------------------------------------------------------------------------------------------------

describe('GET /api/albums/search: validation (§9.1, §1.2)', () => {
  it.each([
    ['missing query', {}, ['query']],
    ['empty query', { query: '' }, ['query']],
    ['blank query', { query: '   \t ' }, ['query']],
    ['201-character query', { query: 'a'.repeat(201) }, ['query']],
    ['limit 0', { query: 'love', limit: '0' }, ['limit']],
    ['limit 101', { query: 'love', limit: '101' }, ['limit']],
    ['limit not an integer', { query: 'love', limit: '2.5' }, ['limit']],
    ['offset -1', { query: 'love', offset: '-1' }, ['offset']],
    ['offset 10001', { query: 'love', offset: '10001' }, ['offset']],
    ['offset not an integer', { query: 'love', offset: 'ten' }, ['offset']],
    ['everything at once', { limit: '101', offset: '-1' }, ['query', 'limit', 'offset']],
  ])('%s → 422, no upstream call', async (_name, query, fields) => {
    const a = await app();
    const res = await a.get('/api/albums/search').query(query);
    expectValidationError(res, fields, 'query');
    expect(fake.requests).toHaveLength(0);
  });

  it('a repeated query parameter → 422', async () => {
    const a = await app();
    const res = await a.get('/api/albums/search?query=love&query=pink');
    expectValidationError(res, ['query'], 'query');
    expect(fake.requests).toHaveLength(0);
  });

  it('accepts the bounds: 200 code points (astral characters count once), limit 1 and 100, offset 0 and 10000', async () => {
    const a = await app();
    const astral = '😀'.repeat(200); // 400 UTF-16 units, 200 code points
    const long = await a.get('/api/albums/search').query({ query: astral });
    expect(outcome(long)).toEqual({ status: 200, body: { count: 0, offset: 0, results: [] } });
    expect(searches()[0].query.query).toBe(astral);
    const one = await a.get('/api/albums/search').query({ query: 'love', limit: '1' });
    expect(one.body.results).toEqual([loveResult(fake, 0)]);
    const hundred = await a.get('/api/albums/search').query({ query: 'love', limit: '100' });
    expect(hundred.body.results).toHaveLength(30);
  });

  it.each(MB_SEARCH.UNPARSEABLE)(
    'MusicBrainz 400 on search %j → 422 on `query`, not retried, not cached',
    async (query) => {
      const a = await app();
      const expected = {
        status: 422,
        body: {
          detail: BAD_QUERY,
          errors: [{ field: 'query', location: 'query', message: expect.any(String) }],
        },
      };
      const first = await a.get('/api/albums/search').query({ query });
      expect(outcome(first)).toEqual(expected);
      expect(first.body.detail).toBe(first.body.errors[0].message);
      expect(statuses(searches())).toEqual([400]);
      expect(searches()[0].query.query).toBe(query);
      const again = await a.get('/api/albums/search').query({ query });
      expect(outcome(again)).toEqual(expected);
      expect(statuses(searches())).toEqual([400, 400]);
      expect(caa()).toHaveLength(0);
      expect(outcome(await a.health())).toEqual(HEALTHY);
    },
  );

  it('every album route needs a bearer token (401 before any upstream call)', async () => {
    const a = await app();
    for (const path of [
      '/api/albums/search?query=love',
      `/api/albums/${MB.DARK_SIDE}`,
      `/api/albums/${MB.DARK_SIDE}/credits`,
    ]) {
      const res = await request(a.t.server).get(path);
      expect(outcome(res)).toEqual({ status: 401, body: { detail: 'Not authenticated' } });
    }
    expect(fake.requests).toHaveLength(0);
  });
});

// -------------------------------------------------------------------------------------------------

describe('GET /api/albums/{musicbrainz_id} (§9.2, upstream §3.3, §4.2)', () => {
  it.each(Object.keys(MB_EXPECTED))(
    'maps every field of %s, then serves it from storage',
    async (mbid) => {
      const a = await app();
      const fresh = await a.get(`/api/albums/${mbid}`);
      expect(outcome(fresh)).toEqual({ status: 200, body: expectedDetails(fake, mbid, false) });

      // One lookup with inc=artist-credits+release-groups and fmt=json, with our headers.
      expect(mb()).toHaveLength(1);
      const [call] = mb();
      expect(call.method).toBe('GET');
      expect(call.path).toBe(`/release/${mbid}`);
      expect(incValues(call)).toEqual(['artist-credits', 'release-groups']);
      expect(call.query.fmt).toBe('json');
      expect(Object.keys(call.query).sort()).toEqual(['fmt', 'inc']);
      expect(call.headers['user-agent']).toBe(TEST_USER_AGENT);
      expect(call.headers.accept).toContain('application/json');

      // Cover: release front, then (only if absent) the release group's front.
      const { cover, release_group_id } = MB_EXPECTED[mbid];
      const releaseCheck = `HEAD /release/${mbid}/front`;
      const groupCheck = `HEAD /release-group/${release_group_id}/front`;
      expect(coverPaths(caa())).toEqual(
        cover === 'release' ? [releaseCheck] : [releaseCheck, groupCheck],
      );

      fake.clear();
      const stored = await a.get(`/api/albums/${mbid}`);
      expect(outcome(stored)).toEqual({ status: 200, body: expectedDetails(fake, mbid, true) });
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('accepts an uppercase UUID, lowercases it before use, and answers with the lowercase id', async () => {
    const a = await app();
    const res = await a.get(`/api/albums/${MB.DARK_SIDE.toUpperCase()}`);
    expect(outcome(res)).toEqual({ status: 200, body: expectedDetails(fake, MB.DARK_SIDE, false) });
    expect(mb().map((r) => r.path)).toEqual([`/release/${MB.DARK_SIDE}`]);
    const lower = await a.get(`/api/albums/${MB.DARK_SIDE}`);
    expect(outcome(lower)).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.DARK_SIDE, true),
    });
    const mixed = await a.get(
      `/api/albums/${MB.DARK_SIDE.replace(/[a-f]/g, (c) => c.toUpperCase())}/credits`,
    );
    expect(mixed.status).toBe(200);
    expect(mb()).toHaveLength(1);
  });

  it.each([
    'not-a-uuid',
    '3f49f47e0e674f90a3c0df47c9b4b8c9',
    '3f49f47e-0e67-4f90-a3c0-df47c9b4b8c',
    '3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9a',
    'gf49f47e-0e67-4f90-a3c0-df47c9b4b8c9',
    '{3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9}',
    '12345',
  ])('musicbrainz_id %j is not a UUID → 422 on details and credits', async (bad) => {
    const a = await app();
    expectValidationError(
      await a.get(`/api/albums/${encodeURIComponent(bad)}`),
      ['musicbrainz_id'],
      'path',
    );
    expectValidationError(
      await a.get(`/api/albums/${encodeURIComponent(bad)}/credits`),
      ['musicbrainz_id'],
      'path',
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('merged ids: the old id answers with the new one; afterwards both find the same stored album', async () => {
    const a = await app();
    const merged = await a.get(`/api/albums/${MB.MERGED_OLD}`);
    expect(outcome(merged)).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.MERGED_NEW, false),
    });
    expect(mb().map((r) => r.path)).toEqual([`/release/${MB.MERGED_OLD}`]);
    // The cover is checked for the returned id.
    expect(coverPaths(caa())).toEqual([`HEAD /release/${MB.MERGED_NEW}/front`]);

    fake.clear();
    for (const mbid of [MB.MERGED_OLD, MB.MERGED_NEW, MB.MERGED_OLD]) {
      const res = await a.get(`/api/albums/${mbid}`);
      expect(outcome(res)).toEqual({
        status: 200,
        body: expectedDetails(fake, MB.MERGED_NEW, true),
      });
    }
    for (const mbid of [MB.MERGED_OLD, MB.MERGED_NEW]) {
      const credits = await a.get(`/api/albums/${mbid}/credits`);
      expect(outcome(credits)).toEqual({
        status: 200,
        body: {
          artists: [
            {
              musicbrainz_id: MB_ARTIST.PINK_FLOYD,
              name: 'Pink Floyd',
              credited_name: 'Pink Floyd',
              sort_name: 'Pink Floyd',
              disambiguation: null,
              artist_type: 'Group',
              country: 'GB',
              join_phrase: null,
              order: 0,
            },
          ],
        },
      });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('a first lookup whose cover checks are inconclusive answers cover_art_url null (never an error)', async () => {
    const a = await app();
    fake.setFault('coverart', MB.THREE_WAY, 'status503');
    const res = await a.get(`/api/albums/${MB.THREE_WAY}`);
    expect(outcome(res)).toEqual({
      status: 200,
      body: { ...expectedDetails(fake, MB.THREE_WAY, false), cover_art_url: null },
    });
    expect(statuses(caa().filter((r) => r.path.startsWith('/release/')))).toEqual([503]);
  });
});

// -------------------------------------------------------------------------------------------------

describe('GET /api/albums/{musicbrainz_id}/credits (§9.3)', () => {
  it('returns the stored credits of Watch the Throne exactly, from the same single lookup', async () => {
    const a = await app();
    const res = await a.get(`/api/albums/${MB.JAY_KANYE}/credits`);
    expect(outcome(res)).toEqual({
      status: 200,
      body: { artists: JAY_KANYE_EXPECTED_CREDITS },
    });
    expect(mb().map((r) => r.path)).toEqual([`/release/${MB.JAY_KANYE}`]);
    expect(incValues(mb()[0])).toEqual(['artist-credits', 'release-groups']);

    // The credits call stored the album as well: details need no upstream call.
    fake.clear();
    const details = await a.get(`/api/albums/${MB.JAY_KANYE}`);
    expect(outcome(details)).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.JAY_KANYE, true),
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps credit order, maps empty join phrases and disambiguations to null, and serves any limit from storage', async () => {
    const a = await app();
    const mara = {
      musicbrainz_id: MB_ARTIST.MARA_QUILL,
      name: 'Mara Quill',
      credited_name: 'Mara Quill',
      sort_name: 'Quill, Mara',
      disambiguation: null,
      artist_type: 'Person',
      country: 'NZ',
      join_phrase: ' & ',
      order: 0,
    };
    const dexter = {
      musicbrainz_id: MB_ARTIST.DEXTER_VALE,
      name: 'Dexter Vale',
      credited_name: 'Dexter Vale',
      sort_name: 'Vale, Dexter',
      disambiguation: 'jazz pianist',
      artist_type: 'Person',
      country: null,
      join_phrase: ' feat. ',
      order: 1,
    };
    const ono = {
      musicbrainz_id: MB_ARTIST.ONO_BRASS,
      name: 'Ono Brass',
      credited_name: 'Ono Brass',
      sort_name: 'Ono Brass',
      disambiguation: null,
      artist_type: 'Group',
      country: null,
      join_phrase: null,
      order: 2,
    };
    // The first (fetching) request asks for one credit only…
    const first = await a.get(`/api/albums/${MB.THREE_WAY}/credits`).query({ limit: '1' });
    expect(outcome(first)).toEqual({ status: 200, body: { artists: [mara] } });
    expect(mb()).toHaveLength(1);
    // …yet every credit was stored, so a later, larger limit is served in full from storage.
    fake.clear();
    const cases: [Record<string, string>, unknown[]][] = [
      [{}, [mara, dexter, ono]],
      [{ limit: '50' }, [mara, dexter, ono]],
      [{ limit: '2' }, [mara, dexter]],
      [{ limit: '3' }, [mara, dexter, ono]],
    ];
    for (const [query, artists] of cases) {
      const res = await a.get(`/api/albums/${MB.THREE_WAY}/credits`).query(query);
      expect(outcome(res)).toEqual({ status: 200, body: { artists } });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('an album without credits → {"artists": []}', async () => {
    const a = await app();
    const res = await a.get(`/api/albums/${MB.NO_CREDITS}/credits`);
    expect(outcome(res)).toEqual({ status: 200, body: { artists: [] } });
    expect(mb()).toHaveLength(1);
  });

  it('skips a credit without artist.id, keeping the others at their index', async () => {
    const a = await app();
    const res = await a.get(`/api/albums/${MB.CREDIT_WITHOUT_ARTIST_ID}/credits`);
    expect(outcome(res)).toEqual({
      status: 200,
      body: {
        artists: [
          {
            musicbrainz_id: MB_ARTIST.ONO_BRASS,
            name: 'Ono Brass',
            credited_name: 'Ono Brass',
            sort_name: 'Ono Brass',
            disambiguation: null,
            artist_type: 'Group',
            country: null,
            join_phrase: ' / ',
            order: 0,
          },
        ],
      },
    });
    const details = await a.get(`/api/albums/${MB.CREDIT_WITHOUT_ARTIST_ID}`);
    expect(details.body.artist).toBe('Ono Brass / Unknown Busker');
  });

  it.each(['0', '51', '-1', 'ten', '1.5'])('limit %j → 422, no upstream call', async (limit) => {
    const a = await app();
    const res = await a.get(`/api/albums/${MB.JAY_KANYE}/credits`).query({ limit });
    expectValidationError(res, ['limit'], 'query');
    expect(fake.requests).toHaveLength(0);
  });

  it('a bad id and a bad limit are reported together', async () => {
    const a = await app();
    const res = await a.get('/api/albums/nope/credits').query({ limit: '0' });
    expect(res.status).toBe(422);
    expect(
      res.body.errors.map((e: { field: string; location: string }) => [e.field, e.location]).sort(),
    ).toEqual([
      ['limit', 'query'],
      ['musicbrainz_id', 'path'],
    ]);
    expect(fake.requests).toHaveLength(0);
  });
});

// -------------------------------------------------------------------------------------------------

describe('single flight (upstream §1)', () => {
  it('details and credits requested in parallel for an uncached album share one lookup', async () => {
    const a = await app();
    fake.settings.latencyMs = 150;
    const [details, credits] = await Promise.all([
      a.send(`/api/albums/${MB.JAY_KANYE}`),
      a.send(`/api/albums/${MB.JAY_KANYE}/credits`),
    ]);
    expect(outcome(details)).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.JAY_KANYE, false),
    });
    expect(outcome(credits)).toEqual({
      status: 200,
      body: { artists: JAY_KANYE_EXPECTED_CREDITS },
    });
    expect(mb()).toHaveLength(1);
    expect(caa()).toHaveLength(1);
  });

  it('20 concurrent identical uncached lookups → one MusicBrainz request, twenty 200s', async () => {
    const a = await app();
    fake.settings.latencyMs = 150;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => a.send(`/api/albums/${MB.THREE_WAY}`)),
    );
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect({ ...res.body, cached: undefined }).toEqual({
        ...expectedDetails(fake, MB.THREE_WAY, false),
        cached: undefined,
      });
    }
    expect(mb()).toHaveLength(1);
    expect(caa()).toHaveLength(1);
  });

  it('concurrent identical searches share one MusicBrainz search', async () => {
    const a = await app();
    fake.settings.latencyMs = 100;
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => a.send('/api/albums/search?query=pink%20floyd')),
    );
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual(responses[0].body);
    }
    expect(searches()).toHaveLength(1);
    expect(caa()).toHaveLength(3);
  });
});

// -------------------------------------------------------------------------------------------------

describe('in-memory caches (§9.1, upstream §1, §4.2)', () => {
  it('a repeated search is a cache hit: no MusicBrainz and no Cover Art Archive request', async () => {
    const a = await app();
    const first = await a.get('/api/albums/search').query({ query: MB_SEARCH.PINK_FLOYD });
    expect(first.status).toBe(200);
    expect(mb()).toHaveLength(1);
    expect(caa()).toHaveLength(3);

    fake.clear();
    const again = await a.get('/api/albums/search').query({ query: MB_SEARCH.PINK_FLOYD });
    expect(outcome(again)).toEqual(outcome(first));
    const trimmed = await a.get('/api/albums/search').query({ query: '  pink floyd ' });
    expect(outcome(trimmed)).toEqual(outcome(first));
    expect(fake.requests).toHaveLength(0);

    // The key includes limit and offset.
    await a.get('/api/albums/search').query({ query: MB_SEARCH.PINK_FLOYD, limit: '2' });
    await a.get('/api/albums/search').query({ query: MB_SEARCH.PINK_FLOYD, offset: '1' });
    expect(searches().map((r) => [r.query.limit, r.query.offset])).toEqual([
      ['2', '0'],
      ['25', '1'],
    ]);
  });

  it('search replies expire after SEARCH_CACHE_TTL', async () => {
    const a = await app({ SEARCH_CACHE_TTL: '10m' });
    await a.get('/api/albums/search').query({ query: MB_SEARCH.PINK_FLOYD }).expect(200);
    a.clock.advance(9 * 60 * 1000);
    await a.get('/api/albums/search').query({ query: MB_SEARCH.PINK_FLOYD }).expect(200);
    expect(searches()).toHaveLength(1);
    a.clock.advance(2 * 60 * 1000);
    await a.get('/api/albums/search').query({ query: MB_SEARCH.PINK_FLOYD }).expect(200);
    expect(searches()).toHaveLength(2);
  });

  it('remembers cover-art answers (exists and absent): a different search re-checks none of them', async () => {
    const a = await app();
    const first = await a.get('/api/albums/search').query({ query: 'love', limit: '10' });
    expect(first.body.results).toEqual(LOVE_IDS.slice(0, 10).map((_, i) => loveResult(fake, i)));
    expect(coverPaths(caa()).sort()).toEqual(
      LOVE_IDS.slice(0, 10)
        .map((id) => `HEAD /release/${id}/front`)
        .sort(),
    );

    fake.clear();
    const wider = await a.get('/api/albums/search').query({ query: 'love', limit: '20' });
    expect(wider.body.results).toEqual(LOVE_IDS.slice(0, 20).map((_, i) => loveResult(fake, i)));
    expect(searches()).toHaveLength(1);
    expect(coverPaths(caa()).sort()).toEqual(
      LOVE_IDS.slice(10, 20)
        .map((id) => `HEAD /release/${id}/front`)
        .sort(),
    );
  });

  it('inconclusive cover checks give null, are never an error, and are not remembered', async () => {
    const a = await app();
    // LOVE_IDS[0] (200), [2] (307) and [3] (200) have art; [5] and [6] too and stay healthy.
    fake.setFault('coverart', LOVE_IDS[0], 'status503');
    fake.setFault('coverart', LOVE_IDS[2], 'slow'); // longer than the 300 ms check timeout
    fake.setFault('coverart', LOVE_IDS[3], 'reset');
    fake.setFault('coverart', LOVE_IDS[5], 'status429');
    const res = await a.get('/api/albums/search').query({ query: 'love', limit: '8' });
    const inconclusive = new Set([0, 2, 3, 5]);
    expect(outcome(res)).toEqual({
      status: 200,
      body: {
        count: 30,
        offset: 0,
        results: LOVE_IDS.slice(0, 8).map((_, i) => ({
          ...loveResult(fake, i),
          ...(inconclusive.has(i) ? { cover_art_url: null } : {}),
        })),
      },
    });
    expect(res.body.results[6].cover_art_url).toBe(releaseCover(fake, LOVE_IDS[6]));
    // No retries on cover checks.
    expect(caa()).toHaveLength(8);

    fake.clear(); // faults off
    const next = await a.get('/api/albums/search').query({ query: 'love', limit: '9' });
    expect(next.body.results).toEqual(LOVE_IDS.slice(0, 9).map((_, i) => loveResult(fake, i)));
    expect(coverPaths(caa()).sort()).toEqual(
      [0, 2, 3, 5, 8].map((i) => `HEAD /release/${LOVE_IDS[i]}/front`).sort(),
    );
    expect(outcome(await a.health())).toEqual(HEALTHY);
  });

  it('runs the cover checks of one search in parallel, at most 16 in flight', async () => {
    const a = await app();
    fake.settings.latencyMs = 100;
    const { result: res, ms } = await timed(() => a.send('/api/albums/search?query=love&limit=25'));
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual(LOVE_IDS.slice(0, 25).map((_, i) => loveResult(fake, i)));
    expect(caa()).toHaveLength(25);
    // Sequential checks would take 25 × 100 ms on top of the search; 16 at a time about 2 × 100 ms.
    expect(ms).toBeLessThan(1300);
    const concurrency = maxInFlight(caa(), 90);
    expect(concurrency).toBeLessThanOrEqual(16);
    expect(concurrency).toBeGreaterThanOrEqual(4);
  });
});

// -------------------------------------------------------------------------------------------------

describe('MusicBrainz pacing and the queue bound (upstream §3.6, §7 429)', () => {
  it('paces concurrent lookups of different albums ≥ 1 s apart; a stored album never waits in the queue', async () => {
    const a = await app({ MUSICBRAINZ_MIN_INTERVAL: '1s' });
    fake.settings.enforceMusicBrainzRate = true;

    await a.get(`/api/albums/${MB.DARK_SIDE}`).expect(200);

    const ids = LOVE_IDS.slice(0, 5);
    const pending = ids.flatMap((id) => [
      a.send(`/api/albums/${id}`),
      a.send(`/api/albums/${id}/credits`),
    ]);
    await sleep(300);
    // The queue now holds about five seconds of lookups; the stored album skips it.
    const { result: stored, ms } = await timed(() => a.send(`/api/albums/${MB.DARK_SIDE}`));
    expect(outcome(stored)).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.DARK_SIDE, true),
    });
    // Queued, it would wait a second at least; the bound leaves room for a loaded test machine.
    expect(ms).toBeLessThan(900);

    const responses = await Promise.all(pending);
    expect(responses.map((res) => res.status)).toEqual(Array(10).fill(200));
    ids.forEach((id, i) => {
      expect(responses[2 * i].body).toMatchObject({ musicbrainz_id: id, cached: false });
    });
    expect(mb()).toHaveLength(6);
    expect(statuses(mb())).toEqual(Array(6).fill(200));
    for (const gap of arrivalGaps(mb())) expect(gap).toBeGreaterThanOrEqual(1000);
  });

  it('refuses callers the queue would keep waiting past MUSICBRAINZ_MAX_WAIT with 429 and no upstream request; cached answers and joiners skip the queue', async () => {
    const a = await app({ MUSICBRAINZ_MIN_INTERVAL: '1s', MUSICBRAINZ_MAX_WAIT: '1s' });
    fake.settings.enforceMusicBrainzRate = true;

    // Takes the first start slot; the next free one is about 1 s away.
    const search = await a.get('/api/albums/search').query({ query: MB_SEARCH.PINK_FLOYD });
    expect(search.status).toBe(200);
    // Gets the slot about 1 s away (within MUSICBRAINZ_MAX_WAIT).
    const first = a.send(`/api/albums/${LOVE_IDS[10]}`);
    await sleep(100);
    // Every further slot is about 2 s away: refused at once.
    const refusedIds = LOVE_IDS.slice(11, 14);
    const refused = refusedIds.map((id) => a.send(`/api/albums/${id}`));
    const uncachedSearch = a.send('/api/albums/search?query=love');
    // Joining the in-flight lookup takes no slot.
    const joiners = [
      a.send(`/api/albums/${LOVE_IDS[10]}`),
      a.send(`/api/albums/${LOVE_IDS[10]}/credits`),
    ];
    // A cached search never waits in (or is refused by) the queue.
    const { result: cachedSearch, ms } = await timed(() =>
      a.send('/api/albums/search?query=pink%20floyd'),
    );
    expect(outcome(cachedSearch)).toEqual(outcome(search));
    // Queued, it would have been refused or waited 2 s; the bound leaves room for a loaded machine.
    expect(ms).toBeLessThan(900);

    for (const res of [...(await Promise.all(refused)), await uncachedSearch]) {
      expect(res.status).toBe(429);
      const retryAfter = res.headers['retry-after'];
      expect(retryAfter).toMatch(/^[1-9]\d*$/);
      // N = ceil(wait), and the wait exceeded the 1 s bound.
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(2);
      expect(Number(retryAfter)).toBeLessThanOrEqual(3);
      expect(res.body).toEqual({
        detail: `Album catalog is busy; try again in ${retryAfter} seconds`,
      });
    }
    const [firstRes, ...joined] = await Promise.all([first, ...joiners]);
    expect(firstRes.status).toBe(200);
    expect(firstRes.body).toMatchObject({ musicbrainz_id: LOVE_IDS[10], cached: false });
    expect(joined.map((res) => res.status)).toEqual([200, 200]);
    expect(joined[0].body).toEqual(firstRes.body);

    // Only the search and the accepted lookup reached MusicBrainz, and the fake's rate check (1 s
    // minus 50 ms of tolerance) let both through. The strict ≥ 1000 ms gap is the pacing test's job.
    expect(mb().map((r) => r.path)).toEqual(['/release', `/release/${LOVE_IDS[10]}`]);
    expect(statuses(mb())).toEqual([200, 200]);
    expect(arrivalGaps(mb())[0]).toBeGreaterThanOrEqual(950);
    expect(outcome(await a.health())).toEqual(HEALTHY);
  });
});

// -------------------------------------------------------------------------------------------------

describe('freshness and stale-on-failure (§7, §9.2)', () => {
  it('refreshes after CATALOG_TTL; a failed refresh serves the stored copy with cached:true', async () => {
    const a = await app({ CATALOG_TTL: '1h' });
    const fresh = await a.get(`/api/albums/${MB.DARK_SIDE}`);
    expect(outcome(fresh)).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.DARK_SIDE, false),
    });

    a.clock.advance(HOUR_MS / 2);
    fake.clear();
    const stillFresh = await a.get(`/api/albums/${MB.DARK_SIDE}`);
    expect(stillFresh.body.cached).toBe(true);
    expect(fake.requests).toHaveLength(0);

    a.clock.advance(2 * HOUR_MS);
    const refreshed = await a.get(`/api/albums/${MB.DARK_SIDE}`);
    expect(outcome(refreshed)).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.DARK_SIDE, false),
    });
    expect(lookups(MB.DARK_SIDE)).toHaveLength(1);

    // Stale again, and now MusicBrainz fails in every non-retried way: the stored copy wins.
    a.clock.advance(2 * HOUR_MS);
    for (const fault of ['status500', 'truncated', 'xml', 'slow'] as const) {
      fake.clear();
      fake.setFault('musicbrainz', MB.DARK_SIDE, fault);
      const details = await a.get(`/api/albums/${MB.DARK_SIDE}`);
      expect({ fault, ...outcome(details) }).toEqual({
        fault,
        status: 200,
        body: expectedDetails(fake, MB.DARK_SIDE, true),
      });
      const credits = await a.get(`/api/albums/${MB.DARK_SIDE}/credits`);
      expect({ fault, ...outcome(credits) }).toEqual({
        fault,
        status: 200,
        body: {
          artists: [
            {
              musicbrainz_id: MB_ARTIST.PINK_FLOYD,
              name: 'Pink Floyd',
              credited_name: 'Pink Floyd',
              sort_name: 'Pink Floyd',
              disambiguation: null,
              artist_type: 'Group',
              country: 'GB',
              join_phrase: null,
              order: 0,
            },
          ],
        },
      });
      // Each request tried MusicBrainz (failures are not cached), none reached the CAA.
      expect(lookups(MB.DARK_SIDE)).toHaveLength(2);
      expect(caa()).toHaveLength(0);
    }

    fake.clear();
    const recovered = await a.get(`/api/albums/${MB.DARK_SIDE}`);
    expect(outcome(recovered)).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.DARK_SIDE, false),
    });
    expect(lookups(MB.DARK_SIDE)).toHaveLength(1);
    expect(outcome(await a.health())).toEqual(HEALTHY);
  });

  it('an inconclusive cover check on refresh keeps the stored cover URL', async () => {
    const a = await app({ CATALOG_TTL: '1h' });
    const releaseArt = await a.get(`/api/albums/${MB.THREE_WAY}`);
    expect(releaseArt.body.cover_art_url).toBe(releaseCover(fake, MB.THREE_WAY));
    const groupArt = await a.get(`/api/albums/${MB.NO_ART_GROUP_ART}`);
    expect(groupArt.body.cover_art_url).toBe(releaseGroupCover(fake, MB.NO_ART_GROUP_ART_GROUP));

    a.clock.advance(2 * HOUR_MS); // past CATALOG_TTL and SEARCH_CACHE_TTL
    fake.clear();
    fake.setFault('coverart', MB.THREE_WAY, 'status503');
    fake.setFault('coverart', MB.NO_ART_GROUP_ART_GROUP, 'slow');
    const keptRelease = await a.get(`/api/albums/${MB.THREE_WAY}`);
    expect(outcome(keptRelease)).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.THREE_WAY, false),
    });
    const keptGroup = await a.get(`/api/albums/${MB.NO_ART_GROUP_ART}`);
    expect(outcome(keptGroup)).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.NO_ART_GROUP_ART, false),
    });
    expect(mb()).toHaveLength(2);
    // The slow group check is logged with the status it would have sent, after the timeout.
    expect(caa().map((r) => r.path)).toEqual([
      `/release/${MB.THREE_WAY}/front`,
      `/release-group/${MB_EXPECTED[MB.THREE_WAY].release_group_id}/front`,
      `/release/${MB.NO_ART_GROUP_ART}/front`,
      `/release-group/${MB.NO_ART_GROUP_ART_GROUP}/front`,
    ]);
    expect(statuses(caa()).slice(0, 3)).toEqual([503, 404, 404]);

    // The kept URLs are stored too.
    fake.clear();
    expect((await a.get(`/api/albums/${MB.THREE_WAY}`)).body).toEqual(
      expectedDetails(fake, MB.THREE_WAY, true),
    );
    expect((await a.get(`/api/albums/${MB.NO_ART_GROUP_ART}`)).body).toEqual(
      expectedDetails(fake, MB.NO_ART_GROUP_ART, true),
    );
    expect(fake.requests).toHaveLength(0);
  });
});

// -------------------------------------------------------------------------------------------------

describe('upstream failures (§7, upstream §3.7, §6)', () => {
  it('404 upstream → 404 "Album not found" on details and credits, never cached', async () => {
    const a = await app();
    for (const path of [`/api/albums/${MB.UNKNOWN}`, `/api/albums/${MB.UNKNOWN}/credits`]) {
      expect(outcome(await a.get(path))).toEqual({ status: 404, body: NOT_FOUND });
    }
    expect(outcome(await a.get(`/api/albums/${MB.UNKNOWN}`))).toEqual({
      status: 404,
      body: NOT_FOUND,
    });
    expect(statuses(lookups(MB.UNKNOWN))).toEqual([404, 404, 404]);
    expect(caa()).toHaveLength(0);
    expect(outcome(await a.health())).toEqual(HEALTHY);
  });

  it('MusicBrainz refusing our User-Agent (403) → 503, not retried, never 401/403', async () => {
    // Valid for our config (`Name/version ( contact )`), but a generic library name MusicBrainz blocks.
    const a = await app({
      MUSICBRAINZ_USER_AGENT: 'axios/1.7.9 ( albums-e2e@wrong-opinions.example )',
    });
    for (const path of [
      `/api/albums/${MB.DARK_SIDE}`,
      `/api/albums/${MB.DARK_SIDE}/credits`,
      '/api/albums/search?query=love',
    ]) {
      expect(outcome(await a.get(path))).toEqual({ status: 503, body: REFUSED });
    }
    expect(statuses(mb())).toEqual([403, 403, 403]);
    expect(caa()).toHaveLength(0);
    expect(outcome(await a.health())).toEqual(HEALTHY);
  });

  it('503 on every attempt → retried twice, then 503 "temporarily unavailable" with Retry-After', async () => {
    const a = await app();
    const res = await a.get(`/api/albums/${MB.FAULT_503}`);
    // The upstream sent no Retry-After, so N is 5.
    expect(outcome(res)).toEqual({
      status: 503,
      body: { detail: 'Album catalog temporarily unavailable; try again in 5 seconds' },
    });
    expect(res.headers['retry-after']).toBe('5');
    expect(statuses(lookups(MB.FAULT_503))).toEqual([503, 503, 503]);
    // Backoff about 1 s, then about 2 s (±20 %).
    const [first, second] = arrivalGaps(lookups(MB.FAULT_503));
    expect(first).toBeGreaterThanOrEqual(800);
    expect(second).toBeGreaterThanOrEqual(1600);
    expect(caa()).toHaveLength(0);
    expect(outcome(await a.health())).toEqual(HEALTHY);
  });

  it('a retry that would push the caller past MUSICBRAINZ_MAX_WAIT is not made (search 503)', async () => {
    const a = await app({ MUSICBRAINZ_MAX_WAIT: '1.5s' });
    const res = await a.get('/api/albums/search').query({ query: MB_SEARCH.FAULT_503 });
    expect(outcome(res)).toEqual({
      status: 503,
      body: { detail: 'Album catalog temporarily unavailable; try again in 5 seconds' },
    });
    expect(res.headers['retry-after']).toBe('5');
    // 1st retry after ~1 s fits in 1.5 s; the 2nd (after ~2 s more) would not.
    expect(statuses(searches())).toEqual([503, 503]);
    expect(outcome(await a.health())).toEqual(HEALTHY);
  });

  it('503 once with Retry-After: 1 → retried after the Retry-After → 200', async () => {
    const a = await app();
    const res = await a.get(`/api/albums/${MB.UNAVAILABLE_ONCE}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      musicbrainz_id: MB.UNAVAILABLE_ONCE,
      title: 'Second Try',
      artist: 'Fault Line',
      release_date: '2020-02-02',
      country: 'GB',
      status: 'Official',
      cached: false,
    });
    expect(statuses(lookups(MB.UNAVAILABLE_ONCE))).toEqual([503, 200]);
    expect(arrivalGaps(lookups(MB.UNAVAILABLE_ONCE))[0]).toBeGreaterThanOrEqual(950);
  });

  it.each([
    ['a slow answer (UPSTREAM_TIMEOUT) → 504', MB.SLOW, MB_SEARCH.SLOW, 504, TIMED_OUT],
    ['500 → 502', MB.FAULT_500, MB_SEARCH.FAULT_500, 502, INVALID],
    ['truncated JSON → 502', MB.TRUNCATED, MB_SEARCH.TRUNCATED, 502, INVALID],
    ['XML despite fmt=json → 502', MB.XML, MB_SEARCH.XML, 502, INVALID],
  ])(
    '%s on details, credits and search; not retried, never cached',
    async (_name, mbid, query, status, body) => {
      const a = await app();
      for (const path of [`/api/albums/${mbid}`, `/api/albums/${mbid}/credits`]) {
        expect(outcome(await a.get(path))).toEqual({ status, body });
      }
      const search = await a.get('/api/albums/search').query({ query });
      expect(outcome(search)).toEqual({ status, body });
      const again = await a.get('/api/albums/search').query({ query });
      expect(outcome(again)).toEqual({ status, body });
      // One attempt per request: details, credits, then two searches.
      expect(lookups(mbid)).toHaveLength(2);
      expect(searches()).toHaveLength(2);
      expect(caa()).toHaveLength(0);
      expect(outcome(await a.health())).toEqual(HEALTHY);
    },
  );

  it('a reset connection is retried, then 502 "could not be reached"', async () => {
    const a = await app();
    const res = await a.get(`/api/albums/${MB.RESET}`);
    expect(outcome(res)).toEqual({ status: 502, body: UNREACHABLE });
    expect(statuses(lookups(MB.RESET))).toEqual([0, 0, 0]);
    expect(outcome(await a.health())).toEqual(HEALTHY);
  });

  it('a reset search connection → 502 "could not be reached"', async () => {
    const a = await app({ MUSICBRAINZ_MAX_WAIT: '1.5s' });
    const res = await a.get('/api/albums/search').query({ query: MB_SEARCH.RESET });
    expect(outcome(res)).toEqual({ status: 502, body: UNREACHABLE });
    expect(statuses(searches())).toEqual([0, 0]);
    expect(outcome(await a.health())).toEqual(HEALTHY);
  });

  it('a refused connection → 502 "could not be reached"', async () => {
    const closed = await FakeUpstream.start();
    const url = closed.url;
    await closed.stop();
    const a = await app({ MUSICBRAINZ_BASE_URL: `${url}/mb/ws/2` });
    expect(outcome(await a.get(`/api/albums/${MB.DARK_SIDE}`))).toEqual({
      status: 502,
      body: UNREACHABLE,
    });
    expect(outcome(await a.health())).toEqual(HEALTHY);
  });

  it('a failure is never cached: once the upstream recovers, the next request fetches and stores', async () => {
    const a = await app();
    fake.setFault('musicbrainz', MB.THREE_WAY, 'status500');
    expect(outcome(await a.get(`/api/albums/${MB.THREE_WAY}`))).toEqual({
      status: 502,
      body: INVALID,
    });
    fake.setFault('musicbrainz', MB.THREE_WAY, null);
    expect(outcome(await a.get(`/api/albums/${MB.THREE_WAY}`))).toEqual({
      status: 200,
      body: expectedDetails(fake, MB.THREE_WAY, false),
    });
    expect(statuses(lookups(MB.THREE_WAY))).toEqual([500, 200]);
  });
});
