import request, { type Response } from 'supertest';
import { Album } from '../src/albums/entities/album.entity.js';
import { Movie } from '../src/movies/entities/movie.entity.js';
import { User } from '../src/users/entities/user.entity.js';
import { WeekAlbum } from '../src/weeks/entities/week-album.entity.js';
import { WeekMovie } from '../src/weeks/entities/week-movie.entity.js';
import { Week } from '../src/weeks/entities/week.entity.js';
import { expectValidationError, ISO_TIMESTAMP, outcome } from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, writeOutsideApi, type TestApp } from './support/test-app.js';
import {
  albumRef,
  albumSlotRows,
  countQueries,
  failure,
  invalid,
  keysOf,
  member,
  type Member,
  movieRef,
  movieSlotRows,
  nowIso,
  RawJson,
  seedAlbum,
  seedHistory,
  seedMovie,
  seedWeek,
  seedWeekAlbum,
  seedWeekMovie,
  WEEK_DETAIL_KEYS,
  WEEK_KEYS,
  weekRow,
  WeekPicker,
  WeeksClient,
  ALBUM_REF_KEYS,
  ALBUM_SLOT_KEYS,
  MOVIE_REF_KEYS,
  MOVIE_SLOT_KEYS,
  UNJUDGED,
} from './support/week-helpers.js';

interface WeekBody {
  id: number;
  user_id: number | null;
  owner: { id: number; username: string } | null;
  year: number;
  week_number: number;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

const MODIFY_OTHER = 'Only the owner can modify this week';
const MODIFY_UNCLAIMED = 'Cannot modify an unclaimed week';
const DELETE_OTHER = 'Only the owner can delete this week';
const DELETE_UNCLAIMED = 'Cannot delete an unclaimed week';
const WEEK_NOT_FOUND = failure(404, 'Week not found');
const NOTES_TOO_LONG = 'notes must be at most 2000 characters';

/** 2000 code points but 4000 UTF-16 units: lengths count code points (§1.2). */
const NOTES_2000 = '😀'.repeat(1999) + 'é';
const NOTES_2001 = '😀'.repeat(2001);

/** The Week view (§5.1) of a week row, given its owner (or null). */
function weekView(row: Week, owner: Member | null): WeekBody {
  return {
    id: row.id,
    user_id: owner ? owner.id : null,
    owner: owner ? { id: owner.id, username: owner.username } : null,
    year: row.year,
    week_number: row.weekNumber,
    notes: row.notes,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function expectWeekTypes(body: WeekBody): void {
  expect(Number.isInteger(body.id)).toBe(true);
  expect(Number.isInteger(body.year)).toBe(true);
  expect(Number.isInteger(body.week_number)).toBe(true);
  expect(body.created_at).toMatch(ISO_TIMESTAMP);
  expect(body.updated_at).toMatch(ISO_TIMESTAMP);
  if (body.user_id !== null) expect(Number.isInteger(body.user_id)).toBe(true);
  expect(body.user_id === null).toBe(body.owner === null);
}

describe('Weeks (contract §5)', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  const picker = new WeekPicker(1950);
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;
  let bob: Member;
  let movieA: Movie;
  let movieB: Movie;
  let albumA: Album;
  let albumB: Album;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
    bob = await member(t.server, 'bob');
    movieA = await seedMovie(t.dataSource, { title: 'Movie A' });
    movieB = await seedMovie(t.dataSource, { title: 'Movie B' });
    albumA = await seedAlbum(t.dataSource, { title: 'Album A' });
    albumB = await seedAlbum(t.dataSource, { title: 'Album B' });
  });

  afterAll(async () => {
    await t.close();
  });

  /** POST /api/weeks as `who`, asserting the 201. */
  async function createWeek(
    who: Member,
    fields: { year: number; week_number: number; notes?: string | null } = picker.next(),
  ): Promise<WeekBody> {
    const res = await api.create(who, fields);
    expect(res.status).toBe(201);
    return res.body as WeekBody;
  }

  async function unclaimedWeek(notes: string | null = null): Promise<Week> {
    return seedWeek(t.dataSource, { ...picker.next(), userId: null, notes });
  }

  describe('authentication comes first (401)', () => {
    const cases: [string, string, unknown][] = [
      ['GET', '/api/weeks?page=0', undefined],
      ['POST', '/api/weeks', { year: 1, week_number: 99 }],
      ['GET', '/api/weeks/current', undefined],
      ['GET', '/api/weeks/abc', undefined],
      ['GET', '/api/weeks/999999', undefined],
      ['PATCH', '/api/weeks/999999', { year: 2025 }],
      ['PATCH', '/api/weeks/current', { notes: 5 }],
      ['DELETE', '/api/weeks/0', undefined],
      ['DELETE', '/api/weeks/999999', undefined],
    ];

    it.each(cases)('%s %s without a token → 401 Not authenticated', async (method, path, body) => {
      const agent = request(t.server);
      let pending =
        method === 'GET'
          ? agent.get(path)
          : method === 'POST'
            ? agent.post(path)
            : method === 'PATCH'
              ? agent.patch(path)
              : agent.delete(path);
      if (body !== undefined) pending = pending.send(body as object);
      expect(outcome(await pending)).toEqual(failure(401, 'Not authenticated'));
    });

    it('does not create the current week for an anonymous caller', async () => {
      const before = await t.dataSource.getRepository(Week).count();
      expect((await api.current(null)).status).toBe(401);
      expect(await t.dataSource.getRepository(Week).count()).toBe(before);
    });
  });

  describe('POST /api/weeks', () => {
    it('creates a week owned by the caller: 201 Week, timestamps from the clock', async () => {
      clock.advance(1000);
      const res = await api.create(alice, { year: 2025, week_number: 52, notes: 'Best week' });
      expect(outcome(res)).toEqual({
        status: 201,
        body: {
          id: expect.any(Number),
          user_id: alice.id,
          owner: { id: alice.id, username: 'alice' },
          year: 2025,
          week_number: 52,
          notes: 'Best week',
          created_at: nowIso(clock),
          updated_at: nowIso(clock),
        },
      });
      expect(keysOf(res.body)).toEqual(WEEK_KEYS);
      expectWeekTypes(res.body);

      const read = await api.get(bob, res.body.id);
      expect(outcome(read)).toEqual({ status: 200, body: { ...res.body, movies: [], albums: [] } });
    });

    it('409 names the owner, the caller included, and leaves the week alone', async () => {
      const week = await createWeek(alice, { year: 2030, week_number: 7, notes: 'mine' });
      clock.advance(1000);
      const message = 'Week 2030-W07 already exists (owned by alice)';
      expect(outcome(await api.create(bob, { year: 2030, week_number: 7 }))).toEqual(
        failure(409, message),
      );
      expect(
        outcome(await api.create(alice, { year: 2030, week_number: 7, notes: 'again' })),
      ).toEqual(failure(409, message));
      expect(outcome(await api.get(alice, week.id))).toEqual({
        status: 200,
        body: { ...week, movies: [], albums: [] },
      });
    });

    it('409 uses two-digit week numbers: Week 2025-W52 … (owned by alice)', async () => {
      // 2025-W52 was created by alice in the first test of this block; re-create it here if
      // that test did not run, so this one stands alone.
      const existing = await t.dataSource
        .getRepository(Week)
        .findOneBy({ year: 2025, weekNumber: 52 });
      if (!existing) await createWeek(alice, { year: 2025, week_number: 52 });
      expect(outcome(await api.create(bob, { year: 2025, week_number: 52 }))).toEqual(
        failure(409, 'Week 2025-W52 already exists (owned by alice)'),
      );
    });

    it('409 (unclaimed) for a week that exists without owner', async () => {
      await seedWeek(t.dataSource, { year: 2031, week_number: 2, userId: null });
      expect(outcome(await api.create(bob, { year: 2031, week_number: 2 }))).toEqual(
        failure(409, 'Week 2031-W02 already exists (unclaimed)'),
      );
      const row = await t.dataSource.getRepository(Week).findOneBy({ year: 2031, weekNumber: 2 });
      expect(row?.userId).toBeNull();
    });

    it('notes default to null, and an explicit null is null', async () => {
      const absent = await createWeek(alice, picker.next());
      expect(absent.notes).toBeNull();
      const explicit = await createWeek(alice, { ...picker.next(), notes: null });
      expect(explicit.notes).toBeNull();
      const empty = await createWeek(alice, { ...picker.next(), notes: '' });
      expect(empty.notes).toBe('');
    });

    it.each([1900, 2100])('accepts year %i (bound)', async (year) => {
      const res = await api.create(alice, { year, week_number: 1 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ year, week_number: 1, user_id: alice.id });
    });

    it.each([1899, 2101, -2025, 0])('refuses year %i', async (year) => {
      expect(outcome(await api.create(alice, { year, week_number: 1 }))).toEqual(
        invalid('year', 'year must be between 1900 and 2100'),
      );
    });

    it.each([1, 52])('accepts week_number %i', async (weekNumber) => {
      const res = await api.create(alice, { year: 1960, week_number: weekNumber });
      expect(res.status).toBe(201);
      expect(res.body.week_number).toBe(weekNumber);
    });

    it.each([0, 54, -1])('refuses week_number %i', async (weekNumber) => {
      expect(outcome(await api.create(alice, { year: 1961, week_number: weekNumber }))).toEqual(
        invalid('week_number', 'week_number must be between 1 and 53'),
      );
    });

    it.each([2015, 2020, 2026, 2032])('accepts week 53 of the 53-week year %i', async (year) => {
      const res = await api.create(alice, { year, week_number: 53 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ year, week_number: 53 });
    });

    it.each([2024, 2025, 2100])('refuses week 53 of the 52-week year %i', async (year) => {
      expect(outcome(await api.create(alice, { year, week_number: 53 }))).toEqual(
        invalid(
          'week_number',
          `week_number 53 does not exist in ISO year ${year} (it has 52 weeks)`,
        ),
      );
      const row = await t.dataSource.getRepository(Week).findOneBy({ year, weekNumber: 53 });
      expect(row).toBeNull();
    });

    it('reports every error together, exactly as in §1.4', async () => {
      const res = await api.create(alice, { year: 2025, week_number: 53, notes: NOTES_2001 });
      expect(outcome(res)).toEqual({
        status: 422,
        body: {
          detail:
            'week_number 53 does not exist in ISO year 2025 (it has 52 weeks); notes must be at most 2000 characters',
          errors: [
            {
              field: 'week_number',
              location: 'body',
              message: 'week_number 53 does not exist in ISO year 2025 (it has 52 weeks)',
            },
            { field: 'notes', location: 'body', message: NOTES_TOO_LONG },
          ],
        },
      });
    });

    it('accepts notes of 2000 code points and stores them exactly', async () => {
      const res = await api.create(alice, { ...picker.next(), notes: NOTES_2000 });
      expect(res.status).toBe(201);
      expect(res.body.notes).toBe(NOTES_2000);
      expect((await weekRow(t.dataSource, res.body.id))?.notes).toBe(NOTES_2000);
    });

    it('refuses notes of 2001 code points', async () => {
      const week = picker.next();
      expect(outcome(await api.create(alice, { ...week, notes: NOTES_2001 }))).toEqual(
        invalid('notes', NOTES_TOO_LONG),
      );
      expect(
        await t.dataSource
          .getRepository(Week)
          .findOneBy({ year: week.year, weekNumber: week.week_number }),
      ).toBeNull();
    });

    it.each(['"2025"', 'true', '2025.5', 'null', '[2025]'])(
      'does not coerce year %s',
      async (year) => {
        const res = await api.create(alice, new RawJson(`{"year": ${year}, "week_number": 5}`));
        expect(outcome(res)).toEqual(invalid('year', 'year must be an integer'));
      },
    );

    it('does not coerce week_number "5"', async () => {
      expect(outcome(await api.create(alice, { year: 1962, week_number: '5' }))).toEqual(
        invalid('week_number', 'week_number must be an integer'),
      );
    });

    it('takes 2033.0 as the integer 2033', async () => {
      const res = await api.create(alice, new RawJson('{"year": 2033.0, "week_number": 5.0}'));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ year: 2033, week_number: 5 });
    });

    it('requires year and week_number (an empty body is validated as {})', async () => {
      expectValidationError(await api.create(alice, {}), ['year', 'week_number']);
      expectValidationError(
        await request(t.server)
          .post('/api/weeks')
          .set(alice.auth)
          .set('Content-Type', 'application/json'),
        ['year', 'week_number'],
      );
    });

    it('forbids unknown fields', async () => {
      const res = await api.create(alice, { ...picker.next(), user_id: bob.id });
      expect(outcome(res)).toEqual(invalid('user_id', 'user_id is not allowed'));
    });

    it('refuses a non-string notes value', async () => {
      expectValidationError(await api.create(alice, { ...picker.next(), notes: 5 }), ['notes']);
    });

    it('refuses a body that is not an object', async () => {
      expectValidationError(await api.create(alice, new RawJson('[2025, 1]')), [null]);
    });

    it('10 concurrent creates of one week: exactly one 201, nine 409', async () => {
      const racers = [alice, bob, alice, bob, alice, bob, alice, bob, alice, bob];
      const responses = await Promise.all(
        racers.map((who) => api.create(who, { year: 2040, week_number: 7 })),
      );
      const statuses = responses.map((res) => res.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      const winner = responses.find((res) => res.status === 201)!.body as WeekBody;
      for (const res of responses.filter((each) => each.status === 409)) {
        expect(res.body).toEqual({
          detail: `Week 2040-W07 already exists (owned by ${winner.owner!.username})`,
        });
      }
      expect(await t.dataSource.getRepository(Week).countBy({ year: 2040, weekNumber: 7 })).toBe(1);
    });
  });

  describe('GET /api/weeks/{week_id}', () => {
    it.each([999999, 2147483647])('404 Week not found for %i', async (id) => {
      expect(outcome(await api.get(alice, id))).toEqual(WEEK_NOT_FOUND);
    });

    it.each(['abc', '1.5', '1e3', '0x10'])('422 week_id must be an integer for %s', async (id) => {
      expect(outcome(await api.get(alice, id))).toEqual(
        invalid('week_id', 'week_id must be an integer', 'path'),
      );
    });

    it.each(['0', '-1', '2147483648'])('422 on week_id %s (out of 1…2147483647)', async (id) => {
      expectValidationError(await api.get(alice, id), ['week_id'], 'path');
    });

    it("anyone reads anyone's week: WeekDetail with slots sorted by position", async () => {
      const created = await createWeek(alice, { ...picker.next(), notes: 'detail' });
      const release = await seedAlbum(t.dataSource, {
        title: 'Front cover',
        coverArtSource: 'release',
        releaseGroupId: null,
      });
      const group = await seedAlbum(t.dataSource, {
        title: 'Group cover',
        coverArtSource: 'release-group',
        releaseGroupId: '91000000-0000-4000-8000-0000000000aa',
      });
      const second = new Date('2025-01-02T03:04:05.006Z');
      const first = new Date('2025-01-03T03:04:05.007Z');
      // Written in the "wrong" order: the reply sorts by position.
      await seedWeekMovie(t.dataSource, created.id, movieB, 2, second);
      await seedWeekMovie(t.dataSource, created.id, movieA, 1, first);
      await seedWeekAlbum(t.dataSource, created.id, group, 2, second);
      await seedWeekAlbum(t.dataSource, created.id, release, 1, first);

      const res = await api.get(bob, created.id);
      expect(outcome(res)).toEqual({
        status: 200,
        body: {
          ...created,
          movies: [
            { position: 1, added_at: first.toISOString(), movie: movieRef(movieA), ...UNJUDGED },
            { position: 2, added_at: second.toISOString(), movie: movieRef(movieB), ...UNJUDGED },
          ],
          albums: [
            {
              position: 1,
              added_at: first.toISOString(),
              album: albumRef(
                release,
                `https://coverartarchive.org/release/${release.musicbrainzId}/front`,
              ),

              ...UNJUDGED,
            },
            {
              position: 2,
              added_at: second.toISOString(),
              album: albumRef(
                group,
                'https://coverartarchive.org/release-group/91000000-0000-4000-8000-0000000000aa/front',
              ),

              ...UNJUDGED,
            },
          ],
        },
      });
      expect(keysOf(res.body)).toEqual(WEEK_DETAIL_KEYS);
      for (const slot of res.body.movies) {
        expect(keysOf(slot)).toEqual(MOVIE_SLOT_KEYS);
        expect(keysOf(slot.movie)).toEqual(MOVIE_REF_KEYS);
        expect(Number.isInteger(slot.movie.id)).toBe(true);
        expect(Number.isInteger(slot.movie.tmdb_id)).toBe(true);
        expect(slot.movie.cached_at).toMatch(ISO_TIMESTAMP);
      }
      for (const slot of res.body.albums) {
        expect(keysOf(slot)).toEqual(ALBUM_SLOT_KEYS);
        expect(keysOf(slot.album)).toEqual(ALBUM_REF_KEYS);
      }
    });

    it('an unclaimed week shows user_id and owner as literal nulls', async () => {
      const week = await unclaimedWeek();
      const res = await api.get(alice, week.id);
      expect(outcome(res)).toEqual({
        status: 200,
        body: { ...weekView(week, null), movies: [], albums: [] },
      });
      expect(res.text).toContain('"user_id":null');
      expect(res.text).toContain('"owner":null');
      expect(res.text).toContain('"notes":null');
    });
  });

  describe('PATCH /api/weeks/{week_id}', () => {
    async function ownWeek(notes: string | null = 'original'): Promise<WeekBody> {
      return createWeek(alice, { ...picker.next(), notes });
    }

    it('a string sets the notes: 200 Week (no items), updated_at moves', async () => {
      const week = await ownWeek();
      clock.advance(60_000);
      const res = await api.patch(alice, week.id, { notes: 'changed' });
      expect(outcome(res)).toEqual({
        status: 200,
        body: { ...week, notes: 'changed', updated_at: nowIso(clock) },
      });
      expect(keysOf(res.body)).toEqual(WEEK_KEYS);
      expect(outcome(await api.get(bob, week.id))).toEqual({
        status: 200,
        body: { ...res.body, movies: [], albums: [] },
      });
    });

    it('"" is allowed and stored as "" (not null)', async () => {
      const week = await ownWeek();
      clock.advance(1);
      const res = await api.patch(alice, week.id, { notes: '' });
      expect(outcome(res)).toEqual({
        status: 200,
        body: { ...week, notes: '', updated_at: nowIso(clock) },
      });
      expect((await api.get(alice, week.id)).body.notes).toBe('');
      expect((await weekRow(t.dataSource, week.id))?.notes).toBe('');
    });

    it('null clears the notes', async () => {
      const week = await ownWeek();
      clock.advance(1);
      const res = await api.patch(alice, week.id, { notes: null });
      expect(outcome(res)).toEqual({
        status: 200,
        body: { ...week, notes: null, updated_at: nowIso(clock) },
      });
      expect(res.text).toContain('"notes":null');
      expect((await weekRow(t.dataSource, week.id))?.notes).toBeNull();
    });

    it('an absent key changes nothing, updated_at included ({} and no body at all)', async () => {
      const week = await ownWeek();
      clock.advance(5000);
      expect(outcome(await api.patch(alice, week.id, {}))).toEqual({ status: 200, body: week });
      clock.advance(5000);
      const noBody = await request(t.server)
        .patch(`/api/weeks/${week.id}`)
        .set(alice.auth)
        .set('Content-Type', 'application/json');
      expect(outcome(noBody)).toEqual({ status: 200, body: week });
    });

    it('updated_at is set whenever notes is present, even to the same value', async () => {
      const week = await ownWeek('same');
      clock.advance(1000);
      const res = await api.patch(alice, week.id, { notes: 'same' });
      expect(outcome(res)).toEqual({
        status: 200,
        body: { ...week, updated_at: nowIso(clock) },
      });
      clock.advance(1000);
      await api.patch(alice, week.id, { notes: null });
      clock.advance(1000);
      const again = await api.patch(alice, week.id, { notes: null });
      expect(again.body.updated_at).toBe(nowIso(clock));
    });

    it('accepts 2000 code points and refuses 2001', async () => {
      const week = await ownWeek();
      expect((await api.patch(alice, week.id, { notes: NOTES_2000 })).body.notes).toBe(NOTES_2000);
      expect(outcome(await api.patch(alice, week.id, { notes: NOTES_2001 }))).toEqual(
        invalid('notes', NOTES_TOO_LONG),
      );
      expect((await weekRow(t.dataSource, week.id))?.notes).toBe(NOTES_2000);
    });

    it.each(['year', 'week_number', 'user_id', 'id'])(
      'any other key (%s) → 422 … is not allowed, nothing changes',
      async (key) => {
        const week = await ownWeek();
        clock.advance(1000);
        expect(outcome(await api.patch(alice, week.id, { [key]: 2030 }))).toEqual(
          invalid(key, `${key} is not allowed`),
        );
        expectValidationError(await api.patch(alice, week.id, { notes: 'new', [key]: 1 }), [key]);
        expect(outcome(await api.get(alice, week.id))).toEqual({
          status: 200,
          body: { ...week, movies: [], albums: [] },
        });
      },
    );

    it('refuses non-string notes and non-object bodies', async () => {
      const week = await ownWeek();
      expectValidationError(await api.patch(alice, week.id, { notes: 5 }), ['notes']);
      expectValidationError(await api.patch(alice, week.id, { notes: ['a'] }), ['notes']);
      expectValidationError(await api.patch(alice, week.id, new RawJson('"notes"')), [null]);
      expect((await weekRow(t.dataSource, week.id))?.notes).toBe('original');
    });
  });

  describe('DELETE /api/weeks/{week_id}', () => {
    it('204 without a body; the items go (cascade), the catalog stays', async () => {
      const week = await createWeek(alice, picker.next());
      expect(
        (await api.addMovie(alice, week.id, { tmdb_id: movieA.tmdbId, position: 1 })).status,
      ).toBe(201);
      expect(
        (await api.addMovie(alice, week.id, { tmdb_id: movieB.tmdbId, position: 2 })).status,
      ).toBe(201);
      expect(
        (await api.addAlbum(alice, week.id, { musicbrainz_id: albumA.musicbrainzId, position: 1 }))
          .status,
      ).toBe(201);
      expect(
        (await api.addAlbum(alice, week.id, { musicbrainz_id: albumB.musicbrainzId, position: 2 }))
          .status,
      ).toBe(201);
      expect(await movieSlotRows(t.dataSource, week.id)).toHaveLength(2);

      const res = await api.remove(alice, week.id);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      expect(outcome(await api.get(alice, week.id))).toEqual(WEEK_NOT_FOUND);
      expect(await weekRow(t.dataSource, week.id)).toBeNull();
      expect(await t.dataSource.getRepository(WeekMovie).countBy({ weekId: week.id })).toBe(0);
      expect(await t.dataSource.getRepository(WeekAlbum).countBy({ weekId: week.id })).toBe(0);
      for (const movie of [movieA, movieB]) {
        expect(await t.dataSource.getRepository(Movie).findOneBy({ id: movie.id })).toEqual(movie);
      }
      for (const album of [albumA, albumB]) {
        expect(await t.dataSource.getRepository(Album).findOneBy({ id: album.id })).toEqual(album);
      }
      expect(outcome(await api.remove(alice, week.id))).toEqual(WEEK_NOT_FOUND);
    });

    it('404 for an unknown week, 422 for a bad week_id', async () => {
      expect(outcome(await api.remove(alice, 999999))).toEqual(WEEK_NOT_FOUND);
      expect(outcome(await api.remove(alice, 'abc'))).toEqual(
        invalid('week_id', 'week_id must be an integer', 'path'),
      );
      expectValidationError(await api.remove(alice, 0), ['week_id'], 'path');
    });
  });

  describe('ownership rules (§5.8): owner / someone else / unclaimed', () => {
    type Caller = 'owner' | 'other user' | 'unclaimed';
    type Action = 'PATCH' | 'DELETE' | 'add movie' | 'remove movie' | 'add album' | 'remove album';

    const matrix: [Action, Caller, number, string | null][] = [
      ['PATCH', 'owner', 200, null],
      ['PATCH', 'other user', 403, MODIFY_OTHER],
      ['PATCH', 'unclaimed', 403, MODIFY_UNCLAIMED],
      ['DELETE', 'owner', 204, null],
      ['DELETE', 'other user', 403, DELETE_OTHER],
      ['DELETE', 'unclaimed', 403, DELETE_UNCLAIMED],
      ['add movie', 'owner', 201, null],
      ['add movie', 'other user', 403, MODIFY_OTHER],
      ['add movie', 'unclaimed', 201, null],
      ['remove movie', 'owner', 204, null],
      ['remove movie', 'other user', 403, MODIFY_OTHER],
      ['remove movie', 'unclaimed', 403, MODIFY_UNCLAIMED],
      ['add album', 'owner', 201, null],
      ['add album', 'other user', 403, MODIFY_OTHER],
      ['add album', 'unclaimed', 201, null],
      ['remove album', 'owner', 204, null],
      ['remove album', 'other user', 403, MODIFY_OTHER],
      ['remove album', 'unclaimed', 403, MODIFY_UNCLAIMED],
    ];

    async function snapshot(weekId: number) {
      return {
        week: await weekRow(t.dataSource, weekId),
        movies: await movieSlotRows(t.dataSource, weekId),
        albums: await albumSlotRows(t.dataSource, weekId),
      };
    }

    function perform(action: Action, who: Member, weekId: number): Promise<Response> {
      switch (action) {
        case 'PATCH':
          return api.patch(who, weekId, { notes: 'changed' });
        case 'DELETE':
          return api.remove(who, weekId);
        case 'add movie':
          return api.addMovie(who, weekId, { tmdb_id: movieB.tmdbId, position: 2 });
        case 'remove movie':
          return api.removeMovie(who, weekId, 1);
        case 'add album':
          return api.addAlbum(who, weekId, { musicbrainz_id: albumB.musicbrainzId, position: 2 });
        case 'remove album':
          return api.removeAlbum(who, weekId, 1);
      }
    }

    it.each(matrix)('%s by the %s → %i %s', async (action, caller, status, detail) => {
      // A week holding movie A and album A in position 1, owned by alice unless unclaimed.
      const week = await seedWeek(t.dataSource, {
        ...picker.next(),
        userId: caller === 'unclaimed' ? null : alice.id,
        notes: 'original',
      });
      await seedWeekMovie(t.dataSource, week.id, movieA, 1);
      await seedWeekAlbum(t.dataSource, week.id, albumA, 1);
      const who = caller === 'owner' ? alice : bob;
      const before = await snapshot(week.id);
      clock.advance(1000);

      const res = await perform(action, who, week.id);

      if (detail !== null) {
        expect(outcome(res)).toEqual(failure(status, detail));
        expect(await snapshot(week.id)).toEqual(before);
        return;
      }
      expect(res.status).toBe(status);
      const after = await snapshot(week.id);
      switch (action) {
        case 'PATCH':
          expect(res.body.notes).toBe('changed');
          expect(after.week?.notes).toBe('changed');
          break;
        case 'DELETE':
          expect(res.text).toBe('');
          expect(after.week).toBeNull();
          break;
        case 'add movie':
          expect(res.body).toMatchObject({ week_id: week.id, position: 2 });
          expect(after.movies.map((slot) => [slot.position, slot.movieId])).toEqual([
            [1, movieA.id],
            [2, movieB.id],
          ]);
          break;
        case 'add album':
          expect(res.body).toMatchObject({ week_id: week.id, position: 2 });
          expect(after.albums.map((slot) => [slot.position, slot.albumId])).toEqual([
            [1, albumA.id],
            [2, albumB.id],
          ]);
          break;
        case 'remove movie':
          expect(res.text).toBe('');
          expect(after.movies).toEqual([]);
          break;
        case 'remove album':
          expect(res.text).toBe('');
          expect(after.albums).toEqual([]);
          break;
      }
      if (after.week) {
        // The caller owns it now (an add claims an unclaimed week), and updated_at moved.
        expect(after.week.userId).toBe(who.id);
        expect(after.week.updatedAt.toISOString()).toBe(nowIso(clock));
      }
    });

    it('reading is open to everyone: list, by id, current', async () => {
      const week = await unclaimedWeek('open');
      const owned = await createWeek(alice, picker.next());
      for (const who of [alice, bob]) {
        expect((await api.get(who, week.id)).status).toBe(200);
        expect((await api.get(who, owned.id)).status).toBe(200);
        expect((await api.list(who, `?year=${owned.year}`)).status).toBe(200);
        expect((await api.current(who)).status).toBe(200);
      }
    });
  });

  describe('order of checks (§1.5): 401 → 422 → 404 → 403', () => {
    it('an invalid body on a missing week is 422, not 404', async () => {
      expect(outcome(await api.patch(alice, 999999, { notes: NOTES_2001 }))).toEqual(
        invalid('notes', NOTES_TOO_LONG),
      );
      expect(outcome(await api.patch(alice, 999999, { year: 1 }))).toEqual(
        invalid('year', 'year is not allowed'),
      );
    });

    it("an invalid body on someone else's or an unclaimed week is 422, not 403", async () => {
      const owned = await createWeek(alice, picker.next());
      const unclaimed = await unclaimedWeek();
      expect(outcome(await api.patch(bob, owned.id, { notes: 7 }))).toMatchObject({
        status: 422,
      });
      expect(outcome(await api.patch(bob, unclaimed.id, { notes: NOTES_2001 }))).toEqual(
        invalid('notes', NOTES_TOO_LONG),
      );
    });

    it('a valid body on a missing week is 404, before any 403', async () => {
      expect(outcome(await api.patch(bob, 999999, { notes: 'x' }))).toEqual(WEEK_NOT_FOUND);
      expect(outcome(await api.remove(bob, 999999))).toEqual(WEEK_NOT_FOUND);
    });

    it('path and body errors are reported together', async () => {
      const res = await api.patch(alice, 'abc', { notes: 5, year: 2025 });
      expect(res.status).toBe(422);
      const errors = res.body.errors as { field: string; location: string; message: string }[];
      expect(errors.map((error) => [error.field, error.location]).sort()).toEqual([
        ['notes', 'body'],
        ['week_id', 'path'],
        ['year', 'body'],
      ]);
      expect(res.body.detail).toBe(errors.map((error) => error.message).join('; '));
    });

    it.each(['PATCH', 'DELETE'])(
      '%s /api/weeks/current reaches the {week_id} route → 422 on week_id',
      async (method) => {
        const res =
          method === 'PATCH'
            ? await api.patch(alice, 'current', { notes: 'x' })
            : await api.remove(alice, 'current');
        expect(outcome(res)).toEqual(invalid('week_id', 'week_id must be an integer', 'path'));
      },
    );
  });

  describe("an owner's user row removed outside the API", () => {
    it('leaves their weeks unclaimed with their items', async () => {
      const carol = await member(t.server, 'carol');
      const week = await createWeek(carol, { ...picker.next(), notes: 'carol was here' });
      expect(
        (await api.addMovie(carol, week.id, { tmdb_id: movieA.tmdbId, position: 1 })).status,
      ).toBe(201);
      const slotBody = (await api.get(alice, week.id)).body.movies;
      expect(slotBody).toHaveLength(1);

      await writeOutsideApi(t, (db) => db.getRepository(User).delete({ id: carol.id }));

      const res = await api.get(alice, week.id);
      expect(outcome(res)).toEqual({
        status: 200,
        body: {
          ...week,
          user_id: null,
          owner: null,
          updated_at: expect.stringMatching(ISO_TIMESTAMP),
          movies: slotBody,
          albums: [],
        },
      });
      expect(res.text).toContain('"user_id":null');
      const listed = await api.list(alice, `?year=${week.year}&page_size=100`);
      expect(listed.body.results.find((each: WeekBody) => each.id === week.id)).toMatchObject({
        user_id: null,
        owner: null,
      });
      expect(
        outcome(await api.create(bob, { year: week.year, week_number: week.week_number })),
      ).toEqual(
        failure(
          409,
          `Week ${week.year}-W${String(week.week_number).padStart(2, '0')} already exists (unclaimed)`,
        ),
      );
      expect(outcome(await api.patch(bob, week.id, { notes: 'mine' }))).toEqual(
        failure(403, MODIFY_UNCLAIMED),
      );
      // The next successful add claims it again.
      expect(
        (await api.addMovie(bob, week.id, { tmdb_id: movieB.tmdbId, position: 2 })).status,
      ).toBe(201);
      expect((await api.get(alice, week.id)).body.owner).toEqual({ id: bob.id, username: 'bob' });
    });
  });
});

describe('GET /api/weeks/current (contract §5.4)', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;
  let bob: Member;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
    bob = await member(t.server, 'bob');
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['2021-01-03T12:00:00.000Z', 2020, 53],
    ['2021-01-04T00:00:00.000Z', 2021, 1],
    ['2024-12-29T23:59:59.999Z', 2024, 52],
    ['2024-12-30T00:00:00.000Z', 2025, 1],
    ['2025-12-28T23:59:59.999Z', 2025, 52],
    ['2025-12-29T00:00:00.000Z', 2026, 1],
    ['2027-01-03T23:59:59.999Z', 2026, 53],
  ])('at %s it is %i-W%i, created unclaimed', async (instant, year, weekNumber) => {
    clock.setTo(instant);
    const res = await api.current(alice);
    expect(outcome(res)).toEqual({
      status: 200,
      body: {
        id: expect.any(Number),
        user_id: null,
        owner: null,
        year,
        week_number: weekNumber,
        notes: null,
        created_at: instant,
        updated_at: instant,
        movies: [],
        albums: [],
      },
    });
    expect(keysOf(res.body)).toEqual(WEEK_DETAIL_KEYS);
    expect(res.text).toContain('"user_id":null');
    expect(Number.isInteger(res.body.id)).toBe(true);
    const row = await t.dataSource.getRepository(Week).findOneBy({ year, weekNumber });
    expect(row?.id).toBe(res.body.id);
    expect(row?.userId).toBeNull();
  });

  it('later calls in the same week return the same week, unchanged', async () => {
    clock.setTo('2033-06-15T10:00:00.000Z');
    const first = await api.current(alice);
    expect(first.body).toMatchObject({ year: 2033, week_number: 24, user_id: null });
    clock.advance(2 * 86_400_000);
    const second = await api.current(bob);
    expect(outcome(second)).toEqual({ status: 200, body: first.body });
    expect(await t.dataSource.getRepository(Week).countBy({ year: 2033, weekNumber: 24 })).toBe(1);
  });

  it('returns the week someone created, with its items, and never makes the caller owner', async () => {
    const movie = await seedMovie(t.dataSource, { title: 'Current pick' });
    clock.setTo('2032-03-10T12:00:00.000Z');
    const created = await api.create(alice, { year: 2032, week_number: 11, notes: 'hi' });
    expect(created.status).toBe(201);
    const added = await api.addMovie(alice, created.body.id, {
      tmdb_id: movie.tmdbId,
      position: 2,
    });
    expect(added.status).toBe(201);
    const res = await api.current(bob);
    expect(outcome(res)).toEqual({
      status: 200,
      body: {
        ...created.body,
        movies: [{ position: 2, added_at: nowIso(clock), movie: movieRef(movie), ...UNJUDGED }],
        albums: [],
      },
    });
  });

  it('10 concurrent first calls all get 200 with the same id', async () => {
    clock.setTo('2034-02-01T00:00:00.000Z');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api.current(i % 2 === 0 ? alice : bob)),
    );
    expect(responses.map((res) => res.status)).toEqual(Array(10).fill(200));
    const ids = new Set(responses.map((res) => res.body.id));
    expect(ids.size).toBe(1);
    for (const res of responses) {
      expect(res.body).toMatchObject({ year: 2034, week_number: 5, user_id: null, owner: null });
    }
    expect(await t.dataSource.getRepository(Week).countBy({ year: 2034, weekNumber: 5 })).toBe(1);
  });

  it('a deleted current week is recreated unclaimed by a later call', async () => {
    const movie = await seedMovie(t.dataSource, { title: 'Doomed pick' });
    clock.setTo('2036-09-10T08:00:00.000Z');
    const current = await api.current(alice);
    expect(current.body).toMatchObject({ year: 2036, week_number: 37, user_id: null });
    clock.advance(1000);
    expect(
      (await api.addMovie(alice, current.body.id, { tmdb_id: movie.tmdbId, position: 1 })).status,
    ).toBe(201);
    expect((await api.patch(alice, current.body.id, { notes: 'gone soon' })).status).toBe(200);
    expect((await api.remove(alice, current.body.id)).status).toBe(204);

    clock.advance(3_600_000);
    const recreated = await api.current(bob);
    expect(outcome(recreated)).toEqual({
      status: 200,
      body: {
        id: expect.any(Number),
        user_id: null,
        owner: null,
        year: 2036,
        week_number: 37,
        notes: null,
        created_at: nowIso(clock),
        updated_at: nowIso(clock),
        movies: [],
        albums: [],
      },
    });
    expect(await t.dataSource.getRepository(WeekMovie).countBy({ weekId: current.body.id })).toBe(
      0,
    );
    expect(await t.dataSource.getRepository(Movie).countBy({ id: movie.id })).toBe(1);
  });
});

describe('GET /api/weeks (contract §5.2)', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;
  let bob: Member;
  /** Every week of this app, in the listing's order. */
  let expected: WeekBody[];

  beforeAll(async () => {
    t = await createTestApp({ clock });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
    bob = await member(t.server, 'bob');
  });

  afterAll(async () => {
    await t.close();
  });

  it('is an empty page on an empty database', async () => {
    expect(outcome(await api.list(alice))).toEqual({
      status: 200,
      body: { total: 0, page: 1, page_size: 20, results: [] },
    });
  });

  describe('with weeks', () => {
    beforeAll(async () => {
      const made = async (who: Member, year: number, weekNumber: number, notes?: string) => {
        clock.advance(1000);
        const res = await api.create(who, { year, week_number: weekNumber, notes });
        expect(res.status).toBe(201);
        return res.body as WeekBody;
      };
      const unclaimed = async (year: number, weekNumber: number) => {
        clock.advance(1000);
        return weekView(
          await seedWeek(t.dataSource, {
            year,
            week_number: weekNumber,
            userId: null,
            at: clock.now(),
          }),
          null,
        );
      };
      // Created out of order, by several owners, unclaimed ones included.
      const w2024w9 = await made(alice, 2024, 9);
      const w2025w1 = await made(bob, 2025, 1, 'first');
      const w2003w40 = await unclaimed(2003, 40);
      const w2025w3 = await made(alice, 2025, 3);
      const w2024w52 = await unclaimed(2024, 52);
      const w2025w2 = await made(bob, 2025, 2);
      expected = [w2025w3, w2025w2, w2025w1, w2024w52, w2024w9, w2003w40];
    });

    it('lists every week, unclaimed included, by year desc then week_number desc', async () => {
      const res = await api.list(bob);
      expect(outcome(res)).toEqual({
        status: 200,
        body: { total: 6, page: 1, page_size: 20, results: expected },
      });
      for (const week of res.body.results as WeekBody[]) {
        expect(keysOf(week)).toEqual(WEEK_KEYS);
        expectWeekTypes(week);
      }
      expect(res.text).toContain('"user_id":null,"owner":null');
    });

    it('filters by year; total counts the filtered weeks', async () => {
      expect(outcome(await api.list(alice, '?year=2025'))).toEqual({
        status: 200,
        body: { total: 3, page: 1, page_size: 20, results: expected.slice(0, 3) },
      });
      expect(outcome(await api.list(alice, '?year=2024&page_size=1'))).toEqual({
        status: 200,
        body: { total: 2, page: 1, page_size: 1, results: [expected[3]] },
      });
      expect(outcome(await api.list(alice, '?year=1999'))).toEqual({
        status: 200,
        body: { total: 0, page: 1, page_size: 20, results: [] },
      });
    });

    it('pages without overlap, echoes page and page_size, and is empty past the end', async () => {
      const pages: WeekBody[] = [];
      for (const page of [1, 2, 3]) {
        const res = await api.list(alice, `?page=${page}&page_size=2`);
        expect(outcome(res)).toEqual({
          status: 200,
          body: { total: 6, page, page_size: 2, results: expected.slice((page - 1) * 2, page * 2) },
        });
        pages.push(...(res.body.results as WeekBody[]));
      }
      expect(pages).toEqual(expected);
      expect(outcome(await api.list(alice, '?page=4&page_size=2'))).toEqual({
        status: 200,
        body: { total: 6, page: 4, page_size: 2, results: [] },
      });
      expect(outcome(await api.list(alice, '?page=10000&page_size=100'))).toEqual({
        status: 200,
        body: { total: 6, page: 10000, page_size: 100, results: [] },
      });
    });

    it('accepts the bounds: page 1/10000, page_size 1/100, year 1900/2100', async () => {
      for (const [query, page, pageSize] of [
        ['?page=1&page_size=1', 1, 1],
        ['?page=10000&page_size=1', 10000, 1],
        ['?page_size=100', 1, 100],
        ['?year=1900', 1, 20],
        ['?year=2100', 1, 20],
      ] as [string, number, number][]) {
        const res = await api.list(alice, query);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ page, page_size: pageSize });
      }
    });

    it.each([
      ['?page=0', 'page'],
      ['?page=10001', 'page'],
      ['?page=-1', 'page'],
      ['?page_size=0', 'page_size'],
      ['?page_size=101', 'page_size'],
      ['?year=1899', 'year'],
      ['?year=2101', 'year'],
      ['?page=1&page=2', 'page'],
    ])('refuses %s → 422 on %s (query)', async (query, field) => {
      expectValidationError(await api.list(alice, query), [field], 'query');
    });

    it.each([
      ['page', 'abc'],
      ['page', '1.5'],
      ['page_size', '2e1'],
      ['year', 'twenty'],
    ])('%s=%s → 422 "must be an integer"', async (name, value) => {
      expect(outcome(await api.list(alice, `?${name}=${value}`))).toEqual(
        invalid(name, `${name} must be an integer`, 'query'),
      );
    });

    it('reports every query error together', async () => {
      expectValidationError(
        await api.list(alice, '?page=0&page_size=101&year=1899'),
        ['page', 'page_size', 'year'],
        'query',
      );
    });

    it.each(['?page=', '?page_size=', '?year=', '?page=&page_size=&year='])(
      'an empty value counts as absent: %s → the defaults',
      async (query) => {
        expect(outcome(await api.list(alice, query))).toEqual({
          status: 200,
          body: { total: 6, page: 1, page_size: 20, results: expected },
        });
      },
    );

    it('ignores unknown query parameters', async () => {
      expect(outcome(await api.list(alice, '?sort=asc&page_size=2&owner=bob'))).toEqual({
        status: 200,
        body: { total: 6, page: 1, page_size: 2, results: expected.slice(0, 2) },
      });
    });
  });
});

describe('No N+1: week list and week detail use a fixed number of queries', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;
  let weekIds: number[];

  beforeAll(async () => {
    // The read caches off: these count the queries of the reads themselves.
    t = await createTestApp({ clock, env: { READ_CACHE_TTL: '0' } });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
    ({ weekIds } = await seedHistory(t.dataSource, {
      weeks: 120,
      firstYear: 2000,
      userId: alice.id,
    }));
  });

  afterAll(async () => {
    await t.close();
  });

  it('GET /api/weeks: the same few queries for page_size 1 and 100', async () => {
    const small = await countQueries(t.dataSource, () => api.list(alice, '?page_size=1'));
    const large = await countQueries(t.dataSource, () => api.list(alice, '?page_size=100'));
    expect(small.result.status).toBe(200);
    expect(large.result.status).toBe(200);
    expect(small.result.body.results).toHaveLength(1);
    expect(large.result.body.results).toHaveLength(100);
    expect(large.result.body.total).toBe(120);
    expect(
      large.result.body.results.every((week: WeekBody) => week.owner?.username === 'alice'),
    ).toBe(true);
    expect(large.queries.length).toBe(small.queries.length);
    // One of them is the authentication's user lookup.
    expect(large.queries.length).toBeLessThanOrEqual(5);
  });

  it('GET /api/weeks/{id}: the same few queries for an empty week and a full one', async () => {
    const empty = await seedWeek(t.dataSource, { year: 2090, week_number: 1, userId: alice.id });
    const full = await countQueries(t.dataSource, () => api.get(alice, weekIds[10]));
    const bare = await countQueries(t.dataSource, () => api.get(alice, empty.id));
    expect(full.result.status).toBe(200);
    expect(full.result.body.movies).toHaveLength(2);
    expect(full.result.body.albums).toHaveLength(2);
    expect(bare.result.status).toBe(200);
    expect(bare.result.body.movies).toEqual([]);
    expect(full.queries.length).toBe(bare.queries.length);
    // One of them is the authentication's user lookup; one reads every verdict on the week.
    expect(full.queries.length).toBeLessThanOrEqual(5);
  });
});
