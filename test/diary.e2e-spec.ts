import { expectValidationError, outcome } from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import {
  judgeableWeek,
  verdictBody,
  VERDICT_KEYS,
  VerdictsClient,
  type JudgeableWeek,
  type Kind,
} from './support/verdict-helpers.js';
import {
  albumRef,
  failure,
  invalid,
  keysOf,
  member,
  type Member,
  movieRef,
  nowIso,
  WeeksClient,
} from './support/week-helpers.js';

type Entry = Record<string, unknown> & { kind: Kind; year: number; rating: number | null };

const DIARY_ENTRY_KEYS = [
  ...VERDICT_KEYS,
  'album',
  'kind',
  'movie',
  'position',
  'week_id',
  'week_number',
  'year',
].sort();

describe('The diary: GET /api/users/{user_id}/verdicts (opinions.md §1.6)', () => {
  const clock = new FakeClock('2025-12-28T16:05:00.123Z');
  let t: TestApp;
  let api: WeeksClient;
  let verdicts: VerdictsClient;
  let alice: Member;
  let bob: Member;
  let carol: Member;
  /** Alice's whole diary, in the contract's order. */
  let diary: Entry[];

  const page = (query = '', who: Member = bob, userId = alice.id) =>
    verdicts.diary(who, userId, query);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    api = new WeeksClient(t.server);
    verdicts = new VerdictsClient(t.server);
    alice = await member(t.server, 'alice');
    bob = await member(t.server, 'bob');
    carol = await member(t.server, 'carol');

    // Weeks created out of order, by two owners.
    const weeks: Record<string, JudgeableWeek> = {};
    for (const [key, owner, year, weekNumber, movies, albums] of [
      ['A', alice, 2024, 10, 2, 2],
      ['B', bob, 2025, 3, 1, 2],
      ['C', bob, 2024, 52, 0, 1],
      ['D', alice, 2023, 1, 2, 0],
      ['E', bob, 2025, 4, 1, 1],
    ] as [string, Member, number, number, number, number][]) {
      weeks[key] = await judgeableWeek(
        t.dataSource,
        api,
        owner,
        { year, week_number: weekNumber },
        {
          movies,
          albums,
        },
      );
    }

    /** Alice judges the pick (in a scrambled order, each a second apart) and gets its entry. */
    const judge = async (key: string, kind: Kind, position: number, body: object) => {
      clock.advance(1000);
      const week = weeks[key];
      const res = await verdicts.put(alice, week.id, kind, position, body);
      expect(res.status).toBe(201);
      const at = nowIso(clock);
      expect(res.body).toEqual(verdictBody(alice, at, body));
      return {
        ...res.body,
        kind,
        week_id: week.id,
        year: week.year,
        week_number: week.week_number,
        position,
        movie: kind === 'movie' ? movieRef(week.movies[position - 1]) : null,
        album: kind === 'album' ? albumRef(week.albums[position - 1]) : null,
      } as Entry;
    };

    const a_album2 = await judge('A', 'album', 2, { rating: 3 });
    const d_movie2 = await judge('D', 'movie', 2, { review: 'Old times', spoiler: true });
    const b_album2 = await judge('B', 'album', 2, { rating: 9, consumed_on: '2025-01-19' });
    const a_movie1 = await judge('A', 'movie', 1, { rating: 8 });
    const c_album1 = await judge('C', 'album', 1, { rating: 1, review: 'No.' });
    const a_album1 = await judge('A', 'album', 1, { rating: 6 });
    const b_movie1 = await judge('B', 'movie', 1, { rating: 10 });
    const a_movie2 = await judge('A', 'movie', 2, { rating: 2 });

    // Other members' verdicts, and picks alice has not judged (B album 1, D movie 1, E), stay out.
    expect((await verdicts.put(bob, weeks.A.id, 'movie', 1, { rating: 1 })).status).toBe(201);
    expect((await verdicts.put(carol, weeks.E.id, 'album', 1, { rating: 5 })).status).toBe(201);

    diary = [b_movie1, b_album2, c_album1, a_movie1, a_movie2, a_album1, a_album2, d_movie2];
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists the member’s verdicts by week (newest first), movies before albums, then position', async () => {
    const res = await page('?page_size=100');
    expect(outcome(res)).toEqual({
      status: 200,
      body: { total: 8, page: 1, page_size: 100, results: diary },
    });
    for (const entry of res.body.results as Entry[]) {
      expect(keysOf(entry)).toEqual(DIARY_ENTRY_KEYS);
      // Exactly one of movie and album.
      expect([entry.movie, entry.album].filter((ref) => ref === null)).toHaveLength(1);
    }
  });

  it('defaults to page 1 of 20; anyone may read anyone’s diary, their own included', async () => {
    expect(outcome(await page())).toEqual({
      status: 200,
      body: { total: 8, page: 1, page_size: 20, results: diary },
    });
    expect((await page('', alice)).body.results).toEqual(diary);
  });

  it('pages are stable and never overlap; past the end is []', async () => {
    const pages = [];
    for (let number = 1; number <= 3; number++) {
      const res = await page(`?page=${number}&page_size=3`);
      expect(res.body).toMatchObject({ total: 8, page: number, page_size: 3 });
      pages.push(...(res.body.results as Entry[]));
    }
    expect(pages).toEqual(diary);
    expect(outcome(await page('?page=4&page_size=3'))).toEqual({
      status: 200,
      body: { total: 8, page: 4, page_size: 3, results: [] },
    });
  });

  it.each([
    ['?year=2024', (entry: Entry) => entry.year === 2024],
    ['?year=2025', (entry: Entry) => entry.year === 2025],
    ['?kind=movie', (entry: Entry) => entry.kind === 'movie'],
    ['?kind=album', (entry: Entry) => entry.kind === 'album'],
    ['?year=2024&kind=album', (entry: Entry) => entry.year === 2024 && entry.kind === 'album'],
    ['?year=2030', () => false],
  ])('filters %s, and total counts the filtered verdicts', async (query, keep) => {
    const expected = diary.filter(keep);
    expect(outcome(await page(`${query}&page_size=100`))).toEqual({
      status: 200,
      body: { total: expected.length, page: 1, page_size: 100, results: expected },
    });
  });

  it('filters and pages together', async () => {
    const res = await page('?kind=movie&page=2&page_size=2');
    expect(res.body).toEqual({
      total: 4,
      page: 2,
      page_size: 2,
      results: diary.filter((entry) => entry.kind === 'movie').slice(2, 4),
    });
  });

  it.each(['?year=', '?kind=', '?year=&kind=&page=&page_size=', '?sort=asc'])(
    'an empty value counts as absent, an unknown parameter is ignored: %s',
    async (query) => {
      expect((await page(query)).body).toEqual({
        total: 8,
        page: 1,
        page_size: 20,
        results: diary,
      });
    },
  );

  it.each(['book', 'movies', 'MOVIE', ' movie', '1'])('kind=%s → 422', async (kind) => {
    expect(outcome(await page(`?kind=${encodeURIComponent(kind)}`))).toEqual(
      invalid('kind', 'kind must be movie or album', 'query'),
    );
  });

  it.each([
    ['?year=1899', 'year'],
    ['?year=2101', 'year'],
    ['?year=abc', 'year'],
    ['?page=0', 'page'],
    ['?page=10001', 'page'],
    ['?page_size=0', 'page_size'],
    ['?page_size=101', 'page_size'],
    ['?kind=movie&kind=album', 'kind'],
  ])('%s → 422 on %s', async (query, field) => {
    expectValidationError(await page(query), [field], 'query');
  });

  it('1900 and 2100 are valid years', async () => {
    for (const year of [1900, 2100]) {
      expect(outcome(await page(`?year=${year}`))).toEqual({
        status: 200,
        body: { total: 0, page: 1, page_size: 20, results: [] },
      });
    }
  });

  it('reports every problem together, path first', async () => {
    const res = await verdicts.diary(bob, 'abc', '?kind=book&page=0');
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(3);
    expect(res.body.errors[0]).toEqual({
      field: 'user_id',
      location: 'path',
      message: 'user_id must be an integer',
    });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'page', location: 'query', message: 'page must be between 1 and 10000' },
        { field: 'kind', location: 'query', message: 'kind must be movie or album' },
      ]),
    );
  });

  it('404 User not found for an unknown user, after 422', async () => {
    expect(outcome(await page('', bob, 999999))).toEqual(failure(404, 'User not found'));
    expect(outcome(await page('?kind=book', bob, 999999))).toEqual(
      invalid('kind', 'kind must be movie or album', 'query'),
    );
    expect(outcome(await page('', bob, 0))).toEqual(
      invalid('user_id', 'user_id must be between 1 and 2147483647', 'path'),
    );
  });

  it('a member with no verdicts has an empty diary', async () => {
    const dave = await member(t.server, 'dave');
    expect(outcome(await page('', bob, dave.id))).toEqual({
      status: 200,
      body: { total: 0, page: 1, page_size: 20, results: [] },
    });
  });

  it('401 without a token', async () => {
    expect(outcome(await verdicts.diary(null, alice.id))).toEqual(
      failure(401, 'Not authenticated'),
    );
  });
});
