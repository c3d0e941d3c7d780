import { DataSource, QueryFailedError } from 'typeorm';
import { RefreshToken } from '../src/users/entities/refresh-token.entity.js';
import { Album } from '../src/albums/entities/album.entity.js';
import { Artist } from '../src/albums/entities/artist.entity.js';
import { ArtistReleaseGroups } from '../src/recommendations/entities/artist-release-groups.entity.js';
import { MovieRecommendations } from '../src/recommendations/entities/movie-recommendations.entity.js';
import { Movie } from '../src/movies/entities/movie.entity.js';
import { ENTITIES } from '../src/entities.js';
import { User } from '../src/users/entities/user.entity.js';
import { Invite } from '../src/invites/entities/invite.entity.js';
import { Verdict } from '../src/verdicts/entities/verdict.entity.js';
import { WeekAlbum } from '../src/weeks/entities/week-album.entity.js';
import { WeekMovie } from '../src/weeks/entities/week-movie.entity.js';
import { Week } from '../src/weeks/entities/week.entity.js';
import {
  MIGRATION_NAMES,
  MIGRATION_TABLES,
  PINK_FLOYD_ROW,
  STORED_LISTS,
  TABLES,
} from '../test/support/migrated-schema.js';
import { MIGRATIONS } from './index.js';

const NOW = new Date('2025-12-28T16:05:00.000Z');

/**
 * better-sqlite3 error codes, carried by QueryFailedError.driverError.code. Note that SQLite reports a violated
 * ON DELETE RESTRICT as SQLITE_CONSTRAINT_TRIGGER (message "FOREIGN KEY constraint failed"), and a missing
 * parent on insert as SQLITE_CONSTRAINT_FOREIGNKEY.
 */
type SqliteConstraint =
  | 'SQLITE_CONSTRAINT_UNIQUE'
  | 'SQLITE_CONSTRAINT_PRIMARYKEY'
  | 'SQLITE_CONSTRAINT_CHECK'
  | 'SQLITE_CONSTRAINT_FOREIGNKEY'
  | 'SQLITE_CONSTRAINT_TRIGGER';

async function expectConstraintViolation(
  action: Promise<unknown>,
  code: SqliteConstraint,
  message?: RegExp,
): Promise<void> {
  const error: unknown = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueryFailedError);
  const driverError = (error as QueryFailedError).driverError as { code?: string };
  expect(driverError.code).toBe(code);
  if (message) expect((error as Error).message).toMatch(message);
}

/** Undoes every migration, newest first, checking the tables and the migrations table after each. */
async function expectRevertsOneByOne(
  dataSource: DataSource,
  hasTable: (table: string) => Promise<boolean>,
): Promise<void> {
  for (let left = MIGRATION_TABLES.length - 1; left >= 0; left--) {
    await dataSource.undoLastMigration();
    for (const [index, [, tables]] of MIGRATION_TABLES.entries()) {
      for (const table of tables) await expect(hasTable(table)).resolves.toBe(index < left);
    }
    const executed = await dataSource.query<{ name: string }[]>('SELECT "name" FROM "migrations"');
    expect(executed.map((row) => row.name)).toEqual(MIGRATION_NAMES.slice(0, left));
  }
}

describe('Migrations', () => {
  describe('on SQLite (better-sqlite3)', () => {
    let dataSource: DataSource;

    beforeEach(async () => {
      dataSource = new DataSource({
        type: 'better-sqlite3',
        database: ':memory:',
        entities: ENTITIES,
        migrations: MIGRATIONS,
      });
      await dataSource.initialize();
      await dataSource.runMigrations();
    });

    afterEach(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
    });

    async function hasTable(name: string): Promise<boolean> {
      const queryRunner = dataSource.createQueryRunner();
      try {
        return await queryRunner.hasTable(name);
      } finally {
        await queryRunner.release();
      }
    }

    async function insertUser(username = 'alice'): Promise<number> {
      const result = await dataSource.getRepository(User).insert({
        username,
        email: `${username}@example.org`,
        passwordHash: 'x'.repeat(60),
        isActive: true,
        createdAt: NOW,
        updatedAt: NOW,
      });
      return result.identifiers[0].id as number;
    }

    async function insertWeek(year: number, weekNumber: number, userId: number | null = null) {
      const result = await dataSource.getRepository(Week).insert({
        userId,
        year,
        weekNumber,
        notes: null,
        createdAt: NOW,
        updatedAt: NOW,
      });
      return result.identifiers[0].id as number;
    }

    async function insertMovie(tmdbId: number, title = `Movie ${tmdbId}`): Promise<number> {
      const result = await dataSource.getRepository(Movie).insert({
        tmdbId,
        title,
        sortTitle: title.toLowerCase(),
        originalTitle: null,
        releaseDate: null,
        posterPath: null,
        backdropPath: null,
        overview: null,
        runtime: null,
        tagline: null,
        status: null,
        imdbId: null,
        genres: [{ id: 28, name: 'Action' }],
        cachedAt: NOW,
        creditsCachedAt: null,
      });
      return result.identifiers[0].id as number;
    }

    async function insertArtist() {
      const result = await dataSource.getRepository(Artist).insert(PINK_FLOYD_ROW);
      return result.identifiers[0].id as number;
    }

    function addMovie(weekId: number, movieId: number, position: number) {
      return dataSource
        .getRepository(WeekMovie)
        .insert({ weekId, movieId, position, addedAt: NOW });
    }

    function addVerdict(fields: Partial<Verdict>) {
      return dataSource.getRepository(Verdict).insert({
        weekMovieId: null,
        weekAlbumId: null,
        rating: 7,
        review: null,
        spoiler: false,
        consumedOn: null,
        createdAt: NOW,
        updatedAt: NOW,
        ...fields,
      });
    }

    /** A week with a movie in position 1, and its pick id. */
    async function judgeableMovie(weekNumber = 1, ownerId: number | null = null) {
      const weekId = await insertWeek(2025, weekNumber, ownerId);
      const movieId = await insertMovie(weekNumber);
      const result = await addMovie(weekId, movieId, 1);
      return { weekId, pickId: result.identifiers[0].id as number };
    }

    it('runs every migration in order and creates every table', async () => {
      const executed = await dataSource.query<{ name: string }[]>(
        'SELECT "name" FROM "migrations" ORDER BY "id"',
      );
      expect(executed.map((row) => row.name)).toEqual(MIGRATION_NAMES);
      for (const table of TABLES) {
        await expect(hasTable(table)).resolves.toBe(true);
      }
    });

    it('produces exactly the schema the entities describe (empty schema diff)', async () => {
      const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
      const pending = upQueries.map((query) => query.query);
      if (pending.length > 0) console.log('Schema diff on SQLite:\n' + pending.join('\n'));
      expect(pending).toEqual([]);
    });

    it('round-trips a movie with entity defaults, JSON genres and timestamps', async () => {
      const id = await insertMovie(27205, 'Inception');
      const movie = await dataSource.getRepository(Movie).findOneByOrFail({ id });
      expect(movie).toMatchObject({
        tmdbId: 27205,
        sortTitle: 'inception',
        voteAverage: 0,
        voteCount: 0,
        genres: [{ id: 28, name: 'Action' }],
        cachedAt: NOW,
        creditsCachedAt: null,
      });
    });

    it('gives a new user is_active = true and an album cover_art_source = none by default', async () => {
      await dataSource.query(
        `INSERT INTO "users" ("username", "email", "password_hash", "created_at", "updated_at")
         VALUES ('bob', 'bob@example.org', 'h', '2025-01-01 00:00:00.000', '2025-01-01 00:00:00.000')`,
      );
      const user = await dataSource.getRepository(User).findOneByOrFail({ username: 'bob' });
      expect(user.isActive).toBe(true);

      await dataSource.query(
        `INSERT INTO "albums" ("musicbrainz_id", "title", "sort_title", "artist", "cached_at")
         VALUES ('3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9', 'T', 't', 'A', '2025-01-01 00:00:00.000')`,
      );
      const album = await dataSource.getRepository(Album).findOneByOrFail({
        musicbrainzId: '3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9',
      });
      expect(album.coverArtSource).toBe('none');
    });

    it('rejects a duplicate username and a duplicate email', async () => {
      await insertUser('alice');
      await expectConstraintViolation(
        dataSource.query(
          `INSERT INTO "users" ("username", "email", "password_hash", "created_at", "updated_at")
           VALUES ('alice', 'other@example.org', 'h', '2025-01-01', '2025-01-01')`,
        ),
        'SQLITE_CONSTRAINT_UNIQUE',
        /users\.username/,
      );
      await expectConstraintViolation(
        dataSource.query(
          `INSERT INTO "users" ("username", "email", "password_hash", "created_at", "updated_at")
           VALUES ('other', 'alice@example.org', 'h', '2025-01-01', '2025-01-01')`,
        ),
        'SQLITE_CONSTRAINT_UNIQUE',
        /users\.email/,
      );
    });

    it('rejects a second week with the same year and week_number', async () => {
      await insertWeek(2025, 52);
      await expectConstraintViolation(
        insertWeek(2025, 52),
        'SQLITE_CONSTRAINT_UNIQUE',
        /weeks\.year, weeks\.week_number/,
      );
      await expect(insertWeek(2026, 52)).resolves.toEqual(expect.any(Number));
    });

    it('rejects week_number outside 1..53', async () => {
      await expectConstraintViolation(
        insertWeek(2025, 54),
        'SQLITE_CONSTRAINT_CHECK',
        /CHK_weeks_week_number/,
      );
      await expectConstraintViolation(
        insertWeek(2025, 0),
        'SQLITE_CONSTRAINT_CHECK',
        /CHK_weeks_week_number/,
      );
    });

    it('rejects two movies in the same slot of a week', async () => {
      const weekId = await insertWeek(2025, 1);
      const first = await insertMovie(1);
      const second = await insertMovie(2);
      await addMovie(weekId, first, 1);
      await expectConstraintViolation(
        addMovie(weekId, second, 1),
        'SQLITE_CONSTRAINT_UNIQUE',
        /week_movies\.week_id, week_movies\.position/,
      );
    });

    it('rejects the same movie in both slots of a week', async () => {
      const weekId = await insertWeek(2025, 1);
      const movieId = await insertMovie(1);
      await addMovie(weekId, movieId, 1);
      await expectConstraintViolation(
        addMovie(weekId, movieId, 2),
        'SQLITE_CONSTRAINT_UNIQUE',
        /week_movies\.week_id, week_movies\.movie_id/,
      );
    });

    it('rejects position 3 for movies and albums', async () => {
      const weekId = await insertWeek(2025, 1);
      const movieId = await insertMovie(1);
      await expectConstraintViolation(
        addMovie(weekId, movieId, 3),
        'SQLITE_CONSTRAINT_CHECK',
        /CHK_week_movies_position/,
      );
      await expectConstraintViolation(
        dataSource.query(
          `INSERT INTO "week_albums" ("week_id", "album_id", "position", "added_at") VALUES (?, 1, 3, '2025-01-01')`,
          [weekId],
        ),
        'SQLITE_CONSTRAINT_CHECK',
        /CHK_week_albums_position/,
      );
    });

    it('rejects an unknown cover_art_source', async () => {
      await expectConstraintViolation(
        dataSource.query(
          `INSERT INTO "albums" ("musicbrainz_id", "title", "sort_title", "artist", "cover_art_source", "cached_at")
           VALUES ('3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9', 'T', 't', 'A', 'front', '2025-01-01')`,
        ),
        'SQLITE_CONSTRAINT_CHECK',
        /CHK_albums_cover_art_source/,
      );
    });

    it('unclaims the weeks and deletes the refresh tokens of a deleted user', async () => {
      const userId = await insertUser('alice');
      const otherId = await insertUser('bob');
      const weekId = await insertWeek(2025, 10, userId);
      const otherWeekId = await insertWeek(2025, 11, otherId);
      const movieId = await insertMovie(1);
      await addMovie(weekId, movieId, 1);
      await dataSource.getRepository(RefreshToken).insert({
        userId,
        tokenHash: 'a'.repeat(64),
        familyId: '00000000-0000-4000-8000-000000000000',
        expiresAt: NOW,
        revokedAt: null,
        createdAt: NOW,
      });

      await dataSource.getRepository(User).delete(userId);

      const weeks = dataSource.getRepository(Week);
      await expect(weeks.findOneByOrFail({ id: weekId })).resolves.toMatchObject({
        userId: null,
      });
      await expect(weeks.findOneByOrFail({ id: otherWeekId })).resolves.toMatchObject({
        userId: otherId,
      });
      await expect(dataSource.getRepository(WeekMovie).countBy({ weekId })).resolves.toBe(1);
      await expect(dataSource.getRepository(RefreshToken).countBy({ userId })).resolves.toBe(0);
    });

    it("deletes a week's items with the week but keeps the catalog", async () => {
      const weekId = await insertWeek(2025, 1);
      const movieId = await insertMovie(1);
      await addMovie(weekId, movieId, 1);

      await dataSource.getRepository(Week).delete(weekId);

      await expect(dataSource.getRepository(WeekMovie).countBy({ weekId })).resolves.toBe(0);
      await expect(dataSource.getRepository(Movie).countBy({ id: movieId })).resolves.toBe(1);
    });

    it('refuses to delete a movie that a week selected', async () => {
      const weekId = await insertWeek(2025, 1);
      const movieId = await insertMovie(1);
      await addMovie(weekId, movieId, 1);

      await expectConstraintViolation(
        dataSource.getRepository(Movie).delete(movieId),
        'SQLITE_CONSTRAINT_TRIGGER',
        /FOREIGN KEY constraint failed/,
      );
      await expect(dataSource.getRepository(Movie).countBy({ id: movieId })).resolves.toBe(1);
    });

    it('refuses a week item that points to a missing album', async () => {
      const weekId = await insertWeek(2025, 1);
      await expectConstraintViolation(
        dataSource
          .getRepository(WeekAlbum)
          .insert({ weekId, albumId: 999, position: 1, addedAt: NOW }),
        'SQLITE_CONSTRAINT_FOREIGNKEY',
        /FOREIGN KEY constraint failed/,
      );
    });

    it('gives a verdict spoiler = false by default', async () => {
      const { pickId } = await judgeableMovie();
      const userId = await insertUser();
      await dataSource.query(
        `INSERT INTO "verdicts" ("week_movie_id", "user_id", "rating", "created_at", "updated_at")
         VALUES (?, ?, 5, '2025-01-01 00:00:00.000', '2025-01-01 00:00:00.000')`,
        [pickId, userId],
      );
      const verdict = await dataSource.getRepository(Verdict).findOneByOrFail({ userId });
      expect(verdict).toMatchObject({ spoiler: false, review: null, consumedOn: null });
    });

    it('rejects a second verdict by one member on one pick, not on another pick or by another member', async () => {
      const { pickId } = await judgeableMovie(1);
      const { pickId: otherPickId } = await judgeableMovie(2);
      const alice = await insertUser('alice');
      const bob = await insertUser('bob');
      await addVerdict({ weekMovieId: pickId, userId: alice });
      await expectConstraintViolation(
        addVerdict({ weekMovieId: pickId, userId: alice, rating: 3 }),
        'SQLITE_CONSTRAINT_UNIQUE',
        /verdicts\.week_movie_id, verdicts\.user_id/,
      );
      await addVerdict({ weekMovieId: pickId, userId: bob });
      await addVerdict({ weekMovieId: otherPickId, userId: alice });

      const weekId = await insertWeek(2025, 3);
      const albumId = await dataSource.getRepository(Album).insert({
        musicbrainzId: '3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9',
        title: 'T',
        sortTitle: 't',
        artist: 'A',
        releaseDate: null,
        country: null,
        status: null,
        releaseGroupId: null,
        coverArtSource: 'none',
        cachedAt: NOW,
      });
      const albumPick = await dataSource.getRepository(WeekAlbum).insert({
        weekId,
        albumId: albumId.identifiers[0].id as number,
        position: 1,
        addedAt: NOW,
      });
      const weekAlbumId = albumPick.identifiers[0].id as number;
      await addVerdict({ weekAlbumId, userId: alice });
      await expectConstraintViolation(
        addVerdict({ weekAlbumId, userId: alice }),
        'SQLITE_CONSTRAINT_UNIQUE',
        /verdicts\.week_album_id, verdicts\.user_id/,
      );
      await expect(dataSource.getRepository(Verdict).count()).resolves.toBe(4);
    });

    it('rejects a verdict on no pick or on two, a rating outside 1..10, and one with neither rating nor review', async () => {
      const { pickId } = await judgeableMovie();
      const userId = await insertUser();
      await expectConstraintViolation(
        addVerdict({ userId }),
        'SQLITE_CONSTRAINT_CHECK',
        /CHK_verdicts_one_pick/,
      );
      await expectConstraintViolation(
        addVerdict({ weekMovieId: pickId, weekAlbumId: pickId, userId }),
        'SQLITE_CONSTRAINT_CHECK',
        /CHK_verdicts_one_pick/,
      );
      for (const rating of [0, 11]) {
        await expectConstraintViolation(
          addVerdict({ weekMovieId: pickId, userId, rating }),
          'SQLITE_CONSTRAINT_CHECK',
          /CHK_verdicts_rating\b/,
        );
      }
      await expectConstraintViolation(
        addVerdict({ weekMovieId: pickId, userId, rating: null, review: null }),
        'SQLITE_CONSTRAINT_CHECK',
        /CHK_verdicts_rating_or_review/,
      );
      await addVerdict({ weekMovieId: pickId, userId, rating: null, review: 'Fine.' });
    });

    it('refuses a verdict on a pick that does not exist', async () => {
      const userId = await insertUser();
      await expectConstraintViolation(
        addVerdict({ weekMovieId: 999, userId }),
        'SQLITE_CONSTRAINT_FOREIGNKEY',
        /FOREIGN KEY constraint failed/,
      );
    });

    it('refuses to delete a judged pick or its week, and keeps the verdict', async () => {
      const { weekId, pickId } = await judgeableMovie();
      const userId = await insertUser();
      await addVerdict({ weekMovieId: pickId, userId });

      await expectConstraintViolation(
        dataSource.getRepository(WeekMovie).delete(pickId),
        'SQLITE_CONSTRAINT_TRIGGER',
        /FOREIGN KEY constraint failed/,
      );
      await expectConstraintViolation(
        dataSource.getRepository(Week).delete(weekId),
        'SQLITE_CONSTRAINT_TRIGGER',
        /FOREIGN KEY constraint failed/,
      );
      await expect(dataSource.getRepository(WeekMovie).countBy({ id: pickId })).resolves.toBe(1);
      await expect(dataSource.getRepository(Verdict).countBy({ userId })).resolves.toBe(1);

      await dataSource.getRepository(Verdict).delete({ userId });
      await dataSource.getRepository(Week).delete(weekId);
      await expect(dataSource.getRepository(WeekMovie).countBy({ id: pickId })).resolves.toBe(0);
    });

    it("deletes a removed user's verdicts; their weeks stay, unclaimed, with items and others' verdicts", async () => {
      const alice = await insertUser('alice');
      const bob = await insertUser('bob');
      const { weekId, pickId } = await judgeableMovie(1, alice);
      await addVerdict({ weekMovieId: pickId, userId: alice });
      await addVerdict({ weekMovieId: pickId, userId: bob });

      await dataSource.getRepository(User).delete(alice);

      const verdicts = await dataSource.getRepository(Verdict).find();
      expect(verdicts.map((verdict) => verdict.userId)).toEqual([bob]);
      await expect(
        dataSource.getRepository(Week).findOneByOrFail({ id: weekId }),
      ).resolves.toMatchObject({ userId: null });
      await expect(dataSource.getRepository(WeekMovie).countBy({ weekId })).resolves.toBe(1);
    });

    function addInvite(
      codeHash: string,
      createdById: number | null,
      usedById: number | null = null,
    ) {
      return dataSource.getRepository(Invite).insert({
        codeHash,
        createdById,
        createdAt: NOW,
        expiresAt: NOW,
        usedById,
        usedAt: usedById === null ? null : NOW,
      });
    }

    it('rejects a second invite with the same code hash', async () => {
      const alice = await insertUser('alice');
      await addInvite('a'.repeat(64), alice);
      await expectConstraintViolation(addInvite('a'.repeat(64), null), 'SQLITE_CONSTRAINT_UNIQUE');
    });

    it("deletes a removed user's invites, and keeps the invites they used, used by no one", async () => {
      const alice = await insertUser('alice');
      const bob = await insertUser('bob');
      await addInvite('b'.repeat(64), alice, bob);
      await addInvite('c'.repeat(64), bob);
      await dataSource.getRepository(User).delete(bob);
      const invites = await dataSource.getRepository(Invite).find();
      expect(
        invites.map(({ codeHash, createdById, usedById, usedAt }) => ({
          codeHash: codeHash[0],
          createdById,
          usedById,
          used: usedAt !== null,
        })),
      ).toEqual([{ codeHash: 'b', createdById: alice, usedById: null, used: true }]);
    });

    it('stores one recommendations list per movie and one release-group list per artist, as JSON', async () => {
      const movieId = await insertMovie(27205);
      const artistId = await insertArtist();
      const { results, releaseGroups } = STORED_LISTS;
      await dataSource
        .getRepository(MovieRecommendations)
        .insert({ movieId, results, cachedAt: NOW });
      await dataSource
        .getRepository(ArtistReleaseGroups)
        .insert({ artistId, releaseGroups, cachedAt: NOW });
      await expect(
        dataSource.getRepository(MovieRecommendations).findOneByOrFail({ movieId }),
      ).resolves.toEqual({ movieId, results, cachedAt: NOW });
      await expect(
        dataSource.getRepository(ArtistReleaseGroups).findOneByOrFail({ artistId }),
      ).resolves.toEqual({ artistId, releaseGroups, cachedAt: NOW });

      await expectConstraintViolation(
        dataSource
          .getRepository(MovieRecommendations)
          .insert({ movieId, results: [], cachedAt: NOW }),
        'SQLITE_CONSTRAINT_PRIMARYKEY',
      );
      await expectConstraintViolation(
        dataSource
          .getRepository(ArtistReleaseGroups)
          .insert({ artistId, releaseGroups: [], cachedAt: NOW }),
        'SQLITE_CONSTRAINT_PRIMARYKEY',
      );
    });

    it('refuses a list for a missing movie or artist, and deletes the lists with their movie or artist', async () => {
      await expectConstraintViolation(
        dataSource
          .getRepository(MovieRecommendations)
          .insert({ movieId: 999, results: [], cachedAt: NOW }),
        'SQLITE_CONSTRAINT_FOREIGNKEY',
      );
      await expectConstraintViolation(
        dataSource
          .getRepository(ArtistReleaseGroups)
          .insert({ artistId: 999, releaseGroups: [], cachedAt: NOW }),
        'SQLITE_CONSTRAINT_FOREIGNKEY',
      );
      const movieId = await insertMovie(27205);
      const artistId = await insertArtist();
      await dataSource
        .getRepository(MovieRecommendations)
        .insert({ movieId, results: [], cachedAt: NOW });
      await dataSource
        .getRepository(ArtistReleaseGroups)
        .insert({ artistId, releaseGroups: [], cachedAt: NOW });

      await dataSource.getRepository(Movie).delete(movieId);
      await dataSource.getRepository(Artist).delete(artistId);
      await expect(dataSource.getRepository(MovieRecommendations).count()).resolves.toBe(0);
      await expect(dataSource.getRepository(ArtistReleaseGroups).count()).resolves.toBe(0);
    });

    it('reverts the migrations one by one, each dropping exactly the tables it created', async () => {
      await expectRevertsOneByOne(dataSource, hasTable);
    });

    it('applies the last migration again cleanly after a revert, with an empty schema diff', async () => {
      await dataSource.undoLastMigration();
      await dataSource.runMigrations();
      for (const table of TABLES) await expect(hasTable(table)).resolves.toBe(true);
      const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
      expect(upQueries.map((query) => query.query)).toEqual([]);
    });
  });
});
