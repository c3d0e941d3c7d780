// Tests of the fake upstream itself: only what other tests rely on.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { DEFAULT_SETTINGS, FAKE_TMDB_KEY, FakeUpstream } from './fake-upstream.js';
import {
  LOVELORN_EXTRA_COUNT,
  MB,
  MB_ARTIST,
  MB_ARTIST_RELEASE_GROUPS,
  MB_SEARCH,
  LOVE_IDS,
  MB_RELEASES,
  PROLIFIC_COUNT,
} from './fixtures/musicbrainz.js';
import {
  TMDB,
  TMDB_MOVIES,
  TMDB_RECOMMENDATIONS,
  TMDB_SEARCH,
  TMDB_SEARCH_ROWS,
} from './fixtures/tmdb.js';
import { UUID_PATTERN } from './reply.js';

const UA = 'WrongOpinions/0.1.0 ( ops@wrong-opinions.example )';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Whatever JSON.parse gives, like supertest's `body`. */
  json: () => ReturnType<typeof JSON.parse>;
}

function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; agent?: Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: { 'user-agent': UA, ...options.headers },
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FakeUpstream', () => {
  let fake: FakeUpstream;
  // MusicBrainz calls go through this so tests do not trip the rate limit unless they mean to.
  const mb = (path: string, headers?: Record<string, string>) =>
    call(`${fake.url}/mb/ws/2${path}`, { headers });
  const tmdb = (path: string, headers?: Record<string, string>) =>
    call(`${fake.url}/tmdb/3${path}`, { headers });

  beforeAll(async () => {
    fake = await FakeUpstream.start();
  });
  beforeEach(() => {
    fake.clear();
    Object.assign(fake.settings, DEFAULT_SETTINGS, { enforceMusicBrainzRate: false });
  });
  afterAll(() => fake.stop());

  it('points env() at itself', () => {
    expect(fake.env()).toEqual({
      TMDB_BASE_URL: `${fake.url}/tmdb/3`,
      TMDB_API_KEY: FAKE_TMDB_KEY,
      TMDB_IMAGE_BASE_URL: 'https://image.tmdb.org/t/p',
      MUSICBRAINZ_BASE_URL: `${fake.url}/mb/ws/2`,
      COVERART_BASE_URL: `${fake.url}/caa`,
    });
  });

  it('TMDB accepts the key as api_key or as a Bearer token, and 401s anything else', async () => {
    const viaQuery = await tmdb(`/movie/${TMDB.INCEPTION}?language=en-US&api_key=${FAKE_TMDB_KEY}`);
    const viaHeader = await tmdb(`/movie/${TMDB.INCEPTION}/credits`, {
      authorization: `Bearer ${FAKE_TMDB_KEY}`,
    });
    expect([viaQuery.status, viaHeader.status]).toEqual([200, 200]);
    expect(viaQuery.json()).toMatchObject({ id: 27205, title: 'Inception', runtime: 148 });
    expect(
      viaHeader
        .json()
        .cast.map((c: { order: number }) => c.order)
        .slice(0, 3),
    ).toEqual([2, 0, 1]);

    for (const answer of [
      await tmdb(`/movie/${TMDB.INCEPTION}`),
      await tmdb(`/movie/${TMDB.INCEPTION}?api_key=wrong`),
      await tmdb('/search/movie?query=star', { authorization: 'Bearer wrong' }),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.json()).toEqual({
        success: false,
        status_code: 7,
        status_message: 'Invalid API key: You must be granted a valid key.',
      });
    }
  });

  it('TMDB appends the credits to the details on append_to_response=credits', async () => {
    const key = `api_key=${FAKE_TMDB_KEY}`;
    const plain = (await tmdb(`/movie/${TMDB.INCEPTION}?${key}`)).json();
    const credits = (await tmdb(`/movie/${TMDB.INCEPTION}/credits?${key}`)).json();
    const both = await tmdb(
      `/movie/${TMDB.INCEPTION}?language=en-US&append_to_response=videos,credits&${key}`,
    );
    expect(both.status).toBe(200);
    expect(both.json()).toEqual({ ...plain, credits: { cast: credits.cast, crew: credits.crew } });
    expect(plain).not.toHaveProperty('credits');
  });

  it('TMDB answers 404 status_code 34 for an unknown movie, on details and credits', async () => {
    for (const path of [`/movie/${TMDB.UNKNOWN}`, `/movie/${TMDB.UNKNOWN}/credits`]) {
      const answer = await tmdb(`${path}?api_key=${FAKE_TMDB_KEY}`);
      expect(answer.status).toBe(404);
      expect(answer.json()).toEqual({
        success: false,
        status_code: 34,
        status_message: 'The resource you requested could not be found.',
      });
    }
  });

  it('TMDB search pages by 20, refuses pages outside 1–500 and says 1 page when empty', async () => {
    const key = `api_key=${FAKE_TMDB_KEY}`;
    const page1 = (await tmdb(`/search/movie?query=${TMDB_SEARCH.STAR}&page=1&${key}`)).json();
    const page2 = (await tmdb(`/search/movie?query=${TMDB_SEARCH.STAR}&page=2&${key}`)).json();
    expect(page1).toMatchObject({ page: 1, total_results: 28, total_pages: 2 });
    expect(page1.results).toHaveLength(20);
    expect(page2.results).toHaveLength(8);
    const ids = page1.results.map((r: { id: number }) => r.id);
    expect(ids.filter((id: number) => id === TMDB_SEARCH.STAR_DUPLICATE_ID)).toHaveLength(2);
    expect(
      page1.results.find((r: { id: number }) => r.id === TMDB_SEARCH.STAR_UNTITLED_ID),
    ).not.toHaveProperty('title');
    expect(page1.results[0]).not.toHaveProperty('runtime');
    expect(page1.results[0]).toHaveProperty('genre_ids');

    const year = (
      await tmdb(`/search/movie?query=star&year=${TMDB_SEARCH.STAR_YEAR}&${key}`)
    ).json();
    expect(year.results.map((r: { id: number }) => r.id)).toEqual([
      910001, 910003, 910003, 910007, 910019,
    ]);
    expect(
      (await tmdb(`/search/movie?query=${TMDB_SEARCH.AMELIE}&${key}`)).json().results[0].title,
    ).toBe('Amélie');

    const none = (
      await tmdb(`/search/movie?query=${encodeURIComponent(TMDB_SEARCH.NONE)}&${key}`)
    ).json();
    expect(none).toEqual({ page: 1, results: [], total_pages: 1, total_results: 0 });
    for (const page of ['0', '501', 'x']) {
      const answer = await tmdb(`/search/movie?query=star&page=${page}&${key}`);
      expect(answer.status).toBe(400);
      expect(answer.json().status_code).toBe(22);
    }
  });

  it('TMDB fault fixtures: 429 once then 200 (per route), truncated JSON, 500 JSON', async () => {
    const key = `api_key=${FAKE_TMDB_KEY}`;
    const first = await tmdb(`/movie/${TMDB.RATE_LIMITED_ONCE}?${key}`);
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('1');
    expect(first.json()).toMatchObject({ success: false, status_code: 25 });
    expect((await tmdb(`/movie/${TMDB.RATE_LIMITED_ONCE}?${key}`)).status).toBe(200);
    expect((await tmdb(`/movie/${TMDB.RATE_LIMITED_ONCE}/credits?${key}`)).status).toBe(429);
    fake.clear();
    expect((await tmdb(`/movie/${TMDB.RATE_LIMITED_ONCE}?${key}`)).status).toBe(429);

    const always = await tmdb(`/movie/${TMDB.RATE_LIMITED_ALWAYS}/credits?${key}`);
    expect([always.status, always.headers['retry-after']]).toEqual([429, '2']);

    const truncated = await tmdb(`/movie/${TMDB.TRUNCATED}?${key}`);
    expect(truncated.status).toBe(200);
    expect(truncated.headers['content-type']).toMatch(/^application\/json/);
    expect(() => truncated.json()).toThrow(SyntaxError);

    const failed = await tmdb(`/movie/${TMDB.FAULT_500}/credits?${key}`);
    expect(failed.status).toBe(500);
    expect(failed.json()).toMatchObject({ success: false, status_code: 11 });
    expect((await tmdb(`/search/movie?query=fault500&${key}`)).status).toBe(500);
  });

  it('TMDB recommendations: the first page in the search-entry shape, overlapping, empty, 404, faults', async () => {
    const key = `api_key=${FAKE_TMDB_KEY}`;
    const recommendations = (id: number) =>
      tmdb(`/movie/${id}/recommendations?language=en-US&page=1&${key}`);
    const inception = await recommendations(TMDB.INCEPTION);
    expect(inception.status).toBe(200);
    const body = inception.json();
    expect(body).toMatchObject({ page: 1, total_pages: 1, total_results: 5 });
    expect(body.results.map((entry: { id: number }) => entry.id)).toEqual(
      TMDB_RECOMMENDATIONS.get(TMDB.INCEPTION),
    );
    expect(body.results[0]).toEqual({
      adult: false,
      backdrop_path: expect.any(String),
      genre_ids: expect.any(Array),
      id: TMDB.EXISTENZ,
      media_type: 'movie',
      original_language: expect.any(String),
      original_title: expect.any(String),
      overview: expect.any(String),
      popularity: expect.any(Number),
      poster_path: expect.any(String),
      release_date: expect.any(String),
      title: 'eXistenZ',
      video: false,
      vote_average: expect.any(Number),
      vote_count: expect.any(Number),
    });
    // Lists overlap, and name movies that are seeds themselves.
    const existenz = TMDB_RECOMMENDATIONS.get(TMDB.EXISTENZ)!;
    expect(existenz).toContain(TMDB.INCEPTION);
    expect(existenz.filter((id) => TMDB_RECOMMENDATIONS.get(TMDB.INCEPTION)!.includes(id))).toEqual(
      [TMDB.REC],
    );
    for (const lists of TMDB_RECOMMENDATIONS.values()) {
      for (const id of lists) expect(TMDB_MOVIES.has(id)).toBe(true);
    }

    expect((await recommendations(TMDB.REC)).json()).toEqual({
      page: 1,
      results: [],
      total_pages: 0,
      total_results: 0,
    });
    const unknown = await recommendations(TMDB.UNKNOWN);
    expect([unknown.status, unknown.json().status_code]).toEqual([404, 34]);
    expect((await recommendations(TMDB.FAULT_500)).status).toBe(500);
    expect((await recommendations(TMDB.RATE_LIMITED_ONCE)).status).toBe(429);
    expect((await recommendations(TMDB.RATE_LIMITED_ONCE)).status).toBe(200);
  });

  it('MusicBrainz browses release groups by artist: pages of at most 100 by offset, type filter, credits with inc', async () => {
    const browse = (artist: string, query = '') =>
      mb(`/release-group?artist=${artist}&fmt=json${query}`);
    const floyd = await browse(MB_ARTIST.PINK_FLOYD, '&inc=artist-credits');
    expect(floyd.status).toBe(200);
    const all = floyd.json();
    const titles = all['release-groups'].map((group: { title: string }) => group.title);
    expect(titles).toEqual(expect.arrayContaining(['The Dark Side of the Moon', 'Pulse', 'Money']));
    expect(all['release-group-count']).toBe(all['release-groups'].length);
    expect(all['release-group-offset']).toBe(0);
    const pulse = all['release-groups'].find((group: { title: string }) => group.title === 'Pulse');
    expect(pulse).toMatchObject({
      'primary-type': 'Album',
      'secondary-types': ['Live'],
      'first-release-date': '1995-05-29',
      'artist-credit': [
        { name: 'Pink Floyd', joinphrase: '', artist: { id: MB_ARTIST.PINK_FLOYD } },
      ],
    });
    // type=album keeps primary type Album (compilations and live albums too), not singles.
    const albums = (await browse(MB_ARTIST.PINK_FLOYD, '&type=album')).json();
    const albumTitles = albums['release-groups'].map((group: { title: string }) => group.title);
    expect(albumTitles).toEqual(
      expect.arrayContaining(['Pulse', 'Echoes: The Best of Pink Floyd']),
    );
    expect(albumTitles).not.toContain('Money');
    expect(albums['release-groups'][0]['artist-credit']).toBeUndefined();
    // Watch the Throne is in both Jay-Z's and Kanye West's lists.
    const throne = (artist: string) =>
      MB_ARTIST_RELEASE_GROUPS.get(artist)!.some((group) => group.title === 'Watch the Throne');
    expect([throne(MB_ARTIST.JAY_Z), throne(MB_ARTIST.KANYE_WEST)]).toEqual([true, true]);

    // The Lovelorn: more than 100 albums, 3 pages that never overlap.
    const pages = [];
    for (const offset of [0, 100, 200]) {
      pages.push(
        (await browse(MB_ARTIST.THE_LOVELORN, `&type=album&limit=100&offset=${offset}`)).json(),
      );
    }
    const count = pages[0]['release-group-count'];
    expect(count).toBeGreaterThan(200);
    expect(count).toBeLessThan(LOVELORN_EXTRA_COUNT + 10);
    expect(pages.map((page) => page['release-groups'].length)).toEqual([100, 100, count - 200]);
    const ids = pages.flatMap((page) =>
      page['release-groups'].map((group: { id: string }) => group.id),
    );
    expect(new Set(ids).size).toBe(count);
    expect(
      (await browse(MB_ARTIST.THE_LOVELORN, '&limit=500')).json()['release-groups'],
    ).toHaveLength(100);
    expect((await browse(MB_ARTIST.PROLIFIC)).json()['release-group-count']).toBe(PROLIFIC_COUNT);

    const unknown = await browse(MB_ARTIST.UNKNOWN);
    expect([unknown.status, unknown.json()]).toEqual([404, { error: 'Not Found' }]);
    expect((await browse('not-a-uuid')).status).toBe(400);
    fake.setFault('musicbrainz', MB_ARTIST.FAULT_LINE, 'status500');
    expect((await browse(MB_ARTIST.FAULT_LINE)).status).toBe(500);
  });

  it('MusicBrainz enforces the gap between requests; cover art does not count', async () => {
    fake.settings.enforceMusicBrainzRate = true;
    fake.settings.musicbrainzMinGapMs = 300; // 250 ms after the tolerance
    const lookup = `/release/${MB.DARK_SIDE}?inc=artist-credits+release-groups&fmt=json`;

    expect((await mb(lookup)).status).toBe(200);
    const tooSoon = await mb(lookup);
    expect(tooSoon.status).toBe(503);
    expect(tooSoon.headers['retry-after']).toBe('1');
    expect(tooSoon.json().error).toMatch(/^Your requests are exceeding the allowable rate limit/);

    await sleep(300);
    // Cover Art Archive requests in between leave the MusicBrainz clock alone.
    expect(
      (await call(`${fake.url}/caa/release/${MB.DARK_SIDE}/front`, { method: 'HEAD' })).status,
    ).toBe(307);
    expect((await mb(lookup)).status).toBe(200);

    const statuses = fake.requestsTo('musicbrainz').map((r) => r.status);
    expect(statuses).toEqual([200, 503, 200]); // the rejected request is logged too
  });

  it('MusicBrainz refuses a missing or generic User-Agent with 403', async () => {
    for (const agent of [
      '',
      'node',
      'axios/1.7.9',
      'undici',
      'node-fetch/1.0',
      'python-httpx/0.27.0',
      'python-requests/2.32.3',
    ]) {
      const answer = await mb(`/release/${MB.DARK_SIDE}?fmt=json`, { 'user-agent': agent });
      expect(answer.status).toBe(403);
      expect(Object.keys(answer.json()).sort()).toEqual(['error', 'help']);
    }
  });

  it('MusicBrainz answers XML without fmt=json, JSON with fmt=json or Accept', async () => {
    const xml = await mb(`/release/${MB.DARK_SIDE}`);
    expect(xml.status).toBe(200);
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    expect(xml.text).toMatch(/^<\?xml version="1\.0"[^>]*\?>\s*<metadata /);
    const viaAccept = await mb(`/release/${MB.DARK_SIDE}`, { accept: 'application/json' });
    expect(viaAccept.json().id).toBe(MB.DARK_SIDE);
  });

  it('MusicBrainz lookups: inc, lookup-shape credits, merged ids, 400 and 404 bodies', async () => {
    const bare = (await mb(`/release/${MB.JAY_KANYE}?fmt=json`)).json();
    expect(bare).not.toHaveProperty('artist-credit');
    expect(bare).not.toHaveProperty('release-group');

    const full = (
      await mb(`/release/${MB.JAY_KANYE}?inc=artist-credits%2Brelease-groups&fmt=json`)
    ).json();
    expect(full['release-group'].id).toEqual(expect.stringMatching(UUID_PATTERN));
    expect(full['artist-credit']).toEqual([
      expect.objectContaining({
        name: 'Jay-Z',
        joinphrase: ' & ',
        artist: expect.objectContaining({ name: 'JAY‐Z', type: 'Person', country: 'US' }),
      }),
      expect.objectContaining({
        name: 'Kanye West',
        joinphrase: '',
        artist: expect.objectContaining({ disambiguation: '' }),
      }),
    ]);

    const merged = (
      await mb(`/release/${MB.MERGED_OLD}?inc=artist-credits+release-groups&fmt=json`)
    ).json();
    expect(merged.id).toBe(MB.MERGED_NEW);

    const bad = await mb('/release/not-a-uuid?fmt=json');
    expect([bad.status, bad.json()]).toEqual([400, { error: 'Invalid mbid.' }]);
    const unknown = await mb(`/release/${MB.UNKNOWN}?fmt=json`);
    expect([unknown.status, unknown.json()]).toEqual([404, { error: 'Not Found' }]);
    const truncated = await mb(`/release/${MB.TRUNCATED}?fmt=json`);
    expect(truncated.status).toBe(200);
    expect(() => truncated.json()).toThrow(SyntaxError);
  });

  it('MusicBrainz search: stable paging, search-shape omissions, limit clamp, 400s', async () => {
    const page = async (query: string, params: string) =>
      (await mb(`/release?query=${encodeURIComponent(query)}&${params}&fmt=json`)).json();
    const first = await page(MB_SEARCH.LOVE, 'limit=25&offset=0');
    const second = await page(MB_SEARCH.LOVE, 'limit=25&offset=25');
    expect([first.count, first.offset, second.offset]).toEqual([30, 0, 25]);
    const ids = [...first.releases, ...second.releases].map((r: { id: string }) => r.id);
    expect(ids).toEqual(LOVE_IDS);
    expect((await page(MB_SEARCH.LOVE, 'limit=500')).releases).toHaveLength(30);

    const floyd = await page(MB_SEARCH.PINK_FLOYD, 'limit=25');
    expect(floyd.count).toBe(MB_SEARCH.PINK_FLOYD_COUNT);
    expect(floyd.releases.map((r: { score: number }) => r.score)).toEqual([100, 98, 96, 94, 92]);
    expect(floyd.releases[0].id).toBe(floyd.releases[1].id);
    expect(floyd.releases[4]).not.toHaveProperty('title');
    expect(floyd.releases[0]['artist-credit'][0]).not.toHaveProperty('joinphrase');
    expect(floyd.releases[0]['artist-credit'][0].artist).not.toHaveProperty('type');

    const undated = await page('undated tapes', 'limit=5');
    expect(undated.releases[0]).not.toHaveProperty('date');
    expect(undated.releases[0]).not.toHaveProperty('country');
    expect(
      (await page(MB_SEARCH.FIELDED, 'limit=5')).releases.map((r: { id: string }) => r.id),
    ).toEqual([MB.MERGED_NEW]);

    for (const query of ['', ...MB_SEARCH.UNPARSEABLE]) {
      const answer = await mb(`/release?query=${encodeURIComponent(query)}&fmt=json`);
      expect(answer.status).toBe(400);
      expect(answer.json()).toHaveProperty('error');
    }
  });

  it('Cover Art Archive: 307 to archive.org, 200 image/jpeg, 404 text, 400 non-UUID (HEAD and GET)', async () => {
    const caa = (path: string, method = 'HEAD') => call(`${fake.url}/caa${path}`, { method });
    const redirect = await caa(`/release/${MB.DARK_SIDE}/front`);
    expect(redirect.status).toBe(307);
    expect(redirect.headers.location).toMatch(/^http:\/\/archive\.org\/.*\.jpg$/);
    const direct = await caa(`/release/${MB.JAY_KANYE}/front`, 'GET');
    expect([direct.status, direct.headers['content-type']]).toEqual([200, 'image/jpeg']);
    expect((await caa(`/release/${MB.NO_ART_GROUP_ART}/front`)).status).toBe(404);
    expect((await caa(`/release-group/${MB.NO_ART_GROUP_ART_GROUP}/front`)).status).toBe(307);
    const none = await caa(`/release/${MB.NO_ART_AT_ALL}/front`, 'GET');
    expect([none.status, none.headers['content-type']]).toEqual([404, 'text/plain; charset=utf-8']);
    expect((await caa('/release/not-a-uuid/front')).status).toBe(400);
  });

  it('logs every request with its fields', async () => {
    const before = Math.round(performance.now() * 10) / 10;
    await tmdb(`/movie/${TMDB.INCEPTION}?language=en-US&api_key=${FAKE_TMDB_KEY}`, {
      'X-Trace': 'abc',
    });
    await mb(`/release/${MB.DARK_SIDE}?inc=artist-credits+release-groups&fmt=json`);
    const [movie, album] = fake.requests;
    expect(movie).toMatchObject({
      upstream: 'tmdb',
      method: 'GET',
      path: '/movie/27205',
      query: { language: 'en-US', api_key: FAKE_TMDB_KEY },
      status: 200,
    });
    expect(movie.headers['x-trace']).toBe('abc');
    expect(movie.headers['user-agent']).toBe(UA);
    expect(movie.startedAt).toBeGreaterThanOrEqual(before);
    expect(Math.round(movie.startedAt * 10)).toBeCloseTo(movie.startedAt * 10, 6);
    expect(album).toMatchObject({ upstream: 'musicbrainz', path: `/release/${MB.DARK_SIDE}` });
    expect(album.query.inc).toBe('artist-credits release-groups'); // decoded "+"
    expect(album.url).toContain('inc=artist-credits+release-groups');
    expect(fake.requestsTo('coverart')).toEqual([]);
  });

  it('adds settings.latencyMs to every answer', async () => {
    fake.settings.latencyMs = 150;
    const started = performance.now();
    await call(`${fake.url}/caa/release/${MB.UNKNOWN}/front`, { method: 'HEAD' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('setFault switches a fault per fixture id until switched off or cleared', async () => {
    const key = `api_key=${FAKE_TMDB_KEY}`;
    fake.setFault('tmdb', TMDB.INCEPTION, 'status503');
    const down = await tmdb(`/movie/${TMDB.INCEPTION}?${key}`);
    expect([down.status, down.json().status_code]).toEqual([503, 9]);
    fake.setFault('tmdb', TMDB.INCEPTION, null);
    expect((await tmdb(`/movie/${TMDB.INCEPTION}?${key}`)).status).toBe(200);

    fake.settings.slowMs = 200;
    fake.setFault('coverart', MB.DARK_SIDE, 'slow');
    const started = performance.now();
    expect(
      (await call(`${fake.url}/caa/release/${MB.DARK_SIDE}/front`, { method: 'HEAD' })).status,
    ).toBe(307);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);

    fake.setFault('musicbrainz', MB.DARK_SIDE, 'reset');
    await expect(mb(`/release/${MB.DARK_SIDE}?fmt=json`)).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect(fake.requests.at(-1)?.status).toBe(0);

    fake.clear();
    expect(fake.requests).toEqual([]);
    expect((await mb(`/release/${MB.DARK_SIDE}?fmt=json`)).status).toBe(200);
  });

  it('fixtures: MBIDs are lowercase UUIDs, every TMDB search row has details unless title-less', () => {
    for (const { release } of MB_RELEASES) {
      const ids = [
        release.id,
        release['release-group'].id,
        ...release['artist-credit'].flatMap((c) => c.artist.id ?? []),
      ];
      for (const id of ids)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    for (const id of Object.values(MB)) expect(id).toMatch(UUID_PATTERN);
    expect(TMDB_MOVIES.size).toBeGreaterThanOrEqual(6 + 26);
    const titled = TMDB_SEARCH_ROWS.filter((row) => row.title !== undefined);
    expect(titled.every((row) => TMDB_MOVIES.has(row.id))).toBe(true);
  });
});

describe('FakeUpstream.stop', () => {
  it('closes keep-alive sockets and drops pending slow answers', async () => {
    const fake = await FakeUpstream.start({ slowMs: 60_000 });
    const agent = new Agent({ keepAlive: true });
    try {
      await call(`${fake.url}/caa/release/${MB.DARK_SIDE}/front`, { agent });
      const idle = Object.values(agent.freeSockets).flat();
      expect(idle).toHaveLength(1);
      const closed = new Promise((resolve) => idle[0]!.once('close', resolve));
      const pending = call(`${fake.url}/tmdb/3/movie/${TMDB.SLOW}?api_key=${FAKE_TMDB_KEY}`).catch(
        (error: Error) => error.message,
      );

      await sleep(50);
      const started = performance.now();
      await fake.stop();
      await closed;
      expect(await pending).toMatch(/socket hang up|ECONNRESET/);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      agent.destroy();
    }
  });
});
