// The movie catalog end to end: contract §7 and §8, upstream.md §1, §2, §5 and §6. The app runs in
// full on in-memory SQLite; TMDB is the shared fake upstream on loopback (plus a small scripted
// upstream for replies the fake has no fixture for). The clock is injected, so TTLs never sleep;
// only the retry waits of upstream.md §1 take real time.
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { MovieCast } from '../src/movies/entities/movie-cast.entity.js';
import { MovieCrew } from '../src/movies/entities/movie-crew.entity.js';
import { Movie } from '../src/movies/entities/movie.entity.js';
import { Person } from '../src/movies/entities/person.entity.js';
import { FakeUpstream, type RecordedRequest } from './fake-upstream/fake-upstream.js';
import {
  FAKE_TMDB_KEY,
  FAKE_TMDB_READ_TOKEN,
  INCEPTION_EXPECTED,
  TMDB,
  TMDB_MOVIES,
  TMDB_SEARCH,
} from './fake-upstream/fixtures/tmdb.js';
import { expectValidationError } from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import {
  closedPort,
  expectHealthy,
  reply,
  ScriptedUpstream,
  startCatalogApp,
  type CatalogApp,
  type ScriptedCall,
  type ScriptedReply,
} from './support/catalog-helpers.js';

/** Not the default, so every URL checked below proves it was built from TMDB_IMAGE_BASE_URL. */
const IMG = 'https://images.example.test/tmdb';
const USER_AGENT = 'WrongOpinions/0.1.0 ( movies-e2e@wrong-opinions.example )';
const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
/** Ids the fake upstream does not know (404 status_code 34), other than TMDB.UNKNOWN. */
const UNKNOWN_STORED = 999999902;

const DETAIL = {
  notFound: 'Movie not found',
  notConfigured: 'Movie search unavailable: TMDB_API_KEY is not configured',
  rejected: 'Movie catalog unavailable: TMDB rejected the configured API key',
  busy: (seconds: number) =>
    `Movie catalog temporarily unavailable; try again in ${seconds} seconds`,
  timeout: 'Movie catalog did not respond in time',
  unreachable: 'Movie catalog could not be reached',
  invalid: 'Movie catalog sent an invalid response',
};

/**
 * Env shared by every app here. `UPSTREAM_TIMEOUT` is well below the fake's slow answers (3 s),
 * yet roomy enough that a loaded machine does not turn an ordinary answer into a timeout.
 */
function movieEnv(fake: FakeUpstream, extra: Record<string, string | undefined> = {}) {
  return {
    ...fake.env(),
    TMDB_IMAGE_BASE_URL: IMG,
    MUSICBRAINZ_USER_AGENT: USER_AGENT,
    UPSTREAM_TIMEOUT: '1s',
    ...extra,
  };
}

const img = (size: string, path: string | null) => (path === null ? null : `${IMG}/${size}${path}`);

/** A search entry as contract §8.1 maps it, computed from the fake's own fixture. */
function searchItem(tmdbId: number) {
  const d = TMDB_MOVIES.get(tmdbId)!.details;
  return {
    tmdb_id: d.id,
    title: d.title,
    original_title: d.original_title === '' ? null : d.original_title,
    release_date: d.release_date === '' ? null : d.release_date,
    poster_url: img('w500', d.poster_path),
    overview: d.overview === '' ? null : d.overview,
    vote_average: d.vote_average,
  };
}

const range = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, i) => first + i);

const ids = (body: { results: { tmdb_id: number }[] }) => body.results.map((r) => r.tmdb_id);

/** What the fake saw, reduced to what the assertions compare. */
const seen = (requests: RecordedRequest[]) =>
  requests.map((r) => ({ path: r.path, status: r.status }));

/** Gaps in ms between consecutive arrivals at the fake. */
const gaps = (requests: RecordedRequest[]) =>
  requests.slice(1).map((r, i) => r.startedAt - requests[i].startedAt);

const INCEPTION_DETAILS = {
  tmdb_id: 27205,
  title: 'Inception',
  original_title: 'Inception',
  release_date: '2010-07-16',
  poster_url: `${IMG}/w500/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg`,
  backdrop_url: `${IMG}/w1280/s3TBrRGB1iav7gFOCNx3H31MoES.jpg`,
  overview: TMDB_MOVIES.get(TMDB.INCEPTION)!.details.overview,
  runtime: 148,
  vote_average: 8.4,
  vote_count: 35000,
  tagline: 'Your mind is the scene of the crime.',
  status: 'Released',
  imdb_id: 'tt1375666',
  genres: [
    { id: 28, name: 'Action' },
    { id: 878, name: 'Science Fiction' },
  ],
};

const INCEPTION_CAST = [
  {
    tmdb_id: 6193,
    name: 'Leonardo DiCaprio',
    character: 'Dom Cobb',
    order: 0,
    profile_url: `${IMG}/w185/wo2hJpn04vbtmh0B9utCFdsQhxM.jpg`,
  },
  {
    tmdb_id: 24045,
    name: 'Joseph Gordon-Levitt',
    character: 'Arthur',
    order: 1,
    profile_url: `${IMG}/w185/z2FA8js799xqtfiFjBTicFYdfk.jpg`,
  },
  {
    tmdb_id: 27578,
    name: 'Elliot Page',
    character: 'Ariadne',
    order: 2,
    profile_url: `${IMG}/w185/eCeFgzS8dYHnMfWQT0oQitCrsSz.jpg`,
  },
  {
    tmdb_id: 2524,
    name: 'Tom Hardy',
    character: 'Eames',
    order: 3,
    profile_url: `${IMG}/w185/d81K0RH8UX7tZj49tZaQhZ9ewH.jpg`,
  },
  {
    tmdb_id: 3899,
    name: 'Ken Watanabe',
    character: 'Saito',
    order: 3,
    profile_url: `${IMG}/w185/w2t30L5Cmr34myAaUobLoSgsLfS.jpg`,
  },
  {
    tmdb_id: 2037,
    name: 'Cillian Murphy',
    character: 'Robert Fischer',
    order: 5,
    profile_url: `${IMG}/w185/llkbyWKwpfowZ6C8peBjIV9jj99.jpg`,
  },
  { tmdb_id: 8293, name: 'Marion Cotillard', character: 'Mal', order: 6, profile_url: null },
  {
    tmdb_id: 3895,
    name: 'Michael Caine',
    character: 'Professor Miles',
    order: 7,
    profile_url: `${IMG}/w185/bVZRMlpjTAO2pJK6v90buFgVbSW.jpg`,
  },
  { tmdb_id: 1256603, name: 'Jill Maddrell', character: null, order: 8, profile_url: null },
];

const NOLAN_PROFILE = `${IMG}/w185/xuAIuYSmsUzKlUMBFGVZaWsY3DZ.jpg`;
const INCEPTION_CREW = [
  {
    tmdb_id: 525,
    name: 'Christopher Nolan',
    department: 'Directing',
    job: 'Director',
    profile_url: NOLAN_PROFILE,
  },
  {
    tmdb_id: 525,
    name: 'Christopher Nolan',
    department: 'Writing',
    job: 'Screenplay',
    profile_url: NOLAN_PROFILE,
  },
  {
    tmdb_id: 556,
    name: 'Emma Thomas',
    department: 'Production',
    job: 'Producer',
    profile_url: `${IMG}/w185/cUqBpdLXNs4pdg6yTmMmBaUGWWl.jpg`,
  },
  {
    tmdb_id: 559,
    name: 'Wally Pfister',
    department: 'Camera',
    job: 'Director of Photography',
    profile_url: null,
  },
  {
    tmdb_id: 947,
    name: 'Hans Zimmer',
    department: 'Sound',
    job: 'Original Music Composer',
    profile_url: `${IMG}/w185/tpQnDeHY15szIXvpnhlprufz4d.jpg`,
  },
];

interface StoredCastRow {
  tmdbId: number;
  name: string;
  profilePath: string | null;
  character: string | null;
  billingOrder: number;
  listIndex: number;
}

interface StoredCrewRow {
  tmdbId: number;
  name: string;
  profilePath: string | null;
  department: string | null;
  job: string;
  listIndex: number;
}

/** Writes a movie (and optionally its credits) straight into storage, as if fetched at `fetchedAt`. */
async function storeMovie(
  dataSource: DataSource,
  movie: Partial<Movie> & Pick<Movie, 'tmdbId' | 'title'>,
  credits?: { cast: StoredCastRow[]; crew: StoredCrewRow[]; fetchedAt: Date },
): Promise<Movie> {
  const saved = await dataSource.getRepository(Movie).save({
    sortTitle: movie.title.toLowerCase(),
    originalTitle: null,
    releaseDate: null,
    posterPath: null,
    backdropPath: null,
    overview: null,
    runtime: null,
    voteAverage: 0,
    voteCount: 0,
    tagline: null,
    status: null,
    imdbId: null,
    genres: [],
    cachedAt: new Date('2020-01-01T00:00:00.000Z'),
    creditsCachedAt: credits?.fetchedAt ?? null,
    ...movie,
  });
  if (!credits) return saved;
  const people = dataSource.getRepository(Person);
  const personId = async (row: { tmdbId: number; name: string; profilePath: string | null }) => {
    const existing = await people.findOneBy({ tmdbId: row.tmdbId });
    if (existing) return existing.id;
    const person = await people.save({
      tmdbId: row.tmdbId,
      name: row.name,
      profilePath: row.profilePath,
      updatedAt: credits.fetchedAt,
    });
    return person.id;
  };
  for (const row of credits.cast) {
    await dataSource.getRepository(MovieCast).save({
      movieId: saved.id,
      personId: await personId(row),
      character: row.character,
      billingOrder: row.billingOrder,
      listIndex: row.listIndex,
    });
  }
  for (const row of credits.crew) {
    await dataSource.getRepository(MovieCrew).save({
      movieId: saved.id,
      personId: await personId(row),
      department: row.department,
      job: row.job,
      listIndex: row.listIndex,
    });
  }
  return saved;
}

describe('Movies (e2e)', () => {
  let fake: FakeUpstream;
  let clock: FakeClock;
  let api: CatalogApp;
  const tmdbCalls = () => fake.requestsTo('tmdb');

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    clock = new FakeClock();
    api = await startCatalogApp({
      env: movieEnv(fake, { CATALOG_TTL: '1h', SEARCH_CACHE_TTL: '10m' }),
      clock,
    });
  });

  beforeEach(() => {
    fake.clear();
    fake.settings.latencyMs = 0;
  });

  afterAll(async () => {
    await api?.close();
    await fake?.stop();
  });

  describe('GET /api/movies/search: mapping', () => {
    it('keeps TMDB order, drops the repeated and the untitled entry, and passes the envelope through', async () => {
      const res = await api.get(`/api/movies/search?query=${TMDB_SEARCH.STAR}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual([
        'page',
        'results',
        'total_pages',
        'total_results',
      ]);
      expect({ ...res.body, results: undefined }).toEqual({
        page: 1,
        total_pages: TMDB_SEARCH.STAR_TOTAL_PAGES,
        total_results: TMDB_SEARCH.STAR_TOTAL_RESULTS,
        results: undefined,
      });
      expect(ids(res.body)).toEqual(range(910001, 910018));
      expect(ids(res.body)).not.toContain(TMDB_SEARCH.STAR_UNTITLED_ID);
      expect(res.body.results).toEqual(range(910001, 910018).map(searchItem));
      // One literal entry, so the expectation does not only mirror the fixture.
      expect(res.body.results[0]).toEqual({
        tmdb_id: 910001,
        title: 'Star Harbor',
        original_title: 'Star Harbor',
        release_date: '1999-05-19',
        poster_url: `${IMG}/w500/star910001.jpg`,
        overview: 'Star Harbor: one of the star catalog films.',
        vote_average: 7.1,
      });
    });

    it('maps TMDB\'s "empty" values: "" and null to null, unknown vote_average to the integer 0', async () => {
      const res = await api.get('/api/movies/search?query=star');
      expect(res.status).toBe(200);
      const byId = new Map(res.body.results.map((r: { tmdb_id: number }) => [r.tmdb_id, r]));
      expect(byId.get(910004)).toEqual({
        tmdb_id: 910004,
        title: 'The Star Cartographers',
        original_title: 'The Star Cartographers',
        release_date: null,
        poster_url: null,
        overview: null,
        vote_average: 0,
      });
      expect(byId.get(910005)).toMatchObject({ poster_url: null, release_date: '1983-08-05' });
      expect(byId.get(910006)).toMatchObject({ vote_average: 0 });
      // On the wire, an integer 0 (the SPA compares with ===).
      const raw = /\{[^{}]*"tmdb_id":910004[^{}]*\}/.exec(res.text)?.[0] ?? '';
      expect(raw).toMatch(/"vote_average":0[,}]/);
    });

    it('forwards the page and serves the last page', async () => {
      const res = await api.get('/api/movies/search?query=star&page=2');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        page: 2,
        total_pages: 2,
        total_results: 28,
        results: range(910019, 910026).map(searchItem),
      });
      expect(tmdbCalls().map((r) => r.query.page)).toEqual(['2']);
    });

    it('forwards year only when given (an empty year= counts as absent)', async () => {
      const withYear = await api.get(`/api/movies/search?query=star&year=${TMDB_SEARCH.STAR_YEAR}`);
      expect(withYear.status).toBe(200);
      expect(withYear.body).toEqual({
        page: 1,
        total_pages: 1,
        total_results: 5,
        results: [910001, 910003, 910007, 910019].map(searchItem),
      });
      const noYear = await api.get('/api/movies/search?query=starfall&year=');
      expect(noYear.status).toBe(200);
      expect(ids(noYear.body)).toEqual([910002]);
      expect(tmdbCalls().map((r) => r.query)).toEqual([
        {
          query: 'star',
          page: '1',
          include_adult: 'false',
          language: 'en-US',
          year: '1999',
          api_key: FAKE_TMDB_KEY,
        },
        {
          query: 'starfall',
          page: '1',
          include_adult: 'false',
          language: 'en-US',
          api_key: FAKE_TMDB_KEY,
        },
      ]);
    });

    it('sends the trimmed query, include_adult=false, language=en-US and our headers', async () => {
      const res = await api.get(`/api/movies/search?query=${encodeURIComponent('  amelie \t')}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        page: 1,
        total_pages: 1,
        total_results: 1,
        results: [searchItem(TMDB.AMELIE)],
      });
      const calls = tmdbCalls();
      expect(calls).toHaveLength(1);
      expect(calls[0].method).toBe('GET');
      expect(calls[0].path).toBe('/search/movie');
      expect(calls[0].query).toEqual({
        query: 'amelie',
        page: '1',
        include_adult: 'false',
        language: 'en-US',
        api_key: FAKE_TMDB_KEY,
      });
      expect(calls[0].headers.accept).toBe('application/json');
      expect(calls[0].headers['user-agent']).toBe(USER_AGENT);
      expect(calls[0].headers.authorization).toBeUndefined();
    });

    it("answers a search with no results with TMDB's one empty page", async () => {
      const res = await api.get(`/api/movies/search?query=${encodeURIComponent(TMDB_SEARCH.NONE)}`);
      expect(reply(res)).toEqual({
        status: 200,
        body: { page: 1, total_pages: 1, total_results: 0, results: [] },
        headers: {},
      });
    });
  });

  describe('GET /api/movies/{tmdb_id}: mapping', () => {
    it('maps every field, fresh (cached:false) and then from storage (cached:true) alike', async () => {
      const fresh = await api.get(`/api/movies/${TMDB.INCEPTION}`);
      expect(reply(fresh)).toEqual({
        status: 200,
        body: { ...INCEPTION_DETAILS, cached: false },
        headers: {},
      });
      const stored = await api.get(`/api/movies/${TMDB.INCEPTION}`);
      expect(reply(stored)).toEqual({
        status: 200,
        body: { ...INCEPTION_DETAILS, cached: true },
        headers: {},
      });
      expect({ ...stored.body, cached: false }).toEqual(fresh.body);
      expect(seen(tmdbCalls())).toEqual([{ path: '/movie/27205', status: 200 }]);
    });

    it('maps every "empty" TMDB value to null (runtime 0, tagline "", imdb_id null, no images)', async () => {
      const expected = {
        tmdb_id: TMDB.UNRELEASED,
        title: 'The Unfilmed Script',
        original_title: 'The Unfilmed Script',
        release_date: null,
        poster_url: null,
        backdrop_url: null,
        overview: null,
        runtime: null,
        vote_average: 0,
        vote_count: 0,
        tagline: null,
        status: 'Planned',
        imdb_id: null,
        genres: [],
      };
      const fresh = await api.get(`/api/movies/${TMDB.UNRELEASED}`);
      expect(reply(fresh)).toEqual({
        status: 200,
        body: { ...expected, cached: false },
        headers: {},
      });
      expect(fresh.text).toMatch(/"vote_average":0[,}]/);
      const stored = await api.get(`/api/movies/${TMDB.UNRELEASED}`);
      expect(reply(stored)).toEqual({
        status: 200,
        body: { ...expected, cached: true },
        headers: {},
      });
    });

    it('calls GET /movie/{id}?language=en-US with the v3 key as api_key and our headers', async () => {
      const res = await api.get(`/api/movies/${TMDB.EXISTENZ}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        tmdb_id: TMDB.EXISTENZ,
        title: 'eXistenZ',
        genres: [
          { id: 878, name: 'Science Fiction' },
          { id: 53, name: 'Thriller' },
        ],
        cached: false,
      });
      const calls = tmdbCalls();
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        method: 'GET',
        path: `/movie/${TMDB.EXISTENZ}`,
        query: { language: 'en-US', api_key: FAKE_TMDB_KEY },
      });
      expect(Object.keys(calls[0].query).sort()).toEqual(['api_key', 'language']);
      expect(calls[0].headers.accept).toBe('application/json');
      expect(calls[0].headers['user-agent']).toBe(USER_AGENT);
      expect(calls[0].headers['user-agent']).not.toMatch(/axios|node|undici/i);
      expect(calls[0].headers.authorization).toBeUndefined();
    });
  });

  describe('GET /api/movies/{tmdb_id}/credits: mapping', () => {
    it('orders cast by billing order then TMDB list order, keeps key crew once per person and job', async () => {
      const res = await api.get(`/api/movies/${TMDB.INCEPTION}/credits`);
      expect(reply(res)).toEqual({
        status: 200,
        body: { cast: INCEPTION_CAST, crew: INCEPTION_CREW },
        headers: {},
      });
      expect(res.body.cast.map((c: { tmdb_id: number }) => c.tmdb_id)).toEqual(
        INCEPTION_EXPECTED.castOrder,
      );
      expect(
        res.body.crew.map(({ tmdb_id, job, department }: Record<string, unknown>) => ({
          tmdb_id,
          job,
          department,
        })),
      ).toEqual(INCEPTION_EXPECTED.keyCrew);
      const credits = tmdbCalls().filter((r) => r.path === `/movie/${TMDB.INCEPTION}/credits`);
      expect(credits).toHaveLength(1);
      expect(credits[0].query).toEqual({ language: 'en-US', api_key: FAKE_TMDB_KEY });
      expect(credits[0].headers.accept).toBe('application/json');
      expect(credits[0].headers['user-agent']).toBe(USER_AGENT);
    });

    it('applies limit to each list separately, never cutting a tie out of order', async () => {
      const one = await api.get(`/api/movies/${TMDB.INCEPTION}/credits?limit=1`);
      expect(reply(one)).toEqual({
        status: 200,
        body: { cast: INCEPTION_CAST.slice(0, 1), crew: INCEPTION_CREW.slice(0, 1) },
        headers: {},
      });
      // Hardy and Watanabe share order 3: Hardy comes first in TMDB's list.
      const four = await api.get(`/api/movies/${TMDB.INCEPTION}/credits?limit=4`);
      expect(reply(four)).toEqual({
        status: 200,
        body: { cast: INCEPTION_CAST.slice(0, 4), crew: INCEPTION_CREW.slice(0, 4) },
        headers: {},
      });
      const fifty = await api.get(`/api/movies/${TMDB.INCEPTION}/credits?limit=50`);
      expect(reply(fifty)).toEqual({
        status: 200,
        body: { cast: INCEPTION_CAST, crew: INCEPTION_CREW },
        headers: {},
      });
    });

    it('keeps "Composer" and "Cinematography", maps department "" to null, and drops other jobs', async () => {
      const res = await api.get(`/api/movies/${TMDB.AMELIE}/credits`);
      expect(res.status).toBe(200);
      const jeunet = `${IMG}/w185/uXXDhhmZbaqhBRGBeELBZvFZzs6.jpg`;
      expect(res.body.crew).toEqual([
        {
          tmdb_id: 2419,
          name: 'Jean-Pierre Jeunet',
          department: 'Directing',
          job: 'Director',
          profile_url: jeunet,
        },
        {
          tmdb_id: 2419,
          name: 'Jean-Pierre Jeunet',
          department: 'Writing',
          job: 'Writer',
          profile_url: jeunet,
        },
        {
          tmdb_id: 2420,
          name: 'Guillaume Laurant',
          department: 'Writing',
          job: 'Screenplay',
          profile_url: null,
        },
        {
          tmdb_id: 2421,
          name: 'Yann Tiersen',
          department: null,
          job: 'Composer',
          profile_url: null,
        },
        {
          tmdb_id: 2422,
          name: 'Bruno Delbonnel',
          department: 'Camera',
          job: 'Cinematography',
          profile_url: null,
        },
        {
          tmdb_id: 2424,
          name: 'Claudie Ossard',
          department: 'Production',
          job: 'Producer',
          profile_url: null,
        },
      ]);
      expect(res.body.cast.map((c: { name: string }) => c.name)).toEqual([
        'Audrey Tautou',
        'Mathieu Kassovitz',
        'Rufus',
        'Jamel Debbouze',
        'Yolande Moreau',
      ]);

      const okami = await api.get(`/api/movies/${TMDB.OKAMI}/credits`);
      expect(okami.status).toBe(200);
      expect(okami.body.crew.map(({ name, job }: Record<string, string>) => [name, job])).toEqual([
        ['Kenji Arata', 'Director'],
        ['Sachiko Ueda', 'Novel'],
        ['Kenji Arata', 'Story'],
      ]);
    });

    it('stores and returns empty lists for a movie without credits', async () => {
      const first = await api.get(`/api/movies/${TMDB.NO_CREDITS}/credits`);
      expect(reply(first)).toEqual({ status: 200, body: { cast: [], crew: [] }, headers: {} });
      expect(seen(tmdbCalls())).toEqual([
        { path: `/movie/${TMDB.NO_CREDITS}`, status: 200 },
        { path: `/movie/${TMDB.NO_CREDITS}/credits`, status: 200 },
      ]);
      fake.clear();
      const again = await api.get(`/api/movies/${TMDB.NO_CREDITS}/credits?limit=5`);
      expect(reply(again)).toEqual({ status: 200, body: { cast: [], crew: [] }, headers: {} });
      expect(tmdbCalls()).toEqual([]);
    });

    it('fetches an unstored movie with its credits once, then serves every limit from storage', async () => {
      const first = await api.get(`/api/movies/${TMDB.REC}/credits?limit=1`);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        cast: [
          {
            tmdb_id: 81831,
            name: 'Manuela Velasco',
            character: 'Ángela Vidal',
            order: 0,
            profile_url: `${IMG}/w185/oPs9w0aZ1pj9v6TUOFj0bPJ1S3S.jpg`,
          },
        ],
        crew: [
          {
            tmdb_id: 57865,
            name: 'Jaume Balagueró',
            department: 'Directing',
            job: 'Director',
            profile_url: `${IMG}/w185/xOV5dwMFuMnxi6k2iNUaCM2XrAt.jpg`,
          },
        ],
      });
      expect(
        seen(tmdbCalls())
          .map((r) => r.path)
          .sort(),
      ).toEqual([`/movie/${TMDB.REC}`, `/movie/${TMDB.REC}/credits`]);

      fake.clear();
      // An earlier, smaller limit never limits a later request.
      const all = await api.get(`/api/movies/${TMDB.REC}/credits?limit=50`);
      expect(all.status).toBe(200);
      expect(all.body.cast.map((c: { name: string }) => c.name)).toEqual([
        'Manuela Velasco',
        'Pablo Rosso',
        'Ferrán Terraza',
      ]);
      expect(
        all.body.crew.map(({ name, job }: Record<string, string>) => `${name}/${job}`),
      ).toEqual([
        'Jaume Balagueró/Director',
        'Paco Plaza/Director',
        'Jaume Balagueró/Screenplay',
        'Paco Plaza/Screenplay',
        'Luis Berdejo/Screenplay',
        'Pablo Rosso/Director of Photography',
      ]);
      const two = await api.get(`/api/movies/${TMDB.REC}/credits?limit=2`);
      expect(two.status).toBe(200);
      expect(two.body).toEqual({
        cast: all.body.cast.slice(0, 2),
        crew: all.body.crew.slice(0, 2),
      });
      const byDefault = await api.get(`/api/movies/${TMDB.REC}/credits`);
      expect(byDefault.body).toEqual(all.body);
      // The movie came along with its credits.
      const details = await api.get(`/api/movies/${TMDB.REC}`);
      expect(details.status).toBe(200);
      expect(details.body).toMatchObject({ tmdb_id: TMDB.REC, title: '[REC]', cached: true });
      expect(tmdbCalls()).toEqual([]);
    });
  });

  describe('validation (422, no upstream call)', () => {
    afterEach(() => {
      expect(tmdbCalls()).toEqual([]);
    });

    it('requires query, rejects whitespace-only and over 200 characters', async () => {
      expectValidationError(await api.get('/api/movies/search'), ['query'], 'query');
      expectValidationError(await api.get('/api/movies/search?query='), ['query'], 'query');
      expectValidationError(
        await api.get('/api/movies/search?query=%20%20%09'),
        ['query'],
        'query',
      );
      expectValidationError(
        await api.get(`/api/movies/search?query=${'a'.repeat(201)}`),
        ['query'],
        'query',
      );
      // Lengths count after trimming.
      expectValidationError(
        await api.get(`/api/movies/search?query=${encodeURIComponent(` ${'é'.repeat(201)} `)}`),
        ['query'],
        'query',
      );
    });

    it('bounds page to 1-500 and year to 1800-2100, reporting every error together', async () => {
      for (const page of ['0', '501', '-1', 'abc', '1.5']) {
        expectValidationError(
          await api.get(`/api/movies/search?query=star&page=${page}`),
          ['page'],
          'query',
        );
      }
      for (const year of ['1799', '2101', 'abc']) {
        expectValidationError(
          await api.get(`/api/movies/search?query=star&year=${year}`),
          ['year'],
          'query',
        );
      }
      expectValidationError(
        await api.get('/api/movies/search?page=0&year=2101'),
        ['query', 'page', 'year'],
        'query',
      );
      const integer = await api.get('/api/movies/search?query=star&page=abc');
      expect(integer.body.errors[0].message).toBe('page must be an integer');
    });

    it('bounds tmdb_id to 1-2147483647 on details and credits', async () => {
      for (const id of ['0', 'abc', '2147483648', '-5', '1e3']) {
        expectValidationError(await api.get(`/api/movies/${id}`), ['tmdb_id'], 'path');
        expectValidationError(await api.get(`/api/movies/${id}/credits`), ['tmdb_id'], 'path');
      }
      const integer = await api.get('/api/movies/abc');
      expect(integer.body.errors[0].message).toBe('tmdb_id must be an integer');
    });

    it('bounds credits limit to 1-50', async () => {
      for (const limit of ['0', '51', 'abc']) {
        expectValidationError(
          await api.get(`/api/movies/${TMDB.INCEPTION}/credits?limit=${limit}`),
          ['limit'],
          'query',
        );
      }
      // Path and query errors are reported together.
      const both = await api.get('/api/movies/0/credits?limit=51');
      expect(both.status).toBe(422);
      expect(
        both.body.errors.map((e: { field: string; location: string }) => [e.field, e.location]),
      ).toEqual(
        expect.arrayContaining([
          ['tmdb_id', 'path'],
          ['limit', 'query'],
        ]),
      );
      expect(both.body.errors).toHaveLength(2);
    });

    it('needs authentication before anything else', async () => {
      const res = await request(api.t.server).get('/api/movies/search?query=star');
      expect(reply(res)).toEqual({
        status: 401,
        body: { detail: 'Not authenticated' },
        headers: {},
      });
    });
  });

  describe('validation boundaries that do reach TMDB', () => {
    it('accepts 200 characters after trimming, page 500 and years 1800 and 2100', async () => {
      const longest = await api.get(
        `/api/movies/search?query=${encodeURIComponent(`  ${'a'.repeat(200)}  `)}`,
      );
      expect(longest.status).toBe(200);
      expect((await api.get('/api/movies/search?query=star&page=500')).status).toBe(200);
      expect((await api.get('/api/movies/search?query=star&year=1800')).status).toBe(200);
      expect((await api.get('/api/movies/search?query=star&year=2100')).status).toBe(200);
      const calls = tmdbCalls();
      expect(calls.map((r) => r.query.query)).toEqual(['a'.repeat(200), 'star', 'star', 'star']);
      expect(calls.map((r) => [r.query.page, r.query.year])).toEqual([
        ['1', undefined],
        ['500', undefined],
        ['1', '1800'],
        ['1', '2100'],
      ]);
    });

    it('answers 404 for the largest valid id TMDB does not know', async () => {
      const res = await api.get('/api/movies/2147483647');
      expect(reply(res)).toEqual({ status: 404, body: { detail: DETAIL.notFound }, headers: {} });
    });
  });

  describe('in-memory search cache (SEARCH_CACHE_TTL)', () => {
    it('answers a repeated search (same trimmed query, page and year) without TMDB', async () => {
      const first = await api.get('/api/movies/search?query=ledger');
      expect(first.status).toBe(200);
      expect(ids(first.body)).toEqual([TMDB.NO_CREDITS]);
      expect(tmdbCalls()).toHaveLength(1);

      fake.clear();
      for (const path of [
        '/api/movies/search?query=ledger',
        '/api/movies/search?query=ledger&page=1',
        '/api/movies/search?query=%20ledger%20',
        '/api/movies/search?query=ledger&year=',
      ]) {
        const hit = await api.get(path);
        expect(reply(hit)).toEqual({ status: 200, body: first.body, headers: {} });
      }
      expect(tmdbCalls()).toEqual([]);
    });

    it('goes to TMDB for another page or year, and again once the TTL has passed', async () => {
      await api.get('/api/movies/search?query=unfilmed').expect(200);
      fake.clear();
      await api.get('/api/movies/search?query=unfilmed&page=2').expect(200);
      expect(tmdbCalls().map((r) => r.query.page)).toEqual(['2']);
      fake.clear();
      await api.get('/api/movies/search?query=unfilmed&year=2018').expect(200);
      await api.get('/api/movies/search?query=unfilmed&year=2018').expect(200);
      expect(tmdbCalls().map((r) => r.query.year)).toEqual(['2018']);

      fake.clear();
      clock.advance(9 * MINUTE_MS);
      await api.get('/api/movies/search?query=unfilmed').expect(200);
      expect(tmdbCalls()).toEqual([]);
      clock.advance(2 * MINUTE_MS);
      await api.get('/api/movies/search?query=unfilmed').expect(200);
      expect(tmdbCalls()).toHaveLength(1);
    });

    it('shares one TMDB call among concurrent identical searches', async () => {
      fake.settings.latencyMs = 150;
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => api.get('/api/movies/search?query=okami')),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(new Set(replies.map((r) => r.text)).size).toBe(1);
      expect(tmdbCalls()).toHaveLength(1);
    });
  });

  describe('stored details and credits (CATALOG_TTL = 1 h)', () => {
    it('serves stored details without TMDB', async () => {
      const fresh = await api.get('/api/movies/910002');
      expect(fresh.body.cached).toBe(false);
      fake.clear();
      for (let i = 0; i < 3; i++) {
        const stored = await api.get('/api/movies/910002');
        expect(reply(stored)).toEqual({
          status: 200,
          body: { ...fresh.body, cached: true },
          headers: {},
        });
      }
      expect(tmdbCalls()).toEqual([]);
    });

    it('makes exactly one TMDB call for 20 concurrent lookups of an unstored movie', async () => {
      fake.settings.latencyMs = 200;
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => api.get('/api/movies/910003')),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
      for (const res of replies) {
        expect({ ...res.body, cached: undefined }).toEqual({
          ...searchItem(910003),
          backdrop_url: `${IMG}/w1280/starBackdrop910003.jpg`,
          runtime: 87,
          vote_count: 54,
          tagline: null,
          status: 'Released',
          imdb_id: null,
          genres: [{ id: 878, name: 'Science Fiction' }],
          cached: undefined,
        });
      }
      expect(seen(tmdbCalls())).toEqual([{ path: '/movie/910003', status: 200 }]);
    });

    it('refetches details once they are older than CATALOG_TTL', async () => {
      const fresh = await api.get('/api/movies/910004');
      expect(fresh.body.cached).toBe(false);
      expect(tmdbCalls()).toHaveLength(1);

      fake.clear();
      clock.advance(59 * MINUTE_MS);
      const stillFresh = await api.get('/api/movies/910004');
      expect(stillFresh.body).toEqual({ ...fresh.body, cached: true });
      expect(tmdbCalls()).toEqual([]);

      clock.advance(2 * HOUR_MS);
      const refreshed = await api.get('/api/movies/910004');
      expect(reply(refreshed)).toEqual({ status: 200, body: fresh.body, headers: {} });
      expect(seen(tmdbCalls())).toEqual([{ path: '/movie/910004', status: 200 }]);

      fake.clear();
      const storedAgain = await api.get('/api/movies/910004');
      expect(storedAgain.body).toEqual({ ...fresh.body, cached: true });
      expect(tmdbCalls()).toEqual([]);
    });

    it('serves stale details with cached:true when the refresh fails, and retries on the next call', async () => {
      const fresh = await api.get('/api/movies/910005');
      expect(fresh.body.cached).toBe(false);
      const stored = { ...fresh.body, cached: true };

      clock.advance(2 * HOUR_MS);
      fake.clear();
      fake.setFault('tmdb', 910005, 'status500');
      const on500 = await api.get('/api/movies/910005');
      expect(reply(on500)).toEqual({ status: 200, body: stored, headers: {} });
      expect(seen(tmdbCalls())).toEqual([{ path: '/movie/910005', status: 500 }]);

      fake.clear();
      fake.setFault('tmdb', 910005, 'slow');
      const onTimeout = await api.get('/api/movies/910005');
      expect(reply(onTimeout)).toEqual({ status: 200, body: stored, headers: {} });
      expect(tmdbCalls()).toHaveLength(1);

      fake.clear();
      fake.setFault('tmdb', 910005, 'truncated');
      const onTruncated = await api.get('/api/movies/910005');
      expect(reply(onTruncated)).toEqual({ status: 200, body: stored, headers: {} });
      expect(tmdbCalls()).toHaveLength(1);

      // Nothing was marked fresh by the failures: the next call tries TMDB again.
      fake.clear();
      const recovered = await api.get('/api/movies/910005');
      expect(reply(recovered)).toEqual({ status: 200, body: fresh.body, headers: {} });
      expect(seen(tmdbCalls())).toEqual([{ path: '/movie/910005', status: 200 }]);
      await expectHealthy(api.t.server);
    });

    it('serves stale details and credits when TMDB now answers 404 for them', async () => {
      // Stored long ago under an id the fake answers 404 (status_code 34) for.
      await storeMovie(
        api.t.dataSource,
        {
          tmdbId: UNKNOWN_STORED,
          title: 'Withdrawn Picture',
          originalTitle: 'Withdrawn Picture',
          releaseDate: '2001-02-03',
          posterPath: '/withdrawn.jpg',
          backdropPath: 'withdrawnBackdrop.jpg',
          runtime: 101,
          voteAverage: 5.5,
          voteCount: 12,
          status: 'Released',
          genres: [{ id: 18, name: 'Drama' }],
          cachedAt: new Date(clock.now().getTime() - 3 * HOUR_MS),
        },
        {
          fetchedAt: new Date(clock.now().getTime() - 3 * HOUR_MS),
          cast: [
            {
              tmdbId: 777001,
              name: 'Stored Actor',
              profilePath: '/storedActor.jpg',
              character: 'Lead',
              billingOrder: 0,
              listIndex: 0,
            },
          ],
          crew: [
            {
              tmdbId: 777002,
              name: 'Stored Director',
              profilePath: null,
              department: 'Directing',
              job: 'Director',
              listIndex: 0,
            },
          ],
        },
      );
      const details = await api.get(`/api/movies/${UNKNOWN_STORED}`);
      expect(reply(details)).toEqual({
        status: 200,
        body: {
          tmdb_id: UNKNOWN_STORED,
          title: 'Withdrawn Picture',
          original_title: 'Withdrawn Picture',
          release_date: '2001-02-03',
          poster_url: `${IMG}/w500/withdrawn.jpg`,
          // A stored path without its leading "/" gets one (upstream.md §2.6).
          backdrop_url: `${IMG}/w1280/withdrawnBackdrop.jpg`,
          overview: null,
          runtime: 101,
          vote_average: 5.5,
          vote_count: 12,
          tagline: null,
          status: 'Released',
          imdb_id: null,
          genres: [{ id: 18, name: 'Drama' }],
          cached: true,
        },
        headers: {},
      });
      expect(seen(tmdbCalls())).toEqual([{ path: `/movie/${UNKNOWN_STORED}`, status: 404 }]);

      fake.clear();
      const credits = await api.get(`/api/movies/${UNKNOWN_STORED}/credits`);
      expect(reply(credits)).toEqual({
        status: 200,
        body: {
          cast: [
            {
              tmdb_id: 777001,
              name: 'Stored Actor',
              character: 'Lead',
              order: 0,
              profile_url: `${IMG}/w185/storedActor.jpg`,
            },
          ],
          crew: [
            {
              tmdb_id: 777002,
              name: 'Stored Director',
              department: 'Directing',
              job: 'Director',
              profile_url: null,
            },
          ],
        },
        headers: {},
      });
      expect(seen(tmdbCalls())).toEqual([
        { path: `/movie/${UNKNOWN_STORED}/credits`, status: 404 },
      ]);
    });

    it('refreshes stale credits on their own, and serves them stored when the refresh fails', async () => {
      const first = await api.get('/api/movies/910007/credits');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        cast: [
          {
            tmdb_id: 920006,
            name: 'Star Player 7',
            character: 'Lead',
            order: 0,
            profile_url: null,
          },
        ],
        crew: [
          {
            tmdb_id: 921006,
            name: 'Star Director 7',
            department: 'Directing',
            job: 'Director',
            profile_url: null,
          },
        ],
      });
      expect(
        tmdbCalls()
          .map((r) => r.path)
          .sort(),
      ).toEqual(['/movie/910007', '/movie/910007/credits']);

      fake.clear();
      clock.advance(30 * MINUTE_MS);
      expect((await api.get('/api/movies/910007/credits?limit=3')).body).toEqual(first.body);
      expect(tmdbCalls()).toEqual([]);

      // Stale credits are refetched; the stored (if stale) movie is not (upstream.md §5).
      clock.advance(2 * HOUR_MS);
      const refreshed = await api.get('/api/movies/910007/credits');
      expect(reply(refreshed)).toEqual({ status: 200, body: first.body, headers: {} });
      expect(seen(tmdbCalls())).toEqual([{ path: '/movie/910007/credits', status: 200 }]);

      fake.clear();
      clock.advance(2 * HOUR_MS);
      fake.setFault('tmdb', 910007, 'status500');
      const onFailure = await api.get('/api/movies/910007/credits');
      expect(reply(onFailure)).toEqual({ status: 200, body: first.body, headers: {} });
      expect(seen(tmdbCalls())).toEqual([{ path: '/movie/910007/credits', status: 500 }]);

      fake.clear();
      fake.setFault('tmdb', 910007, null);
      expect((await api.get('/api/movies/910007/credits')).body).toEqual(first.body);
      expect(seen(tmdbCalls())).toEqual([{ path: '/movie/910007/credits', status: 200 }]);
    });
  });

  describe('upstream failures (contract §7), each leaving the server healthy', () => {
    afterEach(async () => {
      await expectHealthy(api.t.server);
    });

    it('TMDB 404 → 404 Movie not found, on details and credits', async () => {
      const details = await api.get(`/api/movies/${TMDB.UNKNOWN}`);
      expect(reply(details)).toEqual({
        status: 404,
        body: { detail: DETAIL.notFound },
        headers: {},
      });
      const credits = await api.get(`/api/movies/${TMDB.UNKNOWN}/credits`);
      expect(reply(credits)).toEqual({
        status: 404,
        body: { detail: DETAIL.notFound },
        headers: {},
      });
      // Not retried, and not remembered: each request asked TMDB once.
      expect(tmdbCalls().map((r) => r.status)).toEqual([404, 404]);
      expect(tmdbCalls()[0].path).toBe(`/movie/${TMDB.UNKNOWN}`);
    });

    it('TMDB 429 once → retried after Retry-After → 200', async () => {
      const res = await api.get(`/api/movies/${TMDB.RATE_LIMITED_ONCE}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        tmdb_id: TMDB.RATE_LIMITED_ONCE,
        title: 'Rate Limited Once',
        cached: false,
      });
      const calls = tmdbCalls();
      expect(seen(calls)).toEqual([
        { path: `/movie/${TMDB.RATE_LIMITED_ONCE}`, status: 429 },
        { path: `/movie/${TMDB.RATE_LIMITED_ONCE}`, status: 200 },
      ]);
      // Retry-After: 1 is honoured.
      expect(gaps(calls)[0]).toBeGreaterThanOrEqual(950);
      expect(gaps(calls)[0]).toBeLessThan(1800);
    });

    it('TMDB 429 always → 3 attempts → 503 with the upstream Retry-After (2)', async () => {
      const started = Date.now();
      const res = await api.get(`/api/movies/${TMDB.RATE_LIMITED_ALWAYS}`);
      expect(reply(res, ['retry-after'])).toEqual({
        status: 503,
        body: { detail: DETAIL.busy(2) },
        headers: { 'retry-after': '2' },
      });
      const calls = tmdbCalls();
      expect(calls.map((r) => r.status)).toEqual([429, 429, 429]);
      for (const gap of gaps(calls)) {
        expect(gap).toBeGreaterThanOrEqual(1950);
        expect(gap).toBeLessThan(2900);
      }
      expect(Date.now() - started).toBeLessThan(6000);
    }, 15_000);

    it('TMDB 503 without Retry-After → waits ~1 s then ~2 s → 503 with Retry-After 5', async () => {
      const res = await api.get(`/api/movies/${TMDB.FAULT_503}`);
      expect(reply(res, ['retry-after'])).toEqual({
        status: 503,
        body: { detail: DETAIL.busy(5) },
        headers: { 'retry-after': '5' },
      });
      const calls = tmdbCalls();
      expect(calls.map((r) => r.status)).toEqual([503, 503, 503]);
      const [first, second] = gaps(calls);
      // 1 s and 2 s, each ±20 % (plus a little transport time).
      expect(first).toBeGreaterThanOrEqual(790);
      expect(first).toBeLessThan(1200 + 400);
      expect(second).toBeGreaterThanOrEqual(1590);
      expect(second).toBeLessThan(2400 + 400);
    }, 15_000);

    it('TMDB too slow → 504 after a single attempt of UPSTREAM_TIMEOUT', async () => {
      const started = Date.now();
      const res = await api.get(`/api/movies/${TMDB.SLOW}`);
      const elapsed = Date.now() - started;
      expect(reply(res)).toEqual({ status: 504, body: { detail: DETAIL.timeout }, headers: {} });
      expect(tmdbCalls()).toHaveLength(1);
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(fake.settings.slowMs);
    });

    it('TMDB 500 → 502 invalid response, not retried', async () => {
      const res = await api.get(`/api/movies/${TMDB.FAULT_500}`);
      expect(reply(res)).toEqual({ status: 502, body: { detail: DETAIL.invalid }, headers: {} });
      expect(seen(tmdbCalls())).toEqual([{ path: `/movie/${TMDB.FAULT_500}`, status: 500 }]);
      const credits = await api.get(`/api/movies/${TMDB.FAULT_500}/credits`);
      expect(reply(credits)).toEqual({
        status: 502,
        body: { detail: DETAIL.invalid },
        headers: {},
      });
    });

    it('truncated JSON → 502 invalid response, not retried', async () => {
      const res = await api.get(`/api/movies/${TMDB.TRUNCATED}`);
      expect(reply(res)).toEqual({ status: 502, body: { detail: DETAIL.invalid }, headers: {} });
      expect(tmdbCalls().map((r) => r.status)).toEqual([200]);
    });

    it('a 200 that is XML → 502 invalid response, not retried', async () => {
      const res = await api.get(`/api/movies/${TMDB.XML}`);
      expect(reply(res)).toEqual({ status: 502, body: { detail: DETAIL.invalid }, headers: {} });
      expect(tmdbCalls().map((r) => r.status)).toEqual([200]);
    });

    it('connection reset every time → 3 attempts → 502 could not be reached', async () => {
      const res = await api.get(`/api/movies/${TMDB.RESET}`);
      expect(reply(res)).toEqual({
        status: 502,
        body: { detail: DETAIL.unreachable },
        headers: {},
      });
      expect(tmdbCalls().map((r) => r.status)).toEqual([0, 0, 0]);
    }, 15_000);

    it('connection reset once → retried → 200', async () => {
      const res = await api.get(`/api/movies/${TMDB.RESET_ONCE}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        tmdb_id: TMDB.RESET_ONCE,
        title: 'Reset Once',
        cached: false,
      });
      const calls = tmdbCalls();
      expect(calls.map((r) => r.status)).toEqual([0, 200]);
      expect(gaps(calls)[0]).toBeGreaterThanOrEqual(790);
    });

    it('search failures map the same way: 500, truncated, XML → 502; slow → 504', async () => {
      for (const [query, status, detail] of [
        [TMDB_SEARCH.FAULT_500, 502, DETAIL.invalid],
        [TMDB_SEARCH.TRUNCATED, 502, DETAIL.invalid],
        [TMDB_SEARCH.XML, 502, DETAIL.invalid],
        [TMDB_SEARCH.SLOW, 504, DETAIL.timeout],
      ] as const) {
        const res = await api.get(`/api/movies/search?query=${query}`);
        expect({ query, ...reply(res) }).toEqual({ query, status, body: { detail }, headers: {} });
      }
      expect(tmdbCalls()).toHaveLength(4);
    });

    it('never caches a failure: details and search succeed once TMDB recovers', async () => {
      fake.setFault('tmdb', TMDB.AERO, 'status500');
      const failed = await api.get(`/api/movies/${TMDB.AERO}`);
      expect(reply(failed)).toEqual({ status: 502, body: { detail: DETAIL.invalid }, headers: {} });
      fake.setFault('tmdb', TMDB.AERO, null);
      const recovered = await api.get(`/api/movies/${TMDB.AERO}`);
      expect(recovered.status).toBe(200);
      expect(recovered.body).toMatchObject({ tmdb_id: TMDB.AERO, title: 'Ærø', cached: false });
      expect(seen(tmdbCalls())).toEqual([
        { path: `/movie/${TMDB.AERO}`, status: 500 },
        { path: `/movie/${TMDB.AERO}`, status: 200 },
      ]);

      fake.clear();
      fake.setFault('tmdb', 'harbor', 'status500');
      const searchFailed = await api.get('/api/movies/search?query=harbor');
      expect(reply(searchFailed)).toEqual({
        status: 502,
        body: { detail: DETAIL.invalid },
        headers: {},
      });
      fake.setFault('tmdb', 'harbor', null);
      const searchRecovered = await api.get('/api/movies/search?query=harbor');
      expect(searchRecovered.status).toBe(200);
      expect(ids(searchRecovered.body)).toEqual([910001]);
      await api.get('/api/movies/search?query=harbor').expect(200);
      expect(tmdbCalls().map((r) => r.status)).toEqual([500, 200]);
    });
  });

  describe('other configurations', () => {
    it('a key TMDB rejects → 503 (never 401), not retried; stored data still wins', async () => {
      const wrong = await startCatalogApp({ env: movieEnv(fake, { TMDB_API_KEY: 'wrong' }) });
      try {
        const details = await wrong.get(`/api/movies/${TMDB.INCEPTION}`);
        expect(reply(details)).toEqual({
          status: 503,
          body: { detail: DETAIL.rejected },
          headers: {},
        });
        await expectHealthy(wrong.t.server);
        const search = await wrong.get('/api/movies/search?query=star');
        expect(reply(search)).toEqual({
          status: 503,
          body: { detail: DETAIL.rejected },
          headers: {},
        });
        const credits = await wrong.get(`/api/movies/${TMDB.INCEPTION}/credits`);
        expect(reply(credits)).toEqual({
          status: 503,
          body: { detail: DETAIL.rejected },
          headers: {},
        });
        expect(tmdbCalls().map((r) => [r.status, r.query.api_key])).toEqual([
          [401, 'wrong'],
          [401, 'wrong'],
          [401, 'wrong'],
        ]);
        await expectHealthy(wrong.t.server);

        await storeMovie(wrong.t.dataSource, { tmdbId: TMDB.AMELIE, title: 'Amélie (stored)' });
        const stored = await wrong.get(`/api/movies/${TMDB.AMELIE}`);
        expect(stored.status).toBe(200);
        expect(stored.body).toMatchObject({ title: 'Amélie (stored)', cached: true });
      } finally {
        await wrong.close();
      }
    });

    it('a read-access token goes in Authorization: Bearer, never as api_key', async () => {
      const tokenFake = await FakeUpstream.start({ tmdbApiKey: FAKE_TMDB_READ_TOKEN });
      const bearer = await startCatalogApp({ env: movieEnv(tokenFake) });
      try {
        const details = await bearer.get(`/api/movies/${TMDB.INCEPTION}`);
        expect(reply(details)).toEqual({
          status: 200,
          body: { ...INCEPTION_DETAILS, cached: false },
          headers: {},
        });
        const search = await bearer.get('/api/movies/search?query=amelie');
        expect(search.status).toBe(200);
        expect(ids(search.body)).toEqual([TMDB.AMELIE]);
        const credits = await bearer.get(`/api/movies/${TMDB.INCEPTION}/credits`);
        expect(credits.status).toBe(200);
        const calls = tokenFake.requestsTo('tmdb');
        expect(calls.map((r) => [r.path, r.status])).toEqual([
          [`/movie/${TMDB.INCEPTION}`, 200],
          ['/search/movie', 200],
          [`/movie/${TMDB.INCEPTION}/credits`, 200],
        ]);
        for (const call of calls) {
          expect(call.headers.authorization).toBe(`Bearer ${FAKE_TMDB_READ_TOKEN}`);
          expect(call.query.api_key).toBeUndefined();
          expect(call.headers.accept).toBe('application/json');
          expect(call.headers['user-agent']).toBe(USER_AGENT);
        }
        expect(calls[0].query).toEqual({ language: 'en-US' });
      } finally {
        await bearer.close();
        await tokenFake.stop();
      }
    });

    it('SEARCH_CACHE_TTL=0 sends every search to TMDB', async () => {
      const uncached = await startCatalogApp({ env: movieEnv(fake, { SEARCH_CACHE_TTL: '0' }) });
      try {
        for (let i = 0; i < 3; i++) {
          const res = await uncached.get('/api/movies/search?query=star');
          expect(res.status).toBe(200);
          expect(ids(res.body)).toEqual(range(910001, 910018));
        }
        expect(tmdbCalls().map((r) => r.path)).toEqual(Array(3).fill('/search/movie'));
      } finally {
        await uncached.close();
      }
    });

    it('connection refused → 502 could not be reached, without retry waits', async () => {
      const port = await closedPort();
      const refused = await startCatalogApp({
        env: movieEnv(fake, { TMDB_BASE_URL: `http://127.0.0.1:${port}/3` }),
      });
      try {
        const started = Date.now();
        const details = await refused.get(`/api/movies/${TMDB.INCEPTION}`);
        expect(reply(details)).toEqual({
          status: 502,
          body: { detail: DETAIL.unreachable },
          headers: {},
        });
        // The shortest retry wait would be 800 ms (1 s - 20 %).
        expect(Date.now() - started).toBeLessThan(790);
        const search = await refused.get('/api/movies/search?query=star');
        expect(reply(search)).toEqual({
          status: 502,
          body: { detail: DETAIL.unreachable },
          headers: {},
        });
        await expectHealthy(refused.t.server);
      } finally {
        await refused.close();
      }
    });

    it('no TMDB_API_KEY: 503 for search and unstored movies, stored details and credits served', async () => {
      const keyless = await startCatalogApp({ env: movieEnv(fake, { TMDB_API_KEY: undefined }) });
      try {
        const notConfigured = { status: 503, body: { detail: DETAIL.notConfigured }, headers: {} };
        expect(reply(await keyless.get('/api/movies/search?query=star'))).toEqual(notConfigured);
        expect(reply(await keyless.get(`/api/movies/${TMDB.INCEPTION}`))).toEqual(notConfigured);
        expect(reply(await keyless.get(`/api/movies/${TMDB.INCEPTION}/credits`))).toEqual(
          notConfigured,
        );
        await expectHealthy(keyless.t.server);

        // Stored long ago (stale), with credits stored out of billing order.
        const longAgo = new Date('2020-01-01T00:00:00.000Z');
        await storeMovie(
          keyless.t.dataSource,
          {
            tmdbId: TMDB.INCEPTION,
            title: 'Inception',
            originalTitle: 'Inception',
            releaseDate: '2010-07-16',
            posterPath: '/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg',
            backdropPath: '/s3TBrRGB1iav7gFOCNx3H31MoES.jpg',
            overview: INCEPTION_DETAILS.overview,
            runtime: 148,
            voteAverage: 8.4,
            voteCount: 35000,
            tagline: 'Your mind is the scene of the crime.',
            status: 'Released',
            imdbId: 'tt1375666',
            genres: INCEPTION_DETAILS.genres,
            cachedAt: longAgo,
          },
          {
            fetchedAt: longAgo,
            cast: [
              cast(27578, 'Elliot Page', 'Ariadne', 2, 0, '/eCeFgzS8dYHnMfWQT0oQitCrsSz.jpg'),
              cast(3899, 'Ken Watanabe', 'Saito', 3, 4, '/w2t30L5Cmr34myAaUobLoSgsLfS.jpg'),
              cast(6193, 'Leonardo DiCaprio', 'Dom Cobb', 0, 1, '/wo2hJpn04vbtmh0B9utCFdsQhxM.jpg'),
              cast(2524, 'Tom Hardy', 'Eames', 3, 3, '/d81K0RH8UX7tZj49tZaQhZ9ewH.jpg'),
              cast(
                24045,
                'Joseph Gordon-Levitt',
                'Arthur',
                1,
                2,
                '/z2FA8js799xqtfiFjBTicFYdfk.jpg',
              ),
            ],
            crew: [
              {
                tmdbId: 525,
                name: 'Christopher Nolan',
                profilePath: '/xuAIuYSmsUzKlUMBFGVZaWsY3DZ.jpg',
                department: 'Writing',
                job: 'Screenplay',
                listIndex: 2,
              },
              {
                tmdbId: 525,
                name: 'Christopher Nolan',
                profilePath: '/xuAIuYSmsUzKlUMBFGVZaWsY3DZ.jpg',
                department: 'Directing',
                job: 'Director',
                listIndex: 0,
              },
            ],
          },
        );
        const details = await keyless.get(`/api/movies/${TMDB.INCEPTION}`);
        expect(reply(details)).toEqual({
          status: 200,
          body: { ...INCEPTION_DETAILS, cached: true },
          headers: {},
        });
        const credits = await keyless.get(`/api/movies/${TMDB.INCEPTION}/credits?limit=4`);
        expect(reply(credits)).toEqual({
          status: 200,
          body: { cast: INCEPTION_CAST.slice(0, 4), crew: INCEPTION_CREW.slice(0, 2) },
          headers: {},
        });
        expect(tmdbCalls()).toEqual([]);
        await expectHealthy(keyless.t.server);
      } finally {
        await keyless.close();
      }
    });

    describe('replies the fake upstream has no fixture for', () => {
      let scripted: ScriptedUpstream;
      let app: CatalogApp;

      beforeAll(async () => {
        scripted = await ScriptedUpstream.start(scriptedTmdb);
        app = await startCatalogApp({
          env: movieEnv(fake, { TMDB_BASE_URL: `${scripted.url}/3`, TMDB_API_KEY: FAKE_TMDB_KEY }),
        });
      });

      beforeEach(() => {
        scripted.calls.length = 0;
      });

      afterAll(async () => {
        await app?.close();
        await scripted?.stop();
      });

      it('caps total_pages at 500 and drops entries without an integer id or a string title', async () => {
        const res = await app.get('/api/movies/search?query=many');
        expect(reply(res)).toEqual({
          status: 200,
          body: {
            page: 1,
            total_pages: 500,
            total_results: 20000,
            results: [
              {
                tmdb_id: 1,
                title: 'No Votes',
                original_title: null,
                release_date: null,
                poster_url: `${IMG}/w500/noSlash.jpg`,
                overview: null,
                vote_average: 0,
              },
              {
                tmdb_id: 2,
                title: 'Missing Everything',
                original_title: null,
                release_date: null,
                poster_url: null,
                overview: null,
                vote_average: 0,
              },
            ],
          },
          headers: {},
        });
        expect(scripted.calls.map((c) => c.path)).toEqual(['/3/search/movie']);
      });

      it('maps missing optional details fields to null or 0 and drops malformed genres', async () => {
        const res = await app.get('/api/movies/555001');
        expect(reply(res)).toEqual({
          status: 200,
          body: {
            tmdb_id: 555001,
            title: 'Sparse',
            original_title: null,
            release_date: null,
            poster_url: null,
            backdrop_url: null,
            overview: null,
            runtime: null,
            vote_average: 0,
            vote_count: 0,
            tagline: null,
            status: null,
            imdb_id: null,
            genres: [
              { id: 18, name: 'Drama' },
              { id: 35, name: 'Comedy' },
            ],
            cached: false,
          },
          headers: {},
        });
      });

      it('returns 10 per list by default, up to 50 on request; missing order means list index', async () => {
        const byDefault = await app.get('/api/movies/555001/credits');
        expect(byDefault.status).toBe(200);
        const castIds = (body: { cast: { tmdb_id: number }[] }) => body.cast.map((c) => c.tmdb_id);
        const crewIds = (body: { crew: { tmdb_id: number }[] }) => body.crew.map((c) => c.tmdb_id);
        const castByOrder = [
          7011, 7010, 7009, 7008, 7007, 7005, 7006, 7004, 7003, 7002, 7001, 7000,
        ];
        expect(castIds(byDefault.body)).toEqual(castByOrder.slice(0, 10));
        expect(crewIds(byDefault.body)).toEqual(range(8000, 8009));
        expect(byDefault.body.cast[5]).toEqual({
          tmdb_id: 7005,
          name: 'Actor 5',
          character: null,
          order: 5,
          profile_url: null,
        });
        expect(byDefault.body.crew[0]).toEqual({
          tmdb_id: 8000,
          name: 'Producer 0',
          department: null,
          job: 'Producer',
          profile_url: `${IMG}/w185/producer0.jpg`,
        });
        const all = await app.get('/api/movies/555001/credits?limit=50');
        expect(castIds(all.body)).toEqual(castByOrder);
        expect(crewIds(all.body)).toEqual(range(8000, 8011));
        expect(scripted.calls.filter((c) => c.path.endsWith('/credits'))).toHaveLength(1);
      });

      it('does not follow a redirect: a 3xx is an invalid response', async () => {
        const res = await app.get('/api/movies/555302');
        expect(reply(res)).toEqual({ status: 502, body: { detail: DETAIL.invalid }, headers: {} });
        expect(scripted.calls.map((c) => c.path)).toEqual(['/3/movie/555302']);
        await expectHealthy(app.t.server);
      });

      it('a reply without the required id or title is an invalid response', async () => {
        for (const id of [555002, 555003]) {
          const res = await app.get(`/api/movies/${id}`);
          expect(reply(res)).toEqual({
            status: 502,
            body: { detail: DETAIL.invalid },
            headers: {},
          });
        }
        await expectHealthy(app.t.server);
      });

      it('a TMDB 404 on search → 502 (only details and credits know "not found")', async () => {
        const res = await app.get('/api/movies/search?query=gone');
        expect(reply(res)).toEqual({ status: 502, body: { detail: DETAIL.invalid }, headers: {} });
        await expectHealthy(app.t.server);
      });
    });
  });
});

function cast(
  tmdbId: number,
  name: string,
  character: string,
  billingOrder: number,
  listIndex: number,
  profilePath: string | null,
): StoredCastRow {
  return { tmdbId, name, character, billingOrder, listIndex, profilePath };
}

const TMDB_NOT_FOUND = {
  status: 404,
  body: { success: false, status_code: 34, status_message: 'The resource could not be found.' },
};

/** TMDB replies the shared fake has no fixture for, in TMDB's own shapes. */
function scriptedTmdb(call: ScriptedCall): ScriptedReply {
  switch (call.path) {
    case '/3/search/movie':
      if (call.query.query === 'gone') return TMDB_NOT_FOUND;
      return {
        status: 200,
        body: {
          page: 1,
          total_pages: 1000,
          total_results: 20000,
          results: [
            {
              id: 1,
              title: 'No Votes',
              original_title: '',
              overview: null,
              poster_path: 'noSlash.jpg',
              release_date: '2020-02-30',
              vote_average: null,
            },
            { id: 2, title: 'Missing Everything' },
            { id: 3, title: 42 },
            { id: '4', title: 'String id' },
            { title: 'No id' },
            { id: 1, title: 'Repeat of 1' },
          ],
        },
      };
    case '/3/movie/555001':
      return {
        status: 200,
        body: {
          id: 555001,
          title: 'Sparse',
          original_title: '',
          release_date: '2021-13-01',
          poster_path: '',
          backdrop_path: null,
          tagline: '',
          status: '',
          imdb_id: '',
          genres: [
            { id: 18, name: 'Drama' },
            { id: 'x', name: 'Bad id' },
            { name: 'No id' },
            { id: 99 },
            { id: 35, name: 'Comedy' },
          ],
        },
      };
    case '/3/movie/555001/credits':
      return {
        status: 200,
        body: {
          id: 555001,
          cast: [
            ...range(0, 11).map((i) => ({
              id: 7000 + i,
              name: `Actor ${i}`,
              ...(i === 5 ? {} : { order: 11 - i, character: `Role ${i}` }),
            })),
            { id: 'x', name: 'Bad id' },
            { id: 7999 },
          ],
          crew: [
            ...range(0, 11).flatMap((i) => [
              {
                id: 8000 + i,
                name: `Producer ${i}`,
                job: 'Producer',
                profile_path: i === 0 ? '/producer0.jpg' : null,
              },
              { id: 8100 + i, name: `Gaffer ${i}`, department: 'Lighting', job: 'Gaffer' },
            ]),
            { id: 8200, name: 'Lowercase', department: 'Directing', job: 'director' },
          ],
        },
      };
    case '/3/movie/555302':
      return { status: 302, headers: { location: '/3/movie/555001' } };
    case '/3/movie/555002':
      return { status: 200, body: { title: 'No id' } };
    case '/3/movie/555003':
      return { status: 200, body: { id: 555003, title: null } };
    default:
      return TMDB_NOT_FOUND;
  }
}
