import request, { type Response } from 'supertest';
import { Album } from '../src/albums/entities/album.entity.js';
import { MovieCrew } from '../src/movies/entities/movie-crew.entity.js';
import { MovieGenre } from '../src/movies/entities/movie-genre.entity.js';
import { Movie } from '../src/movies/entities/movie.entity.js';
import { WeekAlbum } from '../src/weeks/entities/week-album.entity.js';
import { WeekMovie } from '../src/weeks/entities/week-movie.entity.js';
import { FakeUpstream } from './fake-upstream/fake-upstream.js';
import { MB } from './fake-upstream/fixtures/musicbrainz.js';
import { TMDB } from './fake-upstream/fixtures/tmdb.js';
import { expectValidationError, ISO_TIMESTAMP, outcome } from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import {
  albumRef,
  albumSlotRows,
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
  seedAlias,
  seedMovie,
  seedUuid,
  seedWeek,
  seedWeekAlbum,
  seedWeekMovie,
  UNJUDGED,
  weekRow,
  WeekPicker,
  WeeksClient,
} from './support/week-helpers.js';

const MODIFY_OTHER = 'Only the owner can modify this week';
const MODIFY_UNCLAIMED = 'Cannot modify an unclaimed week';
const WEEK_NOT_FOUND = failure(404, 'Week not found');
const NO_TMDB_KEY = failure(503, 'Movie search unavailable: TMDB_API_KEY is not configured');
const POSITION_MESSAGE = 'position must be 1 or 2';
const USER_AGENT = 'WrongOpinions/0.1.0 ( weeks-tests@example.org )';
const ADDED_MOVIE_KEYS = ['added_at', 'movie', 'position', 'rating', 'verdicts', 'week_id'];
const ADDED_ALBUM_KEYS = ['added_at', 'album', 'position', 'rating', 'verdicts', 'week_id'];

/** tmdb ids nothing stores (the app under test has no TMDB key: adding one is a 503). */
let unstoredTmdbId = 7_000_000;
const unstoredMovie = () => ++unstoredTmdbId;

describe('Week items (contract §6)', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  const picker = new WeekPicker(1950);
  let fake: FakeUpstream;
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;
  let bob: Member;
  let carol: Member;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    // MusicBrainz and the Cover Art Archive are the fake; TMDB has no key (stored movies only).
    t = await createTestApp({
      clock,
      env: {
        ...fake.env(),
        TMDB_API_KEY: undefined,
        MUSICBRAINZ_USER_AGENT: USER_AGENT,
      },
    });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
    bob = await member(t.server, 'bob');
    carol = await member(t.server, 'carol');
  });

  beforeEach(() => {
    fake.clear();
  });

  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  async function ownWeek(owner: Member = alice): Promise<{ id: number; created_at: string }> {
    const res = await api.create(owner, picker.next());
    expect(res.status).toBe(201);
    return res.body;
  }

  async function unclaimedWeek(): Promise<{ id: number }> {
    return seedWeek(t.dataSource, { ...picker.next(), userId: null });
  }

  /** The week row and both slot tables, to show that a refused request changed nothing. */
  async function stateOf(weekId: number) {
    return {
      week: await weekRow(t.dataSource, weekId),
      movies: await movieSlotRows(t.dataSource, weekId),
      albums: await albumSlotRows(t.dataSource, weekId),
    };
  }

  const movieRows = (tmdbId: number) => t.dataSource.getRepository(Movie).countBy({ tmdbId });
  const albumRows = (musicbrainzId: string) =>
    t.dataSource.getRepository(Album).countBy({ musicbrainzId });

  describe('POST /api/weeks/{week_id}/movies', () => {
    it('adds a stored (even stale) movie: 201 with MovieRef, no upstream call, no key needed', async () => {
      const movie = await seedMovie(t.dataSource, {
        title: 'Stale but stored',
        cachedAt: new Date('2001-09-08T07:06:05.432Z'),
      });
      const week = await ownWeek();
      clock.advance(1000);
      const res = await api.addMovie(alice, week.id, { tmdb_id: movie.tmdbId, position: 1 });
      expect(outcome(res)).toEqual({
        status: 201,
        body: {
          week_id: week.id,
          position: 1,
          added_at: nowIso(clock),
          movie: movieRef(movie),
          ...UNJUDGED,
        },
      });
      expect(keysOf(res.body)).toEqual(ADDED_MOVIE_KEYS);
      expect(res.body.movie.cached_at).toBe('2001-09-08T07:06:05.432Z');
      expect(fake.requests).toEqual([]);

      const detail = await api.get(bob, week.id);
      expect(detail.body.movies).toEqual([
        { position: 1, added_at: nowIso(clock), movie: movieRef(movie), ...UNJUDGED },
      ]);
      expect(detail.body.updated_at).toBe(nowIso(clock));
      expect(detail.body.created_at).toBe(week.created_at);
    });

    it('fills both positions; the detail lists them by position', async () => {
      const [one, two] = [await seedMovie(t.dataSource), await seedMovie(t.dataSource)];
      const week = await ownWeek();
      clock.advance(1000);
      const second = await api.addMovie(alice, week.id, { tmdb_id: two.tmdbId, position: 2 });
      expect(second.status).toBe(201);
      const secondAt = nowIso(clock);
      clock.advance(1000);
      const first = await api.addMovie(alice, week.id, { tmdb_id: one.tmdbId, position: 1 });
      expect(first.status).toBe(201);
      expect((await api.get(alice, week.id)).body.movies).toEqual([
        { position: 1, added_at: nowIso(clock), movie: movieRef(one), ...UNJUDGED },
        { position: 2, added_at: secondAt, movie: movieRef(two), ...UNJUDGED },
      ]);
    });

    it.each([1, 2])('409 Position %i is already occupied; nothing changes', async (position) => {
      const [held, other] = [await seedMovie(t.dataSource), await seedMovie(t.dataSource)];
      const week = await ownWeek();
      await seedWeekMovie(t.dataSource, week.id, held, position);
      const before = await stateOf(week.id);
      clock.advance(1000);
      expect(
        outcome(await api.addMovie(alice, week.id, { tmdb_id: other.tmdbId, position })),
      ).toEqual(failure(409, `Position ${position} is already occupied`));
      expect(await stateOf(week.id)).toEqual(before);
    });

    it('409 This movie is already in position 2 of this week', async () => {
      const movie = await seedMovie(t.dataSource);
      const week = await ownWeek();
      expect(
        (await api.addMovie(alice, week.id, { tmdb_id: movie.tmdbId, position: 2 })).status,
      ).toBe(201);
      const before = await stateOf(week.id);
      expect(
        outcome(await api.addMovie(alice, week.id, { tmdb_id: movie.tmdbId, position: 1 })),
      ).toEqual(failure(409, 'This movie is already in position 2 of this week'));
      expect(await stateOf(week.id)).toEqual(before);
    });

    it('the occupied position is reported before the duplicate movie', async () => {
      const movie = await seedMovie(t.dataSource);
      const week = await ownWeek();
      await seedWeekMovie(t.dataSource, week.id, movie, 1);
      expect(
        outcome(await api.addMovie(alice, week.id, { tmdb_id: movie.tmdbId, position: 1 })),
      ).toEqual(failure(409, 'Position 1 is already occupied'));
    });

    it('409 comes before the upstream: an occupied slot with an unstored movie is 409, not 503', async () => {
      const held = await seedMovie(t.dataSource);
      const week = await ownWeek();
      await seedWeekMovie(t.dataSource, week.id, held, 1);
      const tmdbId = unstoredMovie();
      expect(outcome(await api.addMovie(alice, week.id, { tmdb_id: tmdbId, position: 1 }))).toEqual(
        failure(409, 'Position 1 is already occupied'),
      );
      expect(await movieRows(tmdbId)).toBe(0);
    });

    it('an unstored movie without TMDB key → 503; nothing is stored', async () => {
      const week = await ownWeek();
      const before = await stateOf(week.id);
      const tmdbId = unstoredMovie();
      clock.advance(1000);
      expect(outcome(await api.addMovie(alice, week.id, { tmdb_id: tmdbId, position: 1 }))).toEqual(
        NO_TMDB_KEY,
      );
      expect(await stateOf(week.id)).toEqual(before);
      expect(await movieRows(tmdbId)).toBe(0);
    });

    it('tmdb_id 2147483647 passes validation (it then needs TMDB)', async () => {
      const week = await ownWeek();
      expect(
        outcome(await api.addMovie(alice, week.id, { tmdb_id: 2147483647, position: 2 })),
      ).toEqual(NO_TMDB_KEY);
    });

    it('404 Week not found, for a stored or an unstored movie (no upstream error)', async () => {
      const movie = await seedMovie(t.dataSource);
      expect(
        outcome(await api.addMovie(alice, 999999, { tmdb_id: movie.tmdbId, position: 1 })),
      ).toEqual(WEEK_NOT_FOUND);
      expect(
        outcome(await api.addMovie(alice, 999999, { tmdb_id: unstoredMovie(), position: 1 })),
      ).toEqual(WEEK_NOT_FOUND);
    });

    it.each([
      [{ position: 0 }, 'position', POSITION_MESSAGE],
      [{ position: 3 }, 'position', POSITION_MESSAGE],
      [{ position: -1 }, 'position', POSITION_MESSAGE],
      [{ position: '1' }, 'position', 'position must be an integer'],
      [{ position: 1.5 }, 'position', 'position must be an integer'],
      [{ tmdb_id: '5' }, 'tmdb_id', 'tmdb_id must be an integer'],
      [{ tmdb_id: true }, 'tmdb_id', 'tmdb_id must be an integer'],
      [{ tmdb_id: 27205.5 }, 'tmdb_id', 'tmdb_id must be an integer'],
    ])('refuses %j → 422 on %s', async (override, field, message) => {
      const movie = await seedMovie(t.dataSource);
      const week = await ownWeek();
      const before = await stateOf(week.id);
      const res = await api.addMovie(alice, week.id, {
        tmdb_id: movie.tmdbId,
        position: 1,
        ...override,
      });
      expect(outcome(res)).toEqual(invalid(field, message));
      expect(await stateOf(week.id)).toEqual(before);
    });

    it.each([0, -5, 2147483648, null])('refuses tmdb_id %p', async (tmdbId) => {
      const week = await ownWeek();
      expectValidationError(await api.addMovie(alice, week.id, { tmdb_id: tmdbId, position: 1 }), [
        'tmdb_id',
      ]);
    });

    it('requires both fields, forbids others, wants an object', async () => {
      const week = await ownWeek();
      expectValidationError(await api.addMovie(alice, week.id, {}), ['tmdb_id', 'position']);
      expectValidationError(await api.addMovie(alice, week.id), ['tmdb_id', 'position']);
      expect(
        outcome(await api.addMovie(alice, week.id, { tmdb_id: 5, position: 1, title: 'x' })),
      ).toEqual(invalid('title', 'title is not allowed'));
      expectValidationError(await api.addMovie(alice, week.id, new RawJson('[5, 1]')), [null]);
      expectValidationError(await api.addMovie(alice, week.id, { tmdb_id: '5', position: 3 }), [
        'tmdb_id',
        'position',
      ]);
      expect((await stateOf(week.id)).movies).toEqual([]);
    });
  });

  describe('DELETE /api/weeks/{week_id}/movies/{position}', () => {
    it('204 without a body; the slot empties, the catalog keeps the movie, updated_at moves', async () => {
      const [one, two] = [await seedMovie(t.dataSource), await seedMovie(t.dataSource)];
      const week = await ownWeek();
      await api.addMovie(alice, week.id, { tmdb_id: one.tmdbId, position: 1 });
      await api.addMovie(alice, week.id, { tmdb_id: two.tmdbId, position: 2 });
      const addedAt = nowIso(clock);
      clock.advance(5000);
      const res = await api.removeMovie(alice, week.id, 1);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const detail = await api.get(alice, week.id);
      expect(detail.body.movies).toEqual([
        { position: 2, added_at: addedAt, movie: movieRef(two), ...UNJUDGED },
      ]);
      expect(detail.body.updated_at).toBe(nowIso(clock));
      expect(await t.dataSource.getRepository(Movie).findOneBy({ id: one.id })).toEqual(one);
    });

    it.each([1, 2])('404 No movie found at position %i; updated_at stays', async (position) => {
      const week = await ownWeek();
      const before = await stateOf(week.id);
      clock.advance(1000);
      expect(outcome(await api.removeMovie(alice, week.id, position))).toEqual(
        failure(404, `No movie found at position ${position}`),
      );
      expect(await stateOf(week.id)).toEqual(before);
    });

    it('a removed position can be filled again, and the week stays claimed when emptied', async () => {
      const movie = await seedMovie(t.dataSource);
      const week = await unclaimedWeek();
      expect(
        (await api.addMovie(bob, week.id, { tmdb_id: movie.tmdbId, position: 1 })).status,
      ).toBe(201);
      expect((await api.removeMovie(bob, week.id, 1)).status).toBe(204);
      const emptied = await api.get(alice, week.id);
      expect(emptied.body).toMatchObject({
        user_id: bob.id,
        owner: { id: bob.id, username: 'bob' },
        movies: [],
        albums: [],
      });
      expect(
        (await api.addMovie(bob, week.id, { tmdb_id: movie.tmdbId, position: 1 })).status,
      ).toBe(201);
      expect(
        outcome(await api.addMovie(alice, week.id, { tmdb_id: movie.tmdbId, position: 2 })),
      ).toEqual(failure(403, MODIFY_OTHER));
    });

    it.each(['0', '3', '-1', '2147483648'])('422 on position %s (path)', async (position) => {
      const week = await ownWeek();
      expect(outcome(await api.removeMovie(alice, week.id, position))).toEqual(
        invalid('position', POSITION_MESSAGE, 'path'),
      );
    });

    it.each(['x', '1.5', '01a'])('422 position must be an integer for %s', async (position) => {
      const week = await ownWeek();
      expect(outcome(await api.removeMovie(alice, week.id, position))).toEqual(
        invalid('position', 'position must be an integer', 'path'),
      );
    });

    it('404 Week not found for an unknown week with a valid position', async () => {
      expect(outcome(await api.removeMovie(alice, 999999, 1))).toEqual(WEEK_NOT_FOUND);
    });
  });

  describe('POST /api/weeks/{week_id}/albums', () => {
    it('adds a stored album: 201 with AlbumRef, no upstream call', async () => {
      const album = await seedAlbum(t.dataSource, { title: 'Stored album' });
      const week = await ownWeek();
      clock.advance(1000);
      const res = await api.addAlbum(alice, week.id, {
        musicbrainz_id: album.musicbrainzId,
        position: 2,
      });
      expect(outcome(res)).toEqual({
        status: 201,
        body: {
          week_id: week.id,
          position: 2,
          added_at: nowIso(clock),
          album: albumRef(album),
          ...UNJUDGED,
        },
      });
      expect(keysOf(res.body)).toEqual(ADDED_ALBUM_KEYS);
      expect(fake.requests).toEqual([]);
      const detail = await api.get(alice, week.id);
      expect(detail.body.albums).toEqual([
        { position: 2, added_at: nowIso(clock), album: albumRef(album), ...UNJUDGED },
      ]);
      expect(detail.body.updated_at).toBe(nowIso(clock));
    });

    it('accepts an uppercase UUID and lowercases it (same stored album, no upstream call)', async () => {
      const album = await seedAlbum(t.dataSource, { title: 'Upper case' });
      const week = await ownWeek();
      const res = await api.addAlbum(alice, week.id, {
        musicbrainz_id: album.musicbrainzId.toUpperCase(),
        position: 1,
      });
      expect(res.status).toBe(201);
      expect(res.body.album).toEqual(albumRef(album));
      expect(res.body.album.musicbrainz_id).toBe(album.musicbrainzId.toLowerCase());
      expect(fake.requests).toEqual([]);
      expect(await albumRows(album.musicbrainzId.toUpperCase())).toBe(0);
    });

    it.each([
      'not-a-uuid',
      '3f49f47e0e674f90a3c0df47c9b4b8c9',
      '{3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9}',
      'gf49f47e-0e67-4f90-a3c0-df47c9b4b8c9',
      '3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9 ',
      '',
      123,
      null,
    ])('refuses musicbrainz_id %p → 422', async (musicbrainzId) => {
      const week = await ownWeek();
      expectValidationError(
        await api.addAlbum(alice, week.id, { musicbrainz_id: musicbrainzId, position: 1 }),
        ['musicbrainz_id'],
      );
      expect(fake.requests).toEqual([]);
    });

    it.each([0, 3])('refuses position %i → position must be 1 or 2', async (position) => {
      const album = await seedAlbum(t.dataSource);
      const week = await ownWeek();
      expect(
        outcome(
          await api.addAlbum(alice, week.id, { musicbrainz_id: album.musicbrainzId, position }),
        ),
      ).toEqual(invalid('position', POSITION_MESSAGE));
    });

    it('forbids unknown fields', async () => {
      const album = await seedAlbum(t.dataSource);
      const week = await ownWeek();
      expect(
        outcome(
          await api.addAlbum(alice, week.id, {
            musicbrainz_id: album.musicbrainzId,
            position: 1,
            tmdb_id: 5,
          }),
        ),
      ).toEqual(invalid('tmdb_id', 'tmdb_id is not allowed'));
    });

    it.each([1, 2])('409 Position %i is already occupied', async (position) => {
      const [held, other] = [await seedAlbum(t.dataSource), await seedAlbum(t.dataSource)];
      const week = await ownWeek();
      await seedWeekAlbum(t.dataSource, week.id, held, position);
      const before = await stateOf(week.id);
      expect(
        outcome(
          await api.addAlbum(alice, week.id, { musicbrainz_id: other.musicbrainzId, position }),
        ),
      ).toEqual(failure(409, `Position ${position} is already occupied`));
      expect(await stateOf(week.id)).toEqual(before);
    });

    it('409 This album is already in position 2 of this week', async () => {
      const album = await seedAlbum(t.dataSource);
      const week = await ownWeek();
      await seedWeekAlbum(t.dataSource, week.id, album, 2);
      expect(
        outcome(
          await api.addAlbum(alice, week.id, {
            musicbrainz_id: album.musicbrainzId.toUpperCase(),
            position: 1,
          }),
        ),
      ).toEqual(failure(409, 'This album is already in position 2 of this week'));
    });

    it('an old (merged) id of an album already here is the same album: 409 before any upstream call', async () => {
      const album = await seedAlbum(t.dataSource, { title: 'Merged' });
      const oldId = seedUuid();
      await seedAlias(t.dataSource, oldId, album);
      const week = await ownWeek();
      await seedWeekAlbum(t.dataSource, week.id, album, 1);
      expect(
        outcome(await api.addAlbum(alice, week.id, { musicbrainz_id: oldId, position: 2 })),
      ).toEqual(failure(409, 'This album is already in position 1 of this week'));
      expect(fake.requests).toEqual([]);
    });

    it('409 comes before the upstream: occupied slot + unknown album → 409, no MusicBrainz call', async () => {
      const held = await seedAlbum(t.dataSource);
      const week = await ownWeek();
      await seedWeekAlbum(t.dataSource, week.id, held, 1);
      expect(
        outcome(await api.addAlbum(alice, week.id, { musicbrainz_id: MB.UNKNOWN, position: 1 })),
      ).toEqual(failure(409, 'Position 1 is already occupied'));
      expect(fake.requestsTo('musicbrainz')).toEqual([]);
    });

    it('an unstored album is fetched from MusicBrainz, stored, and claims an unclaimed week', async () => {
      const week = await unclaimedWeek();
      clock.advance(1000);
      const res = await api.addAlbum(bob, week.id, {
        musicbrainz_id: MB.DARK_SIDE.toUpperCase(),
        position: 1,
      });
      expect(outcome(res)).toEqual({
        status: 201,
        body: {
          week_id: week.id,
          position: 1,
          added_at: nowIso(clock),
          album: {
            id: expect.any(Number),
            musicbrainz_id: MB.DARK_SIDE,
            title: 'The Dark Side of the Moon',
            artist: 'Pink Floyd',
            release_date: '1973-03',
            cover_art_url: `${fake.url}/caa/release/${MB.DARK_SIDE}/front`,
            cached_at: nowIso(clock),
          },
          ...UNJUDGED,
        },
      });
      expect(fake.requestsTo('musicbrainz')).toHaveLength(1);
      expect(await albumRows(MB.DARK_SIDE)).toBe(1);
      const detail = await api.get(alice, week.id);
      expect(detail.body).toMatchObject({
        user_id: bob.id,
        owner: { id: bob.id, username: 'bob' },
        updated_at: nowIso(clock),
      });
      expect(detail.body.albums).toEqual([
        { position: 1, added_at: nowIso(clock), album: res.body.album, ...UNJUDGED },
      ]);
    });

    it('MusicBrainz 404 → 404 Album not found; the unclaimed week stays unclaimed and empty', async () => {
      const week = await unclaimedWeek();
      const before = await stateOf(week.id);
      clock.advance(1000);
      expect(
        outcome(await api.addAlbum(bob, week.id, { musicbrainz_id: MB.UNKNOWN, position: 1 })),
      ).toEqual(failure(404, 'Album not found'));
      expect(await stateOf(week.id)).toEqual(before);
      expect(before.week?.userId).toBeNull();
      expect(await albumRows(MB.UNKNOWN)).toBe(0);
    });

    it('a MusicBrainz failure (500) → 502, and claims nothing', async () => {
      const week = await unclaimedWeek();
      const before = await stateOf(week.id);
      const res = await api.addAlbum(bob, week.id, { musicbrainz_id: MB.FAULT_500, position: 2 });
      expect(outcome(res)).toEqual(failure(502, 'Album catalog sent an invalid response'));
      expect(await stateOf(week.id)).toEqual(before);
      expect(await albumRows(MB.FAULT_500)).toBe(0);
    });
  });

  describe('DELETE /api/weeks/{week_id}/albums/{position}', () => {
    it('204; the album leaves the week but stays in the catalog', async () => {
      const album = await seedAlbum(t.dataSource);
      const week = await ownWeek();
      await api.addAlbum(alice, week.id, { musicbrainz_id: album.musicbrainzId, position: 2 });
      clock.advance(1000);
      const res = await api.removeAlbum(alice, week.id, 2);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const detail = await api.get(alice, week.id);
      expect(detail.body.albums).toEqual([]);
      expect(detail.body.updated_at).toBe(nowIso(clock));
      expect(await t.dataSource.getRepository(Album).findOneBy({ id: album.id })).toEqual(album);
    });

    it.each([1, 2])('404 No album found at position %i', async (position) => {
      const week = await ownWeek();
      expect(outcome(await api.removeAlbum(alice, week.id, position))).toEqual(
        failure(404, `No album found at position ${position}`),
      );
    });

    it.each(['0', '3'])('422 on position %s', async (position) => {
      const week = await ownWeek();
      expect(outcome(await api.removeAlbum(alice, week.id, position))).toEqual(
        invalid('position', POSITION_MESSAGE, 'path'),
      );
    });
  });

  describe('claiming (§5.8)', () => {
    it('the first successful add makes the caller owner; updated_at moves; others get 403', async () => {
      const movie = await seedMovie(t.dataSource);
      const other = await seedMovie(t.dataSource);
      const week = await unclaimedWeek();
      clock.advance(7000);
      const res = await api.addMovie(bob, week.id, { tmdb_id: movie.tmdbId, position: 1 });
      expect(res.status).toBe(201);
      const detail = await api.get(alice, week.id);
      expect(detail.body).toMatchObject({
        id: week.id,
        user_id: bob.id,
        owner: { id: bob.id, username: 'bob' },
        updated_at: nowIso(clock),
      });
      expect(
        outcome(await api.addMovie(alice, week.id, { tmdb_id: other.tmdbId, position: 2 })),
      ).toEqual(failure(403, MODIFY_OTHER));
      expect(outcome(await api.patch(alice, week.id, { notes: 'mine' }))).toEqual(
        failure(403, MODIFY_OTHER),
      );
      expect((await api.patch(bob, week.id, { notes: 'mine' })).status).toBe(200);
    });

    it('the week /weeks/current created is claimed by an add, and /current then shows the owner', async () => {
      const album = await seedAlbum(t.dataSource);
      clock.setTo('2037-05-06T07:08:09.010Z');
      const current = await api.current(alice);
      expect(current.body).toMatchObject({ user_id: null, owner: null });
      clock.advance(1000);
      expect(
        (
          await api.addAlbum(carol, current.body.id, {
            musicbrainz_id: album.musicbrainzId,
            position: 1,
          })
        ).status,
      ).toBe(201);
      const again = await api.current(alice);
      expect(again.body).toMatchObject({
        id: current.body.id,
        user_id: carol.id,
        owner: { id: carol.id, username: 'carol' },
        updated_at: nowIso(clock),
        created_at: current.body.created_at,
      });
      expect(again.body.albums).toEqual([
        { position: 1, added_at: nowIso(clock), album: albumRef(album), ...UNJUDGED },
      ]);
    });

    it('a 409 (occupied position) claims nothing', async () => {
      const [held, other] = [await seedMovie(t.dataSource), await seedMovie(t.dataSource)];
      const week = await unclaimedWeek();
      await seedWeekMovie(t.dataSource, week.id, held, 1);
      const before = await stateOf(week.id);
      clock.advance(1000);
      expect(
        outcome(await api.addMovie(bob, week.id, { tmdb_id: other.tmdbId, position: 1 })),
      ).toEqual(failure(409, 'Position 1 is already occupied'));
      expect(await stateOf(week.id)).toEqual(before);
      expect(before.week?.userId).toBeNull();
    });

    it('a 409 (movie already in the week) claims nothing', async () => {
      const held = await seedMovie(t.dataSource);
      const week = await unclaimedWeek();
      await seedWeekMovie(t.dataSource, week.id, held, 1);
      const before = await stateOf(week.id);
      expect(
        outcome(await api.addMovie(bob, week.id, { tmdb_id: held.tmdbId, position: 2 })),
      ).toEqual(failure(409, 'This movie is already in position 1 of this week'));
      expect(await stateOf(week.id)).toEqual(before);
    });

    it('an upstream error (503, no TMDB key) claims nothing and stores nothing', async () => {
      const week = await unclaimedWeek();
      const before = await stateOf(week.id);
      const tmdbId = unstoredMovie();
      clock.advance(1000);
      expect(outcome(await api.addMovie(bob, week.id, { tmdb_id: tmdbId, position: 1 }))).toEqual(
        NO_TMDB_KEY,
      );
      expect(await stateOf(week.id)).toEqual(before);
      expect(before.week?.userId).toBeNull();
      expect(await movieRows(tmdbId)).toBe(0);
      expect((await api.get(alice, week.id)).body).toMatchObject({ user_id: null, owner: null });
    });

    it('a 422 claims nothing', async () => {
      const week = await unclaimedWeek();
      const before = await stateOf(week.id);
      expect((await api.addMovie(bob, week.id, { tmdb_id: 1, position: 3 })).status).toBe(422);
      expect(await stateOf(week.id)).toEqual(before);
    });
  });

  describe('order of checks (§6.1, §5.8): 401 → 422 → 404 → 403 → 409 → upstream', () => {
    it('401 before validation and existence', async () => {
      const unauthenticated = failure(401, 'Not authenticated');
      expect(outcome(await api.addMovie(null, 999999, { position: 9 }))).toEqual(unauthenticated);
      expect(outcome(await api.removeMovie(null, 999999, 9))).toEqual(unauthenticated);
      expect(outcome(await api.addAlbum(null, 999999, { musicbrainz_id: 'x' }))).toEqual(
        unauthenticated,
      );
      expect(outcome(await api.removeAlbum(null, 'abc', 9))).toEqual(unauthenticated);
    });

    it('422 before 404: an invalid body or position on a missing week', async () => {
      expect(outcome(await api.addMovie(alice, 999999, { tmdb_id: 5, position: 3 }))).toEqual(
        invalid('position', POSITION_MESSAGE),
      );
      expect(outcome(await api.removeMovie(alice, 999999, 3))).toEqual(
        invalid('position', POSITION_MESSAGE, 'path'),
      );
      expectValidationError(
        await api.addAlbum(alice, 999999, { musicbrainz_id: 'nope', position: 1 }),
        ['musicbrainz_id'],
      );
      expect(outcome(await api.removeAlbum(alice, 999999, 0))).toEqual(
        invalid('position', POSITION_MESSAGE, 'path'),
      );
    });

    it("422 before 403: an invalid body on someone else's week", async () => {
      const week = await ownWeek(alice);
      expect(outcome(await api.addMovie(bob, week.id, { tmdb_id: '5', position: 1 }))).toEqual(
        invalid('tmdb_id', 'tmdb_id must be an integer'),
      );
      expect(outcome(await api.removeAlbum(bob, week.id, 7))).toEqual(
        invalid('position', POSITION_MESSAGE, 'path'),
      );
    });

    it('404 before 403 and the upstream: a valid add to a missing week', async () => {
      expect(
        outcome(await api.addAlbum(bob, 999999, { musicbrainz_id: MB.JAY_KANYE, position: 1 })),
      ).toEqual(WEEK_NOT_FOUND);
      expect(fake.requests).toEqual([]);
    });

    it('403 before 409: a non-owner adding to an occupied slot gets 403, revealing nothing', async () => {
      const movie = await seedMovie(t.dataSource);
      const album = await seedAlbum(t.dataSource);
      const week = await ownWeek(alice);
      await seedWeekMovie(t.dataSource, week.id, movie, 1);
      await seedWeekAlbum(t.dataSource, week.id, album, 1);
      expect(
        outcome(await api.addMovie(bob, week.id, { tmdb_id: movie.tmdbId, position: 1 })),
      ).toEqual(failure(403, MODIFY_OTHER));
      expect(
        outcome(await api.addMovie(bob, week.id, { tmdb_id: movie.tmdbId, position: 2 })),
      ).toEqual(failure(403, MODIFY_OTHER));
      expect(
        outcome(
          await api.addAlbum(bob, week.id, { musicbrainz_id: album.musicbrainzId, position: 1 }),
        ),
      ).toEqual(failure(403, MODIFY_OTHER));
    });

    it('403 before 404: removing an empty slot of a week you may not change', async () => {
      const owned = await ownWeek(alice);
      const unclaimed = await unclaimedWeek();
      expect(outcome(await api.removeMovie(bob, owned.id, 2))).toEqual(failure(403, MODIFY_OTHER));
      expect(outcome(await api.removeAlbum(bob, owned.id, 1))).toEqual(failure(403, MODIFY_OTHER));
      expect(outcome(await api.removeMovie(bob, unclaimed.id, 1))).toEqual(
        failure(403, MODIFY_UNCLAIMED),
      );
      expect(outcome(await api.removeAlbum(alice, unclaimed.id, 2))).toEqual(
        failure(403, MODIFY_UNCLAIMED),
      );
    });

    it('403 before the upstream: a non-owner adding unstored items gets 403, no upstream call', async () => {
      const week = await ownWeek(alice);
      expect(
        outcome(await api.addMovie(bob, week.id, { tmdb_id: unstoredMovie(), position: 1 })),
      ).toEqual(failure(403, MODIFY_OTHER));
      expect(
        outcome(await api.addAlbum(bob, week.id, { musicbrainz_id: MB.JAY_KANYE, position: 1 })),
      ).toEqual(failure(403, MODIFY_OTHER));
      expect(fake.requests).toEqual([]);
      expect(await albumRows(MB.JAY_KANYE)).toBe(0);
    });
  });

  describe('races (§6.5)', () => {
    function statuses(responses: Response[]): number[] {
      return responses.map((res) => res.status).sort();
    }

    it('10 concurrent adds to one position: exactly one 201 and nine 409', async () => {
      const movies: Movie[] = [];
      for (let i = 0; i < 10; i++) movies.push(await seedMovie(t.dataSource));
      const week = await ownWeek(alice);
      const responses = await Promise.all(
        movies.map((movie) => api.addMovie(alice, week.id, { tmdb_id: movie.tmdbId, position: 1 })),
      );
      expect(statuses(responses)).toEqual([201, ...Array(9).fill(409)]);
      for (const res of responses.filter((each) => each.status === 409)) {
        expect(res.body).toEqual({ detail: 'Position 1 is already occupied' });
      }
      const winner = responses.find((res) => res.status === 201)!;
      const rows = await movieSlotRows(t.dataSource, week.id);
      expect(rows.map((row) => [row.position, row.movieId])).toEqual([[1, winner.body.movie.id]]);
    });

    it('10 concurrent album adds to one position: exactly one 201 and nine 409', async () => {
      const albums: Album[] = [];
      for (let i = 0; i < 10; i++) albums.push(await seedAlbum(t.dataSource));
      const week = await ownWeek(alice);
      const responses = await Promise.all(
        albums.map((album) =>
          api.addAlbum(alice, week.id, { musicbrainz_id: album.musicbrainzId, position: 2 }),
        ),
      );
      expect(statuses(responses)).toEqual([201, ...Array(9).fill(409)]);
      for (const res of responses.filter((each) => each.status === 409)) {
        expect(res.body).toEqual({ detail: 'Position 2 is already occupied' });
      }
      expect(await albumSlotRows(t.dataSource, week.id)).toHaveLength(1);
    });

    it('10 concurrent adds of one movie to both positions: exactly one 201', async () => {
      const movie = await seedMovie(t.dataSource);
      const week = await ownWeek(alice);
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api.addMovie(alice, week.id, { tmdb_id: movie.tmdbId, position: (i % 2) + 1 }),
        ),
      );
      expect(statuses(responses)).toEqual([201, ...Array(9).fill(409)]);
      const winner = responses.find((res) => res.status === 201)!;
      const taken = winner.body.position as number;
      for (const res of responses.filter((each) => each.status === 409)) {
        expect([
          `Position ${taken} is already occupied`,
          `This movie is already in position ${taken} of this week`,
        ]).toContain(res.body.detail);
      }
      expect(await movieSlotRows(t.dataSource, week.id)).toHaveLength(1);
    });

    it.each([
      ['different positions', 1, 2],
      ['the same position', 1, 1],
    ])(
      'two users racing to claim one unclaimed week (%s): one owner, the other 403/409, never 5xx',
      async (_label, bobPosition, carolPosition) => {
        for (let round = 0; round < 5; round++) {
          const [bobsMovie, carolsMovie] = [
            await seedMovie(t.dataSource),
            await seedMovie(t.dataSource),
          ];
          const week = await unclaimedWeek();
          const [bobRes, carolRes] = await Promise.all([
            api.addMovie(bob, week.id, { tmdb_id: bobsMovie.tmdbId, position: bobPosition }),
            api.addMovie(carol, week.id, { tmdb_id: carolsMovie.tmdbId, position: carolPosition }),
          ]);
          const [winner, winnerRes, loserRes, winnersMovie] =
            bobRes.status === 201
              ? [bob, bobRes, carolRes, bobsMovie]
              : [carol, carolRes, bobRes, carolsMovie];
          expect(winnerRes.status).toBe(201);
          expect([403, 409]).toContain(loserRes.status);
          if (loserRes.status === 403) expect(loserRes.body).toEqual({ detail: MODIFY_OTHER });
          else expect(loserRes.body.detail).toMatch(/^Position [12] is already occupied$/);
          const row = await weekRow(t.dataSource, week.id);
          expect(row?.userId).toBe(winner.id);
          expect((await movieSlotRows(t.dataSource, week.id)).map((slot) => slot.movieId)).toEqual([
            winnersMovie.id,
          ]);
        }
      },
    );

    it('ten users racing to claim one unclaimed week: exactly one owner, only their item stored', async () => {
      const racers: Member[] = [];
      for (let i = 0; i < 10; i++) racers.push(await member(t.server, `racer${i}`));
      const movies: Movie[] = [];
      for (let i = 0; i < 10; i++) movies.push(await seedMovie(t.dataSource));
      const albums: Album[] = [];
      for (let i = 0; i < 10; i++) albums.push(await seedAlbum(t.dataSource));
      const week = await unclaimedWeek();
      const responses = await Promise.all(
        racers.map((racer, i) =>
          i % 2 === 0
            ? api.addMovie(racer, week.id, { tmdb_id: movies[i].tmdbId, position: (i % 4) / 2 + 1 })
            : api.addAlbum(racer, week.id, {
                musicbrainz_id: albums[i].musicbrainzId,
                position: ((i - 1) % 4) / 2 + 1,
              }),
        ),
      );
      expect(responses.filter((res) => res.status >= 500)).toEqual([]);
      const winners = responses.filter((res) => res.status === 201);
      expect(winners).toHaveLength(1);
      for (const res of responses.filter((each) => each.status !== 201)) {
        expect([403, 409]).toContain(res.status);
      }
      const winnerIndex = responses.indexOf(winners[0]);
      const state = await stateOf(week.id);
      expect(state.week?.userId).toBe(racers[winnerIndex].id);
      const stored = [
        ...state.movies.map((slot) => slot.movieId),
        ...state.albums.map((slot) => slot.albumId),
      ];
      expect(stored).toEqual([
        winnerIndex % 2 === 0 ? movies[winnerIndex].id : albums[winnerIndex].id,
      ]);
    });

    it('two users racing to claim with albums: one owner, never 5xx', async () => {
      const [bobsAlbum, carolsAlbum] = [
        await seedAlbum(t.dataSource),
        await seedAlbum(t.dataSource),
      ];
      const week = await unclaimedWeek();
      const responses = await Promise.all([
        api.addAlbum(bob, week.id, { musicbrainz_id: bobsAlbum.musicbrainzId, position: 1 }),
        api.addAlbum(carol, week.id, { musicbrainz_id: carolsAlbum.musicbrainzId, position: 2 }),
      ]);
      expect(responses.filter((res) => res.status === 201)).toHaveLength(1);
      const loser = responses.find((res) => res.status !== 201)!;
      expect(outcome(loser)).toEqual(failure(403, MODIFY_OTHER));
      expect(await albumSlotRows(t.dataSource, week.id)).toHaveLength(1);
      expect(await t.dataSource.getRepository(WeekMovie).countBy({ weekId: week.id })).toBe(0);
      expect(await t.dataSource.getRepository(WeekAlbum).countBy({ weekId: week.id })).toBe(1);
    });
  });
});

describe('Week items with movies fetched from (fake) TMDB', () => {
  const clock = new FakeClock('2025-06-07T08:09:10.011Z');
  let fake: FakeUpstream;
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;
  let bob: Member;
  let carol: Member;

  beforeAll(async () => {
    // Some latency, so that racing adds are all in flight upstream at once.
    fake = await FakeUpstream.start({ latencyMs: 50 });
    t = await createTestApp({ clock, env: { ...fake.env(), MUSICBRAINZ_USER_AGENT: USER_AGENT } });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
    bob = await member(t.server, 'bob');
    carol = await member(t.server, 'carol');
  });

  beforeEach(() => {
    fake.clear();
  });

  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  it('TMDB 404 → 404 Movie not found; the week stays unclaimed and empty', async () => {
    const week = await seedWeek(t.dataSource, { year: 1990, week_number: 1, userId: null });
    const res = await api.addMovie(bob, week.id, { tmdb_id: TMDB.UNKNOWN, position: 1 });
    expect(outcome(res)).toEqual(failure(404, 'Movie not found'));
    expect(fake.requestsTo('tmdb').length).toBeGreaterThanOrEqual(1);
    expect((await weekRow(t.dataSource, week.id))?.userId).toBeNull();
    expect(await movieSlotRows(t.dataSource, week.id)).toEqual([]);
    expect(await t.dataSource.getRepository(Movie).countBy({ tmdbId: TMDB.UNKNOWN })).toBe(0);
  });

  it('an unstored movie is fetched, stored and claims the week (201 MovieRef)', async () => {
    const week = await seedWeek(t.dataSource, { year: 1990, week_number: 2, userId: null });
    clock.advance(1000);
    const res = await api.addMovie(bob, week.id, { tmdb_id: TMDB.INCEPTION, position: 1 });
    expect(outcome(res)).toEqual({
      status: 201,
      body: {
        week_id: week.id,
        position: 1,
        added_at: nowIso(clock),
        movie: {
          id: expect.any(Number),
          tmdb_id: 27205,
          title: 'Inception',
          original_title: 'Inception',
          release_date: '2010-07-16',
          poster_path: '/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg',
          overview:
            'Cobb, a skilled thief who commits corporate espionage by infiltrating the subconscious of his targets is offered a chance to regain his old life as payment for a task considered to be impossible: "inception", the implantation of another person\'s idea into a target\'s subconscious.',
          cached_at: nowIso(clock),
        },
        ...UNJUDGED,
      },
    });
    expect(res.body.movie.cached_at).toMatch(ISO_TIMESTAMP);
    const detail = await api.get(alice, week.id);
    expect(detail.body).toMatchObject({
      user_id: bob.id,
      owner: { id: bob.id, username: 'bob' },
      updated_at: nowIso(clock),
    });
    expect(detail.body.movies).toEqual([
      { position: 1, added_at: nowIso(clock), movie: res.body.movie, ...UNJUDGED },
    ]);

    // Stored now: the next add needs no TMDB call.
    const calls = fake.requestsTo('tmdb').length;
    const other = await api.create(alice, { year: 1990, week_number: 3 });
    const again = await api.addMovie(alice, other.body.id, {
      tmdb_id: TMDB.INCEPTION,
      position: 2,
    });
    expect(again.status).toBe(201);
    expect(again.body.movie).toEqual(res.body.movie);
    expect(fake.requestsTo('tmdb')).toHaveLength(calls);
  });

  it('10 racing adds that all need TMDB: one 201, nine 409 from the atomic re-check, one row', async () => {
    const week = await api.create(alice, { year: 1990, week_number: 5 });
    expect(week.status).toBe(201);
    const ids = Array.from({ length: 10 }, (_, i) => 910001 + i);
    const responses = await Promise.all(
      ids.map((tmdbId) => api.addMovie(alice, week.body.id, { tmdb_id: tmdbId, position: 1 })),
    );
    expect(responses.map((res) => res.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    for (const res of responses.filter((each) => each.status === 409)) {
      expect(res.body).toEqual({ detail: 'Position 1 is already occupied' });
    }
    // Several racers got past the early slot check and fetched: the insert-time check decided.
    expect(fake.requestsTo('tmdb').length).toBeGreaterThan(1);
    const winner = responses.find((res) => res.status === 201)!;
    expect(
      (await movieSlotRows(t.dataSource, week.body.id)).map((slot) => [
        slot.position,
        slot.movieId,
      ]),
    ).toEqual([[1, winner.body.movie.id]]);
  });

  it('two users racing to claim with movies that need TMDB: one owner, the other 403', async () => {
    for (const [round, [bobsId, carolsId]] of [
      [910011, 910012],
      [910013, 910014],
      [910015, 910016],
    ].entries()) {
      const week = await seedWeek(t.dataSource, {
        year: 1991,
        week_number: round + 1,
        userId: null,
      });
      fake.clear();
      const [bobRes, carolRes] = await Promise.all([
        api.addMovie(bob, week.id, { tmdb_id: bobsId, position: 1 }),
        api.addMovie(carol, week.id, { tmdb_id: carolsId, position: 2 }),
      ]);
      expect(fake.requestsTo('tmdb')).toHaveLength(2);
      const [winner, winnerRes, loserRes] =
        bobRes.status === 201 ? [bob, bobRes, carolRes] : [carol, carolRes, bobRes];
      expect(winnerRes.status).toBe(201);
      expect(outcome(loserRes)).toEqual(failure(403, 'Only the owner can modify this week'));
      expect((await weekRow(t.dataSource, week.id))?.userId).toBe(winner.id);
      expect((await movieSlotRows(t.dataSource, week.id)).map((slot) => slot.movieId)).toEqual([
        winnerRes.body.movie.id,
      ]);
    }
  });

  describe('credits of picked movies (opinions.md §2.4)', () => {
    /** The stored directors and genres of a movie, and whether its credits are marked fetched. */
    async function stored(tmdbId: number) {
      const movie = await t.dataSource.getRepository(Movie).findOneByOrFail({ tmdbId });
      const directors = await t.dataSource
        .getRepository(MovieCrew)
        .find({ where: { movieId: movie.id, job: 'Director' }, relations: { person: true } });
      const genres = await t.dataSource
        .getRepository(MovieGenre)
        .find({ where: { movieId: movie.id }, order: { genreId: 'ASC' } });
      return {
        creditsStored: movie.creditsCachedAt !== null,
        directors: directors.map((row) => row.person!.name).sort(),
        genres: genres.map((row) => [row.genreId, row.name]),
      };
    }

    const tmdbCalls = () =>
      fake.requestsTo('tmdb').map((call) => ({ path: call.path, query: call.query }));
    const apiKey = () => fake.env().TMDB_API_KEY;

    it('an unstored movie comes with its credits in one TMDB call; the credits are then served stored', async () => {
      const week = await seedWeek(t.dataSource, { year: 1992, week_number: 1, userId: bob.id });
      const res = await api.addMovie(bob, week.id, { tmdb_id: TMDB.REC, position: 1 });
      expect(res.status).toBe(201);
      expect(tmdbCalls()).toEqual([
        {
          path: `/movie/${TMDB.REC}`,
          query: { language: 'en-US', append_to_response: 'credits', api_key: apiKey() },
        },
      ]);
      expect(await stored(TMDB.REC)).toEqual({
        creditsStored: true,
        directors: ['Jaume Balagueró', 'Paco Plaza'],
        genres: [[27, 'Horror']],
      });

      const credits = await request(t.server)
        .get(`/api/movies/${TMDB.REC}/credits`)
        .set(alice.auth);
      expect(credits.status).toBe(200);
      expect(fake.requestsTo('tmdb')).toHaveLength(1);
    });

    it('a stored movie without credits gets them with the add (one credits call)', async () => {
      await seedMovie(t.dataSource, { tmdbId: TMDB.AMELIE, title: 'Amélie' });
      const week = await seedWeek(t.dataSource, { year: 1992, week_number: 2, userId: bob.id });
      const res = await api.addMovie(bob, week.id, { tmdb_id: TMDB.AMELIE, position: 1 });
      expect(res.status).toBe(201);
      expect(tmdbCalls()).toEqual([
        { path: `/movie/${TMDB.AMELIE}/credits`, query: { language: 'en-US', api_key: apiKey() } },
      ]);
      expect((await stored(TMDB.AMELIE)).creditsStored).toBe(true);
    });

    it('a credits failure does not fail the add; the next credits request fetches them', async () => {
      const movie = await seedMovie(t.dataSource, { tmdbId: TMDB.OKAMI, title: 'Ōkami' });
      const week = await seedWeek(t.dataSource, { year: 1992, week_number: 3, userId: bob.id });
      fake.setFault('tmdb', TMDB.OKAMI, 'status500');
      const res = await api.addMovie(bob, week.id, { tmdb_id: TMDB.OKAMI, position: 2 });
      expect(outcome(res)).toEqual({
        status: 201,
        body: {
          week_id: week.id,
          position: 2,
          added_at: nowIso(clock),
          movie: movieRef(movie),
          ...UNJUDGED,
        },
      });
      expect(await stored(TMDB.OKAMI)).toEqual({ creditsStored: false, directors: [], genres: [] });

      fake.setFault('tmdb', TMDB.OKAMI, null);
      fake.clear();
      const credits = await request(t.server)
        .get(`/api/movies/${TMDB.OKAMI}/credits`)
        .set(alice.auth);
      expect(credits.status).toBe(200);
      expect(tmdbCalls()).toEqual([
        { path: `/movie/${TMDB.OKAMI}/credits`, query: { language: 'en-US', api_key: apiKey() } },
      ]);
      expect((await stored(TMDB.OKAMI)).creditsStored).toBe(true);
    });

    it('a movie with stored credits is added without any TMDB call', async () => {
      const week = await seedWeek(t.dataSource, { year: 1992, week_number: 4, userId: bob.id });
      const first = await api.addMovie(bob, week.id, { tmdb_id: TMDB.EXISTENZ, position: 1 });
      expect(first.status).toBe(201);
      fake.clear();
      const other = await seedWeek(t.dataSource, { year: 1992, week_number: 5, userId: bob.id });
      const again = await api.addMovie(bob, other.id, { tmdb_id: TMDB.EXISTENZ, position: 1 });
      expect(again.status).toBe(201);
      expect(fake.requests).toEqual([]);
    });
  });

  it('a TMDB failure (500) → 502 and claims nothing', async () => {
    const week = await seedWeek(t.dataSource, { year: 1990, week_number: 4, userId: null });
    const res = await api.addMovie(bob, week.id, { tmdb_id: TMDB.FAULT_500, position: 2 });
    expect(outcome(res)).toEqual(failure(502, 'Movie catalog sent an invalid response'));
    expect((await weekRow(t.dataSource, week.id))?.userId).toBeNull();
    expect(await movieSlotRows(t.dataSource, week.id)).toEqual([]);
  });
});
