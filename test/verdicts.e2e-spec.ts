import request from 'supertest';
import { Verdict } from '../src/verdicts/entities/verdict.entity.js';
import { WeekAlbum } from '../src/weeks/entities/week-album.entity.js';
import { WeekMovie } from '../src/weeks/entities/week-movie.entity.js';
import { expectValidationError, ISO_TIMESTAMP, outcome } from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import {
  judgeableWeek,
  KINDS,
  verdictBody,
  VERDICT_KEYS,
  verdictRows,
  VerdictsClient,
  type JudgeableWeek,
  type Kind,
} from './support/verdict-helpers.js';
import {
  countQueries,
  failure,
  invalid,
  keysOf,
  member,
  type Member,
  NO_RATING,
  nowIso,
  RawJson,
  seedHistory,
  seedWeek,
  UNJUDGED,
  weekRow,
  WeekPicker,
  WeeksClient,
} from './support/week-helpers.js';

const NEEDS_SOMETHING = 'a verdict needs a rating or a review';
const RATING_RANGE = 'rating must be between 1 and 10';
const RATING_INTEGER = 'rating must be an integer';
const FUTURE = 'consumed_on must not be in the future';
const NOT_A_DATE = 'consumed_on must be a real date (YYYY-MM-DD)';
const WEEK_NOT_FOUND = failure(404, 'Week not found');
/** 2025-12-28 in UTC: tomorrow is 2025-12-29. */
const NOW = '2025-12-28T16:05:00.123Z';

describe('Verdicts (opinions.md §1)', () => {
  const clock = new FakeClock(NOW);
  const picker = new WeekPicker(1960);
  let t: TestApp;
  let api: WeeksClient;
  let verdicts: VerdictsClient;
  let alice: Member;
  let bob: Member;
  let carol: Member;

  beforeAll(async () => {
    t = await createTestApp({ clock, listen: true });
    api = new WeeksClient(t.server);
    verdicts = new VerdictsClient(t.server);
    alice = await member(t.server, 'alice');
    bob = await member(t.server, 'bob');
    carol = await member(t.server, 'carol');
  });

  beforeEach(() => {
    clock.setTo(NOW);
  });

  afterAll(async () => {
    await t.close();
  });

  /** A week of alice's with two movies and two albums. */
  const aliceWeek = (counts?: { movies?: number; albums?: number }) =>
    judgeableWeek(t.dataSource, api, alice, picker.next(), counts);

  /** The stored verdict of `who` on a pick, or null. */
  async function storedVerdict(
    week: { id: number },
    kind: Kind,
    position: number,
    who: Member,
  ): Promise<Verdict | null> {
    const entity = kind === 'movie' ? WeekMovie : WeekAlbum;
    const pick = await t.dataSource.getRepository(entity).findOneBy({ weekId: week.id, position });
    if (!pick) return null;
    return t.dataSource.getRepository(Verdict).findOneBy({
      [kind === 'movie' ? 'weekMovieId' : 'weekAlbumId']: pick.id,
      userId: who.id,
    });
  }

  const slotOf = async (week: { id: number }, kind: Kind, position: number) => {
    const res = await api.get(alice, week.id);
    expect(res.status).toBe(200);
    const slots = (kind === 'movie' ? res.body.movies : res.body.albums) as {
      position: number;
      verdicts: Record<string, unknown>[];
      rating: Record<string, unknown>;
    }[];
    return slots.find((slot) => slot.position === position)!;
  };

  describe('PUT …/verdict: create (201) and replace (200)', () => {
    it.each(KINDS)(
      '%s: 201 with the Verdict, then 200 replacing all of it; created_at stays',
      async (kind) => {
        const week = await aliceWeek();
        const first = await verdicts.put(bob, week.id, kind, 2, {
          rating: 8,
          review: 'Loved it.',
          spoiler: true,
          consumed_on: '2025-12-27',
        });
        expect(outcome(first)).toEqual({
          status: 201,
          body: verdictBody(bob, NOW, {
            rating: 8,
            review: 'Loved it.',
            spoiler: true,
            consumed_on: '2025-12-27',
          }),
        });
        expect(keysOf(first.body)).toEqual(VERDICT_KEYS);
        expect(first.headers['content-type']).toBe('application/json; charset=utf-8');

        clock.advance(60_000);
        // PUT replaces: the absent keys take their defaults.
        const second = await verdicts.put(bob, week.id, kind, 2, { rating: 3 });
        expect(outcome(second)).toEqual({
          status: 200,
          body: verdictBody(bob, NOW, { rating: 3, updated_at: nowIso(clock) }),
        });
        expect((await slotOf(week, kind, 2)).verdicts).toEqual([second.body]);
        // A verdict is not a change to the week (contract §5.1: notes, items, claim).
        expect((await api.get(alice, week.id)).body.updated_at).toBe(NOW);
        expect(await storedVerdict(week, kind, 2, bob)).toMatchObject({ rating: 3, review: null });
      },
    );

    it('a review alone is a verdict (rating null), and so is a rating alone', async () => {
      const week = await aliceWeek();
      expect(
        outcome(await verdicts.put(bob, week.id, 'movie', 1, { review: 'Words only' })),
      ).toEqual({ status: 201, body: verdictBody(bob, NOW, { review: 'Words only' }) });
      expect(outcome(await verdicts.put(bob, week.id, 'movie', 2, { rating: 5 }))).toEqual({
        status: 201,
        body: verdictBody(bob, NOW, { rating: 5 }),
      });
      expect(
        outcome(await verdicts.put(bob, week.id, 'album', 1, { rating: 5, review: null })),
      ).toEqual({ status: 201, body: verdictBody(bob, NOW, { rating: 5 }) });
    });

    it('the picker may judge their own pick, and any member any pick (no 403)', async () => {
      const week = await aliceWeek();
      expect((await verdicts.put(alice, week.id, 'movie', 1, { rating: 10 })).status).toBe(201);
      expect((await verdicts.put(carol, week.id, 'movie', 1, { rating: 2 })).status).toBe(201);
      const unclaimed = await api.current(bob);
      expect(unclaimed.body.user_id).toBeNull();
      // An unclaimed week has no picks yet: the 404 is about the slot, never about ownership.
      expect(
        outcome(await verdicts.put(bob, unclaimed.body.id, 'movie', 1, { rating: 1 })),
      ).toEqual(failure(404, 'No movie found at position 1'));
    });

    it('two members on one pick each have their own verdict, ordered by created_at then user id', async () => {
      const week = await aliceWeek();
      // Same instant: user id decides (bob before carol though carol came first).
      expect((await verdicts.put(carol, week.id, 'album', 1, { rating: 4 })).status).toBe(201);
      expect((await verdicts.put(bob, week.id, 'album', 1, { rating: 6 })).status).toBe(201);
      clock.advance(1000);
      const later = nowIso(clock);
      expect((await verdicts.put(alice, week.id, 'album', 1, { review: 'Mine' })).status).toBe(201);
      clock.advance(1000);
      // A replace keeps its place: created_at orders, not updated_at.
      expect((await verdicts.put(carol, week.id, 'album', 1, { rating: 9 })).status).toBe(200);

      const slot = await slotOf(week, 'album', 1);
      expect(slot.verdicts).toEqual([
        verdictBody(bob, NOW, { rating: 6 }),
        verdictBody(carol, NOW, { rating: 9, updated_at: nowIso(clock) }),
        verdictBody(alice, later, { review: 'Mine' }),
      ]);
      expect(slot.rating).toEqual({ count: 2, average: 7.5, spread: 1.5 });
      // The other slots are untouched.
      expect(await slotOf(week, 'album', 2)).toMatchObject(UNJUDGED);
      expect(await slotOf(week, 'movie', 1)).toMatchObject(UNJUDGED);
    });
  });

  describe('PUT …/verdict: the body (§1.2)', () => {
    let week: JudgeableWeek;

    beforeAll(async () => {
      week = await judgeableWeek(t.dataSource, api, alice, picker.next(), { movies: 1 });
    });

    const put = (body?: unknown) => verdicts.put(bob, week.id, 'movie', 1, body);
    const accepted = async (body: unknown) => {
      const res = await put(body);
      expect([200, 201]).toContain(res.status);
      return res.body as Record<string, unknown>;
    };

    it.each([1, 10])('accepts rating %i', async (rating) => {
      expect((await accepted({ rating })).rating).toBe(rating);
    });

    it.each([0, 11, -1, 100])('refuses rating %i', async (rating) => {
      expect(outcome(await put({ rating }))).toEqual(invalid('rating', RATING_RANGE));
    });

    it.each([
      ['"7"', '7'],
      ['7.5', 7.5],
      ['true', true],
      ['[7]', [7]],
      ['{}', {}],
    ])('does not coerce rating %s', async (_label, rating) => {
      expect(outcome(await put({ rating }))).toEqual(invalid('rating', RATING_INTEGER));
    });

    it('takes 7.0 as 7 (a JSON number, not a string)', async () => {
      expect((await accepted(new RawJson('{"rating": 7.0}'))).rating).toBe(7);
    });

    it('trims the review, and a blank review is null', async () => {
      expect((await accepted({ review: '  \n Good. \t ' })).review).toBe('Good.');
      expect(await accepted({ rating: 5, review: '   ' })).toMatchObject({
        rating: 5,
        review: null,
      });
      expect(await accepted({ rating: 5, review: '' })).toMatchObject({ review: null });
    });

    it('accepts a review of exactly 5000 code points (astral: 10000 UTF-16 units), counted after trimming', async () => {
      const review = '😀'.repeat(5000);
      expect(review.length).toBe(10_000);
      expect((await accepted({ review: `  ${review}\n` })).review).toBe(review);
      expect((await storedVerdict(week, 'movie', 1, bob))?.review).toBe(review);
    });

    it('refuses a review of 5001 code points', async () => {
      expect(outcome(await put({ review: '😀'.repeat(5001) }))).toEqual(
        invalid('review', 'review must be at most 5000 characters'),
      );
      expect(outcome(await put({ rating: 3, review: 'a'.repeat(5001) }))).toEqual(
        invalid('review', 'review must be at most 5000 characters'),
      );
    });

    it.each([[5], [true], [['a']]])('refuses review %j (not a string)', async (review) => {
      expect(outcome(await put({ rating: 5, review }))).toEqual(
        invalid('review', 'review must be a string'),
      );
    });

    it.each([true, false])('accepts spoiler %s', async (spoiler) => {
      expect((await accepted({ rating: 5, spoiler })).spoiler).toBe(spoiler);
    });

    it.each([
      ['"true"', 'true'],
      ['1', 1],
      ['0', 0],
      ['null', null],
    ])('refuses spoiler %s (strictly a boolean, not nullable)', async (_label, spoiler) => {
      expect(outcome(await put({ rating: 5, spoiler }))).toEqual(
        invalid('spoiler', 'spoiler must be a boolean'),
      );
    });

    it.each(['1900-01-01', '2024-02-29', '2025-12-28', '2025-12-29'])(
      'accepts consumed_on %s (tomorrow in UTC included)',
      async (date) => {
        expect((await accepted({ rating: 5, consumed_on: date })).consumed_on).toBe(date);
      },
    );

    it.each([
      ['2025-12-30', FUTURE],
      ['2100-01-01', FUTURE],
      ['1899-12-31', 'consumed_on must not be before 1900-01-01'],
      ['2023-02-29', NOT_A_DATE],
      ['2025-04-31', NOT_A_DATE],
      ['2025-13-01', NOT_A_DATE],
      ['2025-00-10', NOT_A_DATE],
      ['2025-1-05', NOT_A_DATE],
      ['20251228', NOT_A_DATE],
      ['2025-12-28T00:00:00Z', NOT_A_DATE],
      ['', NOT_A_DATE],
    ])('refuses consumed_on %j', async (date, message) => {
      expect(outcome(await put({ rating: 5, consumed_on: date }))).toEqual(
        invalid('consumed_on', message),
      );
    });

    it('refuses a consumed_on that is not a string', async () => {
      expect(outcome(await put({ rating: 5, consumed_on: 20251228 }))).toEqual(
        invalid('consumed_on', 'consumed_on must be a string'),
      );
    });

    it("judges the future by the app's clock, in UTC", async () => {
      clock.setTo('2025-12-28T23:59:59.999Z');
      expect(outcome(await put({ rating: 5, consumed_on: '2025-12-30' }))).toEqual(
        invalid('consumed_on', FUTURE),
      );
      clock.setTo('2025-12-29T00:00:00.000Z');
      expect((await accepted({ rating: 5, consumed_on: '2025-12-30' })).consumed_on).toBe(
        '2025-12-30',
      );
      expect(outcome(await put({ rating: 5, consumed_on: '2025-12-31' }))).toEqual(
        invalid('consumed_on', FUTURE),
      );
    });

    it.each([
      ['no body at all', undefined],
      ['{}', {}],
      ['both null', { rating: null, review: null }],
      ['a blank review', { review: ' \n\t ' }],
      ['only spoiler and consumed_on', { spoiler: true, consumed_on: '2025-01-01' }],
    ])('422 with field null when there is neither rating nor review: %s', async (_label, body) => {
      expect(outcome(await put(body))).toEqual(invalid(null, NEEDS_SOMETHING));
    });

    it('refuses unknown keys, as every write body does', async () => {
      expect(outcome(await put({ rating: 5, score: 5 }))).toEqual(
        invalid('score', 'score is not allowed'),
      );
    });

    it.each([
      ['an array', '[]'],
      ['null', 'null'],
      ['a string', '"8"'],
    ])('refuses a body that is %s', async (_label, text) => {
      expect(outcome(await put(new RawJson(text)))).toEqual(
        invalid(null, 'Request body must be a JSON object'),
      );
    });

    it('reports every problem together', async () => {
      const res = await put({
        rating: 11,
        review: 5,
        spoiler: 'yes',
        consumed_on: '2023-02-29',
        extra: 1,
      });
      expectValidationError(res, ['rating', 'review', 'spoiler', 'consumed_on', 'extra']);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'rating', location: 'body', message: RATING_RANGE },
          { field: 'consumed_on', location: 'body', message: NOT_A_DATE },
        ]),
      );
      // The whole-body rule joins the field problems it does not overlap.
      expectValidationError(await put({ spoiler: 1, consumed_on: '2099-01-01' }), [
        'spoiler',
        'consumed_on',
        null,
      ]);
    });

    it('a refused PUT changes nothing', async () => {
      const before = await accepted({ rating: 6, review: 'Kept' });
      clock.advance(1000);
      expect((await put({ rating: 11, review: 'Lost' })).status).toBe(422);
      expect((await slotOf(week, 'movie', 1)).verdicts).toEqual([before]);
    });
  });

  describe('PUT and DELETE: path, order of checks (422 → 404), 401', () => {
    it('401 without a token, before anything else', async () => {
      expect(outcome(await verdicts.put(null, 'abc', 'movie', 9, { rating: 99 }))).toEqual(
        failure(401, 'Not authenticated'),
      );
      expect(outcome(await verdicts.remove(null, 999999, 'album', 1))).toEqual(
        failure(401, 'Not authenticated'),
      );
    });

    it.each(KINDS)(
      '%s: 422 for a bad week_id or position, even on a missing week',
      async (kind) => {
        expect(outcome(await verdicts.put(bob, 999999, kind, 3, { rating: 5 }))).toEqual(
          invalid('position', 'position must be 1 or 2', 'path'),
        );
        expect(outcome(await verdicts.put(bob, 'abc', kind, 1, { rating: 5 }))).toEqual(
          invalid('week_id', 'week_id must be an integer', 'path'),
        );
        expect(outcome(await verdicts.remove(bob, 0, kind, 1))).toEqual(
          invalid('week_id', 'week_id must be between 1 and 2147483647', 'path'),
        );
        expect(outcome(await verdicts.remove(bob, 999999, kind, 0))).toEqual(
          invalid('position', 'position must be 1 or 2', 'path'),
        );
        // Body problems come before the week lookup too.
        expect(outcome(await verdicts.put(bob, 999999, kind, 1, { rating: 0 }))).toEqual(
          invalid('rating', RATING_RANGE),
        );
      },
    );

    it.each(KINDS)('%s: 404 Week not found, then 404 for an empty position', async (kind) => {
      expect(outcome(await verdicts.put(bob, 999999, kind, 1, { rating: 5 }))).toEqual(
        WEEK_NOT_FOUND,
      );
      expect(outcome(await verdicts.remove(bob, 999999, kind, 1))).toEqual(WEEK_NOT_FOUND);
      const week = await aliceWeek({ movies: 1, albums: 1 });
      expect(outcome(await verdicts.put(bob, week.id, kind, 2, { rating: 5 }))).toEqual(
        failure(404, `No ${kind} found at position 2`),
      );
      expect(outcome(await verdicts.remove(bob, week.id, kind, 2))).toEqual(
        failure(404, `No ${kind} found at position 2`),
      );
      expect(outcome(await verdicts.remove(bob, week.id, kind, 1))).toEqual(
        failure(404, `You have no verdict on this ${kind}`),
      );
    });
  });

  describe('DELETE …/verdict (§1.3)', () => {
    it.each(KINDS)("%s: 204 deletes the caller's verdict only; then 404", async (kind) => {
      const week = await aliceWeek();
      expect((await verdicts.put(bob, week.id, kind, 1, { rating: 5 })).status).toBe(201);
      const carols = await verdicts.put(carol, week.id, kind, 1, { rating: 9 });
      expect(carols.status).toBe(201);

      const res = await verdicts.remove(bob, week.id, kind, 1);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(await slotOf(week, kind, 1)).toMatchObject({
        verdicts: [carols.body],
        rating: { count: 1, average: 9, spread: null },
      });
      expect(outcome(await verdicts.remove(bob, week.id, kind, 1))).toEqual(
        failure(404, `You have no verdict on this ${kind}`),
      );
      // A new verdict after a delete is a new one again: 201.
      expect((await verdicts.put(bob, week.id, kind, 1, { rating: 5 })).status).toBe(201);
    });
  });

  describe('RatingSummary (rounding half-up, population spread, pooled averages)', () => {
    it('7, 8, 10 → average 8.33, spread 1.25; a review without rating does not count', async () => {
      const week = await aliceWeek();
      const dave = await member(t.server, 'dave');
      for (const [who, rating] of [
        [alice, 7],
        [bob, 8],
        [carol, 10],
      ] as const) {
        expect((await verdicts.put(who, week.id, 'movie', 1, { rating })).status).toBe(201);
      }
      expect((await verdicts.put(dave, week.id, 'movie', 1, { review: 'No number' })).status).toBe(
        201,
      );
      const slot = await slotOf(week, 'movie', 1);
      expect(slot.verdicts).toHaveLength(4);
      // mean 25/3 = 8.333…; population sd √(14)/3 = 1.247…
      expect(slot.rating).toEqual({ count: 3, average: 8.33, spread: 1.25 });
    });

    it('one rating: average is it, spread is null; none: count 0 and nulls', async () => {
      const week = await aliceWeek();
      expect((await verdicts.put(bob, week.id, 'album', 2, { rating: 4 })).status).toBe(201);
      expect((await verdicts.put(carol, week.id, 'album', 1, { review: 'x' })).status).toBe(201);
      expect((await slotOf(week, 'album', 2)).rating).toEqual({
        count: 1,
        average: 4,
        spread: null,
      });
      expect((await slotOf(week, 'album', 1)).rating).toEqual(NO_RATING);
    });

    it('rounds half up: 57/8 = 7.125 → 7.13 (not 7.12), spread √7/8 = 0.3307… → 0.33', async () => {
      const week = await aliceWeek({ movies: 1 });
      const raters = [alice, bob, carol];
      for (let i = raters.length; i < 8; i++) raters.push(await member(t.server, `rater_${i}`));
      for (const [i, who] of raters.entries()) {
        const rating = i === 0 ? 8 : 7;
        expect((await verdicts.put(who, week.id, 'movie', 1, { rating })).status).toBe(201);
      }
      expect((await slotOf(week, 'movie', 1)).rating).toEqual({
        count: 8,
        average: 7.13,
        spread: 0.33,
      });
    });

    it('selections: each selection rates its own pick, each item pools every rating of all its picks', async () => {
      const first = await aliceWeek({ movies: 1, albums: 1 });
      const movie = first.movies[0];
      const album = first.albums[0];
      const second = await judgeableWeek(t.dataSource, api, bob, picker.next(), { movies: 0 });
      expect(
        (await api.addMovie(bob, second.id, { tmdb_id: movie.tmdbId, position: 2 })).status,
      ).toBe(201);
      expect(
        (await api.addAlbum(bob, second.id, { musicbrainz_id: album.musicbrainzId, position: 1 }))
          .status,
      ).toBe(201);

      // First pick: 10. Second pick: 4, 6, 5. Pooled: 25/4 = 6.25 (a mean of means would be 7.5).
      for (const kind of KINDS) {
        const secondPosition = kind === 'movie' ? 2 : 1;
        expect((await verdicts.put(bob, first.id, kind, 1, { rating: 10 })).status).toBe(201);
        for (const [who, rating] of [
          [alice, 4],
          [bob, 6],
          [carol, 5],
        ] as const) {
          expect(
            (await verdicts.put(who, second.id, kind, secondPosition, { rating })).status,
          ).toBe(201);
        }
        expect(
          (await verdicts.put(alice, second.id, kind, secondPosition, { review: 'still 4?' }))
            .status,
        ).toBe(200);
        expect(
          (await verdicts.put(alice, second.id, kind, secondPosition, { rating: 4 })).status,
        ).toBe(200);
      }

      for (const [kind, item] of [
        ['movies', movie],
        ['albums', album],
      ] as const) {
        const res =
          kind === 'movies'
            ? await api.movieSelections(alice, '?page_size=100')
            : await api.albumSelections(alice, '?page_size=100');
        expect(res.status).toBe(200);
        const listed = (
          res.body.results as {
            id: number;
            rating: unknown;
            selections: { week_id: number; rating: unknown }[];
          }[]
        ).find((entry) => entry.id === item.id)!;
        expect(listed.selections.map(({ week_id, rating }) => ({ week_id, rating }))).toEqual([
          { week_id: first.id, rating: { count: 1, average: 10, spread: null } },
          // √(2/3) = 0.816…
          { week_id: second.id, rating: { count: 3, average: 5, spread: 0.82 } },
        ]);
        // Ratings 10, 4, 6, 5: population sd √83/4 = 2.277…
        expect(listed.rating).toEqual({ count: 4, average: 6.25, spread: 2.28 });
        const others = (res.body.results as { id: number; rating: unknown }[]).filter(
          (entry) => entry.id !== item.id,
        );
        for (const other of others) expect(other.rating).toHaveProperty('count');
      }
    });
  });

  describe('verdicts in other replies (§1.4)', () => {
    it('the add replies carry verdicts [] and an empty rating', async () => {
      const week = await aliceWeek({ movies: 0, albums: 0 });
      const movie = await judgeableWeek(t.dataSource, api, bob, picker.next(), { movies: 1 });
      const added = await api.addMovie(alice, week.id, {
        tmdb_id: movie.movies[0].tmdbId,
        position: 1,
      });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ verdicts: [], rating: NO_RATING });
    });

    it('/weeks/current shows them like the detail', async () => {
      clock.setTo('2041-05-15T10:00:00.000Z');
      const current = await api.current(alice);
      const movie = (await judgeableWeek(t.dataSource, api, bob, picker.next(), { movies: 1 }))
        .movies[0];
      expect(
        (await api.addMovie(alice, current.body.id, { tmdb_id: movie.tmdbId, position: 1 })).status,
      ).toBe(201);
      const put = await verdicts.put(bob, current.body.id, 'movie', 1, { rating: 9 });
      expect(put.status).toBe(201);
      const again = await api.current(carol);
      expect(again.body.movies[0]).toMatchObject({
        verdicts: [put.body],
        rating: { count: 1, average: 9, spread: null },
      });
      expect(put.body.created_at).toMatch(ISO_TIMESTAMP);
    });
  });

  describe('a pick or week others have judged cannot be removed (§1.5)', () => {
    it.each(KINDS)(
      "%s: 409 with the count of other members' verdicts (1 verdict, 2 verdicts); nothing is deleted",
      async (kind) => {
        const week = await aliceWeek();
        expect((await verdicts.put(alice, week.id, kind, 1, { rating: 7 })).status).toBe(201);
        expect((await verdicts.put(bob, week.id, kind, 1, { rating: 5 })).status).toBe(201);
        // Verdicts on the other position do not count for this one.
        expect((await verdicts.put(carol, week.id, kind, 2, { rating: 5 })).status).toBe(201);
        const before = {
          week: await weekRow(t.dataSource, week.id),
          verdicts: await verdictRows(t.dataSource),
          detail: (await api.get(alice, week.id)).body,
        };
        clock.advance(1000);
        const remove = () =>
          kind === 'movie'
            ? api.removeMovie(alice, week.id, 1)
            : api.removeAlbum(alice, week.id, 1);

        expect(outcome(await remove())).toEqual(
          failure(409, `Cannot remove this ${kind}: other members have judged it (1 verdict)`),
        );
        expect((await verdicts.put(carol, week.id, kind, 1, { review: 'Me too' })).status).toBe(
          201,
        );
        const after = (await verdictRows(t.dataSource)).length;
        expect(outcome(await remove())).toEqual(
          failure(409, `Cannot remove this ${kind}: other members have judged it (2 verdicts)`),
        );
        expect(await verdictRows(t.dataSource)).toHaveLength(after);
        expect(await weekRow(t.dataSource, week.id)).toEqual(before.week);
        expect((await api.get(alice, week.id)).body[`${kind}s`]).toHaveLength(2);

        // Once the others take theirs back, it goes, and the picker's own verdict with it.
        const alices = await storedVerdict(week, kind, 1, alice);
        expect(alices).not.toBeNull();
        expect((await verdicts.remove(bob, week.id, kind, 1)).status).toBe(204);
        expect((await verdicts.remove(carol, week.id, kind, 1)).status).toBe(204);
        expect((await remove()).status).toBe(204);
        expect(await t.dataSource.getRepository(Verdict).findOneBy({ id: alices!.id })).toBeNull();
        expect(await verdictRows(t.dataSource)).toHaveLength(before.verdicts.length - 2);
        expect((await api.get(alice, week.id)).body[`${kind}s`]).toHaveLength(1);
      },
    );

    it("the picker's own verdicts go with the pick", async () => {
      const week = await aliceWeek({ movies: 1, albums: 1 });
      expect((await verdicts.put(alice, week.id, 'movie', 1, { rating: 9 })).status).toBe(201);
      expect((await verdicts.put(alice, week.id, 'album', 1, { rating: 8 })).status).toBe(201);
      const mine = (await verdictRows(t.dataSource)).filter((row) => row.userId === alice.id);
      expect((await api.removeMovie(alice, week.id, 1)).status).toBe(204);
      const left = (await verdictRows(t.dataSource)).filter((row) => row.userId === alice.id);
      expect(left).toHaveLength(mine.length - 1);
      // The album keeps its verdict.
      expect((await slotOf(week, 'album', 1)).rating).toEqual({
        count: 1,
        average: 8,
        spread: null,
      });
    });

    it('404 and 403 come before the 409', async () => {
      const week = await aliceWeek({ movies: 1, albums: 1 });
      expect((await verdicts.put(bob, week.id, 'movie', 1, { rating: 5 })).status).toBe(201);
      expect(outcome(await api.removeMovie(bob, week.id, 1))).toEqual(
        failure(403, 'Only the owner can modify this week'),
      );
      expect(outcome(await api.remove(bob, week.id))).toEqual(
        failure(403, 'Only the owner can delete this week'),
      );
      expect(outcome(await api.removeMovie(alice, week.id, 2))).toEqual(
        failure(404, 'No movie found at position 2'),
      );
      expect(outcome(await api.remove(alice, 999999))).toEqual(WEEK_NOT_FOUND);
    });

    it("deleting a week: 409 with the count over all its picks; nothing is deleted; then its owner's verdicts go with it", async () => {
      const week = await aliceWeek();
      expect((await verdicts.put(alice, week.id, 'movie', 1, { rating: 7 })).status).toBe(201);
      expect((await verdicts.put(alice, week.id, 'album', 2, { rating: 7 })).status).toBe(201);
      expect((await verdicts.put(bob, week.id, 'movie', 2, { rating: 5 })).status).toBe(201);
      const other = await aliceWeek({ movies: 1 });
      expect((await verdicts.put(bob, other.id, 'movie', 1, { rating: 5 })).status).toBe(201);

      expect(outcome(await api.remove(alice, week.id))).toEqual(
        failure(409, 'Cannot delete this week: other members have judged its picks (1 verdict)'),
      );
      expect((await verdicts.put(carol, week.id, 'album', 1, { review: 'Hm' })).status).toBe(201);
      expect((await verdicts.put(bob, week.id, 'album', 1, { rating: 1 })).status).toBe(201);
      const before = await verdictRows(t.dataSource);
      expect(outcome(await api.remove(alice, week.id))).toEqual(
        failure(409, 'Cannot delete this week: other members have judged its picks (3 verdicts)'),
      );
      expect(await verdictRows(t.dataSource)).toEqual(before);
      const detail = await api.get(alice, week.id);
      expect(detail.status).toBe(200);
      expect(detail.body.movies).toHaveLength(2);

      for (const [who, kind, position] of [
        [bob, 'movie', 2],
        [carol, 'album', 1],
        [bob, 'album', 1],
      ] as const) {
        expect((await verdicts.remove(who, week.id, kind, position)).status).toBe(204);
      }
      expect((await api.remove(alice, week.id)).status).toBe(204);
      expect(outcome(await api.get(alice, week.id))).toEqual(WEEK_NOT_FOUND);
      const after = await verdictRows(t.dataSource);
      expect(after).toHaveLength(before.length - 5);
      // Bob's verdict on the other week is still there.
      expect((await slotOf(other, 'movie', 1)).rating).toEqual({
        count: 1,
        average: 5,
        spread: null,
      });
    });

    it("a week with only its owner's verdicts is deleted with them", async () => {
      const week = await aliceWeek({ movies: 1 });
      expect((await verdicts.put(alice, week.id, 'movie', 1, { rating: 2 })).status).toBe(201);
      const count = (await verdictRows(t.dataSource)).length;
      expect((await api.remove(alice, week.id)).status).toBe(204);
      expect(await verdictRows(t.dataSource)).toHaveLength(count - 1);
    });
  });

  describe('concurrency', () => {
    it('10 concurrent PUTs by one member on one pick: one verdict, exactly one 201, no 5xx', async () => {
      const week = await aliceWeek({ movies: 1 });
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          verdicts.put(bob, week.id, 'movie', 1, { rating: i + 1, review: `take ${i + 1}` }),
        ),
      );
      const statuses = responses.map((res) => res.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      const slot = await slotOf(week, 'movie', 1);
      expect(slot.verdicts).toHaveLength(1);
      const stored = slot.verdicts[0];
      // The last body committed: one of the ten, whole.
      expect(stored.review).toBe(`take ${stored.rating as number}`);
      expect(responses.map((res) => res.body)).toContainEqual(stored);
    });

    it('a verdict racing a pick removal is never lost: either the removal is refused or the verdict is', async () => {
      for (let round = 0; round < 5; round++) {
        const week = await aliceWeek({ movies: 1 });
        const [put, removed] = await Promise.all([
          verdicts.put(bob, week.id, 'movie', 1, { rating: 5 }),
          api.removeMovie(alice, week.id, 1),
        ]);
        const { movies } = (await api.get(alice, week.id)).body;
        if (removed.status === 204) {
          expect(outcome(put)).toEqual(failure(404, 'No movie found at position 1'));
          expect(movies).toEqual([]);
        } else {
          expect(outcome(removed)).toEqual(
            failure(409, 'Cannot remove this movie: other members have judged it (1 verdict)'),
          );
          expect(put.status).toBe(201);
          expect(movies[0].verdicts).toEqual([put.body]);
        }
      }
    });
  });
});

describe('Verdicts and the read caches (READ_CACHE_TTL on)', () => {
  const clock = new FakeClock(NOW);
  const picker = new WeekPicker(1970);
  let t: TestApp;
  let api: WeeksClient;
  let verdicts: VerdictsClient;
  let alice: Member;
  let bob: Member;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { READ_CACHE_TTL: '1h' } });
    api = new WeeksClient(t.server);
    verdicts = new VerdictsClient(t.server);
    alice = await member(t.server, 'alice');
    bob = await member(t.server, 'bob');
  });

  afterAll(async () => {
    await t.close();
  });

  /** Every cached read that shows verdicts, as `{ movie, album }` of the week's position 1. */
  async function readEverything(week: JudgeableWeek) {
    const detail = await api.get(alice, week.id);
    const movies = await api.movieSelections(alice, '?page_size=100');
    const albums = await api.albumSelections(alice, '?page_size=100');
    const diary = await verdicts.diary(alice, bob.id, '?page_size=100');
    for (const res of [detail, movies, albums, diary]) expect(res.status).toBe(200);
    const inListing = (body: { results: { id: number; rating: unknown }[] }, id: number) =>
      body.results.find((item) => item.id === id)?.rating;
    return {
      movie: detail.body.movies[0] as { verdicts: unknown[]; rating: unknown },
      album: detail.body.albums[0] as { verdicts: unknown[]; rating: unknown },
      movieItem: inListing(movies.body, week.movies[0].id),
      albumItem: inListing(albums.body, week.albums[0].id),
      diary: (diary.body.results as { rating: number }[]).map((entry) => entry.rating),
    };
  }

  it('serves repeated reads from memory (so the checks below are about invalidation)', async () => {
    const week = await judgeableWeek(t.dataSource, api, alice, picker.next(), {
      movies: 1,
      albums: 1,
    });
    await readEverything(week);
    const { queries } = await countQueries(t.dataSource, () => readEverything(week));
    expect(queries).toEqual([]);
  });

  it.each(KINDS)(
    '%s: week detail, both selections and the diary show a PUT, a replace and a DELETE on the very next read',
    async (kind) => {
      const week = await judgeableWeek(t.dataSource, api, alice, picker.next(), {
        movies: 1,
        albums: 1,
      });
      const before = await readEverything(week);
      expect(before[kind]).toMatchObject(UNJUDGED);
      const itemKey = kind === 'movie' ? 'movieItem' : 'albumItem';
      expect(before[itemKey]).toEqual(NO_RATING);

      const created = await verdicts.put(bob, week.id, kind, 1, { rating: 6 });
      expect(created.status).toBe(201);
      const afterPut = await readEverything(week);
      expect(afterPut[kind]).toMatchObject({
        verdicts: [created.body],
        rating: { count: 1, average: 6, spread: null },
      });
      expect(afterPut[itemKey]).toEqual({ count: 1, average: 6, spread: null });
      expect(afterPut.diary).toHaveLength(before.diary.length + 1);

      clock.advance(1000);
      expect((await verdicts.put(bob, week.id, kind, 1, { rating: 2 })).status).toBe(200);
      const afterReplace = await readEverything(week);
      expect(afterReplace[itemKey]).toEqual({ count: 1, average: 2, spread: null });
      expect(afterReplace.diary).toContain(2);

      expect((await verdicts.remove(bob, week.id, kind, 1)).status).toBe(204);
      const afterDelete = await readEverything(week);
      expect(afterDelete[kind]).toMatchObject(UNJUDGED);
      expect(afterDelete[itemKey]).toEqual(NO_RATING);
      expect(afterDelete.diary).toEqual(before.diary);
    },
  );

  it('a verdict write keeps the signed-in user cached (it ends only what shows verdicts)', async () => {
    const week = await judgeableWeek(t.dataSource, api, alice, picker.next(), { movies: 1 });
    const me = () => request(t.server).get('/api/auth/me').set(bob.auth);
    expect((await me()).status).toBe(200);

    expect((await verdicts.put(bob, week.id, 'movie', 1, { rating: 7 })).status).toBe(201);
    const { result, queries } = await countQueries(t.dataSource, me);
    expect(result.status).toBe(200);
    expect(queries).toEqual([]);

    // A users write, by contrast, ends it: the same request reads the user again.
    const renamed = await request(t.server)
      .patch(`/api/users/${bob.id}`)
      .set(bob.auth)
      .send({ username: 'robert' });
    expect(renamed.status).toBe(200);
    const after = await countQueries(t.dataSource, me);
    expect(after.result.body.username).toBe('robert');
    expect(after.queries).not.toEqual([]);
  });
});

describe('No N+1 with verdicts: a fixed number of queries', () => {
  const clock = new FakeClock(NOW);
  let t: TestApp;
  let api: WeeksClient;
  let verdicts: VerdictsClient;
  let alice: Member;
  let weekIds: number[];

  beforeAll(async () => {
    // The read caches off: these count the queries of the reads themselves.
    t = await createTestApp({ clock, env: { READ_CACHE_TTL: '0' } });
    api = new WeeksClient(t.server);
    verdicts = new VerdictsClient(t.server);
    alice = await member(t.server, 'alice');
    const bob = await member(t.server, 'bob');
    ({ weekIds } = await seedHistory(t.dataSource, {
      weeks: 120,
      firstYear: 2000,
      userId: alice.id,
    }));
    // Two verdicts (alice's, bob's) on every pick: 960 in all.
    const at = new Date(NOW);
    const rows = [
      ...(await t.dataSource.getRepository(WeekMovie).find()).map((pick) => ({
        weekMovieId: pick.id,
      })),
      ...(await t.dataSource.getRepository(WeekAlbum).find()).map((pick) => ({
        weekAlbumId: pick.id,
      })),
    ].flatMap((pick, i) =>
      [alice, bob].map((who, j) => ({
        ...pick,
        userId: who.id,
        rating: ((i + j) % 10) + 1,
        review: j === 0 ? null : `Review ${i}`,
        spoiler: false,
        consumedOn: null,
        createdAt: at,
        updatedAt: at,
      })),
    );
    for (let i = 0; i < rows.length; i += 50) {
      await t.dataSource.getRepository(Verdict).insert(rows.slice(i, i + 50));
    }
  });

  afterAll(async () => {
    await t.close();
  });

  it('week detail: the same 4 queries for an empty week and one with 8 verdicts', async () => {
    const empty = await seedWeek(t.dataSource, { year: 2090, week_number: 1, userId: alice.id });
    const full = await countQueries(t.dataSource, () => api.get(alice, weekIds[10]));
    const bare = await countQueries(t.dataSource, () => api.get(alice, empty.id));
    expect(full.result.status).toBe(200);
    for (const slot of [...full.result.body.movies, ...full.result.body.albums]) {
      expect(slot.verdicts).toHaveLength(2);
      expect(slot.rating.count).toBe(2);
    }
    expect(bare.result.body.movies).toEqual([]);
    expect(full.queries.length).toBe(bare.queries.length);
    // The user lookup of the authentication, the week with its owner, its movies and its albums,
    // each pick with every verdict on it.
    expect(full.queries.length).toBe(4);
  });

  it.each(['movies', 'albums'] as const)(
    '%s selections: the same 3 queries for page_size 1 and 100',
    async (kind) => {
      const list = (query: string) =>
        kind === 'movies' ? api.movieSelections(alice, query) : api.albumSelections(alice, query);
      const small = await countQueries(t.dataSource, () => list('?page_size=1'));
      const large = await countQueries(t.dataSource, () => list('?page_size=100'));
      expect(large.result.body.results).toHaveLength(100);
      for (const item of large.result.body.results as {
        rating: { count: number };
        selections: { rating: { count: number } }[];
      }[]) {
        expect(item.rating.count).toBe(4);
        expect(item.selections.map((selection) => selection.rating.count)).toEqual([2, 2]);
      }
      expect(large.queries.length).toBe(small.queries.length);
      // The user lookup of the authentication, the count, and the page's picks with their items,
      // weeks and rating aggregates.
      expect(large.queries.length).toBe(3);
    },
  );

  it('the diary: the same 4 queries for page_size 1 and 100', async () => {
    const small = await countQueries(t.dataSource, () =>
      verdicts.diary(alice, alice.id, '?page_size=1'),
    );
    const large = await countQueries(t.dataSource, () =>
      verdicts.diary(alice, alice.id, '?page_size=100'),
    );
    expect(small.result.body.total).toBe(480);
    expect(large.result.body.results).toHaveLength(100);
    expect(large.queries.length).toBe(small.queries.length);
    expect(large.queries.length).toBe(4);
  });
});
