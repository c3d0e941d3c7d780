import { randomBytes } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { RefreshToken } from '../src/users/entities/refresh-token.entity.js';
import { Album } from '../src/albums/entities/album.entity.js';
import { Artist } from '../src/albums/entities/artist.entity.js';
import { ArtistReleaseGroups } from '../src/recommendations/entities/artist-release-groups.entity.js';
import { MovieRecommendations } from '../src/recommendations/entities/movie-recommendations.entity.js';
import { Movie } from '../src/movies/entities/movie.entity.js';
import { ENTITIES } from '../src/entities.js';
import { User } from '../src/users/entities/user.entity.js';
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

/**
 * The local PostgreSQL (trust auth) is on every machine, CI included, so this suite always runs. Each run works in
 * its own throw-away database, created from the `test` database and dropped in afterAll.
 */
const SERVER_URL = 'postgres://postgres@127.0.0.1:5432';

const NOW = new Date('2025-12-28T16:05:00.000Z');

/** PostgreSQL SQLSTATEs, carried by QueryFailedError.driverError.code. */
const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';
const FOREIGN_KEY_VIOLATION = '23503';

async function expectConstraintViolation(
  action: Promise<unknown>,
  code: string,
  constraint: string,
): Promise<void> {
  const error: unknown = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueryFailedError);
  const driverError = (error as QueryFailedError).driverError as {
    code?: string;
    constraint?: string;
  };
  expect({ code: driverError.code, constraint: driverError.constraint }).toEqual({
    code,
    constraint,
  });
}

describe('Migrations', () => {
  describe('on PostgreSQL', () => {
    const databaseName = `wo_migrations_${randomBytes(6).toString('hex')}`;
    let admin: DataSource | undefined;
    let dataSource: DataSource | undefined;

    /** The migrated data source; only valid inside tests. */
    function db(): DataSource {
      if (!dataSource) throw new Error('the migrated data source is not initialized');
      return dataSource;
    }

    beforeAll(async () => {
      // TypeORM's postgres driver is the `pg` client; @types/pg is not installed, so we go through it.
      admin = new DataSource({ type: 'postgres', url: `${SERVER_URL}/test` });
      await admin.initialize();
      await admin.query(`CREATE DATABASE "${databaseName}"`);

      dataSource = new DataSource({
        type: 'postgres',
        url: `${SERVER_URL}/${databaseName}`,
        entities: ENTITIES,
        migrations: MIGRATIONS,
      });
      await dataSource.initialize();
      await dataSource.runMigrations();
    });

    afterAll(async () => {
      try {
        if (dataSource?.isInitialized) await dataSource.destroy();
      } finally {
        if (admin?.isInitialized) {
          try {
            await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
          } finally {
            await admin.destroy();
          }
        }
      }
    });

    beforeEach(async () => {
      // Every test starts from empty tables (the revert tests at the end are the exception, see below).
      const queryRunner = db().createQueryRunner();
      try {
        const present: string[] = [];
        for (const table of TABLES) if (await queryRunner.hasTable(table)) present.push(table);
        if (present.length > 0) {
          await queryRunner.query(
            `TRUNCATE ${present.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`,
          );
        }
      } finally {
        await queryRunner.release();
      }
    });

    async function hasTable(name: string): Promise<boolean> {
      const queryRunner = db().createQueryRunner();
      try {
        return await queryRunner.hasTable(name);
      } finally {
        await queryRunner.release();
      }
    }

    async function insertUser(username = 'alice'): Promise<number> {
      const result = await db()
        .getRepository(User)
        .insert({
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
      const result = await db().getRepository(Week).insert({
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
      const result = await db()
        .getRepository(Movie)
        .insert({
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
      const result = await db().getRepository(Artist).insert(PINK_FLOYD_ROW);
      return result.identifiers[0].id as number;
    }

    /** The name TypeORM gives a one-column primary key (the migration lets it choose). */
    function primaryKeyOf(table: string, column: string): string {
      return db().namingStrategy.primaryKeyName(table, [column]);
    }

    function addMovie(weekId: number, movieId: number, position: number) {
      return db().getRepository(WeekMovie).insert({ weekId, movieId, position, addedAt: NOW });
    }

    function addVerdict(fields: Partial<Verdict>) {
      return db()
        .getRepository(Verdict)
        .insert({
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
      const executed = await db().query<{ name: string }[]>(
        'SELECT "name" FROM "migrations" ORDER BY "id"',
      );
      expect(executed.map((row) => row.name)).toEqual(MIGRATION_NAMES);
      for (const table of TABLES) {
        await expect(hasTable(table)).resolves.toBe(true);
      }
    });

    it('produces exactly the schema the entities describe (empty schema diff)', async () => {
      const { upQueries } = await db().driver.createSchemaBuilder().log();
      const pending = upQueries.map((query) => query.query);
      if (pending.length > 0) console.log('Schema diff on PostgreSQL:\n' + pending.join('\n'));
      expect(pending).toEqual([]);
    });

    it('round-trips a movie with entity defaults, JSON genres and timestamps', async () => {
      const id = await insertMovie(27205, 'Inception');
      const movie = await db().getRepository(Movie).findOneByOrFail({ id });
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

    it('orders sort_title by code point, whatever the database collation', async () => {
      // The test database may already use a C collation, so also check that the columns pin it themselves.
      const collations = await db().query<{ table_name: string; collation_name: string | null }[]>(
        `SELECT "table_name", "collation_name" FROM information_schema.columns
         WHERE "table_schema" = current_schema() AND "column_name" = 'sort_title' ORDER BY "table_name"`,
      );
      expect(collations).toEqual([
        { table_name: 'albums', collation_name: 'C' },
        { table_name: 'movies', collation_name: 'C' },
      ]);

      for (const [tmdbId, title] of [
        [1, 'Zodiac'],
        [2, 'Éclair'],
        [3, 'alien'],
        [4, 'Être'],
        [5, 'Émile'],
        [6, 'ab'],
      ] as const) {
        await insertMovie(tmdbId, title);
      }
      const rows = await db().query<{ sort_title: string }[]>(
        'SELECT "sort_title" FROM "movies" ORDER BY "sort_title", "id"',
      );
      const codePointOrder = rows
        .map((row) => row.sort_title)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(rows.map((row) => row.sort_title)).toEqual(codePointOrder);
      expect(codePointOrder).toEqual(['ab', 'alien', 'zodiac', 'éclair', 'émile', 'être']);
    });

    it('gives a new user is_active = true and an album cover_art_source = none by default', async () => {
      await db().query(
        `INSERT INTO "users" ("username", "email", "password_hash", "created_at", "updated_at")
         VALUES ('bob', 'bob@example.org', 'h', '2025-01-01 00:00:00', '2025-01-01 00:00:00')`,
      );
      const user = await db().getRepository(User).findOneByOrFail({ username: 'bob' });
      expect(user.isActive).toBe(true);

      await db().query(
        `INSERT INTO "albums" ("musicbrainz_id", "title", "sort_title", "artist", "cached_at")
         VALUES ('3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9', 'T', 't', 'A', '2025-01-01 00:00:00')`,
      );
      const album = await db().getRepository(Album).findOneByOrFail({
        musicbrainzId: '3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9',
      });
      expect(album.coverArtSource).toBe('none');
    });

    it('rejects a duplicate username and a duplicate email', async () => {
      await insertUser('alice');
      await expectConstraintViolation(
        db().query(
          `INSERT INTO "users" ("username", "email", "password_hash", "created_at", "updated_at")
           VALUES ('alice', 'other@example.org', 'h', '2025-01-01', '2025-01-01')`,
        ),
        UNIQUE_VIOLATION,
        'UQ_users_username',
      );
      await expectConstraintViolation(
        db().query(
          `INSERT INTO "users" ("username", "email", "password_hash", "created_at", "updated_at")
           VALUES ('other', 'alice@example.org', 'h', '2025-01-01', '2025-01-01')`,
        ),
        UNIQUE_VIOLATION,
        'UQ_users_email',
      );
    });

    it('rejects a second week with the same year and week_number', async () => {
      await insertWeek(2025, 52);
      await expectConstraintViolation(
        insertWeek(2025, 52),
        UNIQUE_VIOLATION,
        'UQ_weeks_year_week_number',
      );
      await expect(insertWeek(2026, 52)).resolves.toEqual(expect.any(Number));
    });

    it('rejects week_number outside 1..53', async () => {
      await expectConstraintViolation(
        insertWeek(2025, 54),
        CHECK_VIOLATION,
        'CHK_weeks_week_number',
      );
      await expectConstraintViolation(
        insertWeek(2025, 0),
        CHECK_VIOLATION,
        'CHK_weeks_week_number',
      );
    });

    it('rejects two movies in the same slot of a week', async () => {
      const weekId = await insertWeek(2025, 1);
      const first = await insertMovie(1);
      const second = await insertMovie(2);
      await addMovie(weekId, first, 1);
      await expectConstraintViolation(
        addMovie(weekId, second, 1),
        UNIQUE_VIOLATION,
        'UQ_week_movies_week_id_position',
      );
    });

    it('rejects the same movie in both slots of a week', async () => {
      const weekId = await insertWeek(2025, 1);
      const movieId = await insertMovie(1);
      await addMovie(weekId, movieId, 1);
      await expectConstraintViolation(
        addMovie(weekId, movieId, 2),
        UNIQUE_VIOLATION,
        'UQ_week_movies_week_id_movie_id',
      );
    });

    it('rejects position 3 for movies and albums', async () => {
      const weekId = await insertWeek(2025, 1);
      const movieId = await insertMovie(1);
      await expectConstraintViolation(
        addMovie(weekId, movieId, 3),
        CHECK_VIOLATION,
        'CHK_week_movies_position',
      );
      await expectConstraintViolation(
        db().query(
          `INSERT INTO "week_albums" ("week_id", "album_id", "position", "added_at") VALUES ($1, 1, 3, '2025-01-01')`,
          [weekId],
        ),
        CHECK_VIOLATION,
        'CHK_week_albums_position',
      );
    });

    it('rejects an unknown cover_art_source', async () => {
      await expectConstraintViolation(
        db().query(
          `INSERT INTO "albums" ("musicbrainz_id", "title", "sort_title", "artist", "cover_art_source", "cached_at")
           VALUES ('3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9', 'T', 't', 'A', 'front', '2025-01-01')`,
        ),
        CHECK_VIOLATION,
        'CHK_albums_cover_art_source',
      );
    });

    it('unclaims the weeks and deletes the refresh tokens of a deleted user', async () => {
      const userId = await insertUser('alice');
      const otherId = await insertUser('bob');
      const weekId = await insertWeek(2025, 10, userId);
      const otherWeekId = await insertWeek(2025, 11, otherId);
      const movieId = await insertMovie(1);
      await addMovie(weekId, movieId, 1);
      await db()
        .getRepository(RefreshToken)
        .insert({
          userId,
          tokenHash: 'a'.repeat(64),
          familyId: '00000000-0000-4000-8000-000000000000',
          expiresAt: NOW,
          revokedAt: null,
          createdAt: NOW,
        });

      await db().getRepository(User).delete(userId);

      const weeks = db().getRepository(Week);
      await expect(weeks.findOneByOrFail({ id: weekId })).resolves.toMatchObject({ userId: null });
      await expect(weeks.findOneByOrFail({ id: otherWeekId })).resolves.toMatchObject({
        userId: otherId,
      });
      await expect(db().getRepository(WeekMovie).countBy({ weekId })).resolves.toBe(1);
      await expect(db().getRepository(RefreshToken).countBy({ userId })).resolves.toBe(0);
    });

    it("deletes a week's items with the week but keeps the catalog", async () => {
      const weekId = await insertWeek(2025, 1);
      const movieId = await insertMovie(1);
      await addMovie(weekId, movieId, 1);

      await db().getRepository(Week).delete(weekId);

      await expect(db().getRepository(WeekMovie).countBy({ weekId })).resolves.toBe(0);
      await expect(db().getRepository(Movie).countBy({ id: movieId })).resolves.toBe(1);
    });

    it('refuses to delete a movie that a week selected', async () => {
      const weekId = await insertWeek(2025, 1);
      const movieId = await insertMovie(1);
      await addMovie(weekId, movieId, 1);

      await expectConstraintViolation(
        db().getRepository(Movie).delete(movieId),
        FOREIGN_KEY_VIOLATION,
        'FK_week_movies_movie_id',
      );
      await expect(db().getRepository(Movie).countBy({ id: movieId })).resolves.toBe(1);
    });

    it('refuses a week item that points to a missing album', async () => {
      const weekId = await insertWeek(2025, 1);
      await expectConstraintViolation(
        db().getRepository(WeekAlbum).insert({ weekId, albumId: 999, position: 1, addedAt: NOW }),
        FOREIGN_KEY_VIOLATION,
        'FK_week_albums_album_id',
      );
    });

    it('gives a verdict spoiler = false by default', async () => {
      const { pickId } = await judgeableMovie();
      const userId = await insertUser();
      await db().query(
        `INSERT INTO "verdicts" ("week_movie_id", "user_id", "rating", "created_at", "updated_at")
         VALUES ($1, $2, 5, '2025-01-01', '2025-01-01')`,
        [pickId, userId],
      );
      const verdict = await db().getRepository(Verdict).findOneByOrFail({ userId });
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
        UNIQUE_VIOLATION,
        'UQ_verdicts_week_movie_id_user_id',
      );
      await addVerdict({ weekMovieId: pickId, userId: bob });
      await addVerdict({ weekMovieId: otherPickId, userId: alice });
      await expect(db().getRepository(Verdict).count()).resolves.toBe(3);
    });

    it('rejects a verdict on no pick or on two, a rating outside 1..10, and one with neither rating nor review', async () => {
      const { pickId } = await judgeableMovie();
      const userId = await insertUser();
      await expectConstraintViolation(
        addVerdict({ userId }),
        CHECK_VIOLATION,
        'CHK_verdicts_one_pick',
      );
      await expectConstraintViolation(
        addVerdict({ weekMovieId: pickId, weekAlbumId: pickId, userId }),
        CHECK_VIOLATION,
        'CHK_verdicts_one_pick',
      );
      for (const rating of [0, 11]) {
        await expectConstraintViolation(
          addVerdict({ weekMovieId: pickId, userId, rating }),
          CHECK_VIOLATION,
          'CHK_verdicts_rating',
        );
      }
      await expectConstraintViolation(
        addVerdict({ weekMovieId: pickId, userId, rating: null, review: null }),
        CHECK_VIOLATION,
        'CHK_verdicts_rating_or_review',
      );
      await addVerdict({ weekMovieId: pickId, userId, rating: null, review: 'Fine.' });
    });

    it('refuses a verdict on a pick that does not exist', async () => {
      const userId = await insertUser();
      await expectConstraintViolation(
        addVerdict({ weekAlbumId: 999, userId }),
        FOREIGN_KEY_VIOLATION,
        'FK_verdicts_week_album_id',
      );
    });

    it('refuses to delete a judged pick or its week, and keeps the verdict', async () => {
      const { weekId, pickId } = await judgeableMovie();
      const userId = await insertUser();
      await addVerdict({ weekMovieId: pickId, userId });

      await expectConstraintViolation(
        db().getRepository(WeekMovie).delete(pickId),
        FOREIGN_KEY_VIOLATION,
        'FK_verdicts_week_movie_id',
      );
      await expectConstraintViolation(
        db().getRepository(Week).delete(weekId),
        FOREIGN_KEY_VIOLATION,
        'FK_verdicts_week_movie_id',
      );
      await expect(db().getRepository(WeekMovie).countBy({ id: pickId })).resolves.toBe(1);
      await expect(db().getRepository(Verdict).countBy({ userId })).resolves.toBe(1);

      await db().getRepository(Verdict).delete({ userId });
      await db().getRepository(Week).delete(weekId);
      await expect(db().getRepository(WeekMovie).countBy({ id: pickId })).resolves.toBe(0);
    });

    it("deletes a removed user's verdicts; their weeks stay, unclaimed, with items and others' verdicts", async () => {
      const alice = await insertUser('alice');
      const bob = await insertUser('bob');
      const { weekId, pickId } = await judgeableMovie(1, alice);
      await addVerdict({ weekMovieId: pickId, userId: alice });
      await addVerdict({ weekMovieId: pickId, userId: bob });

      await db().getRepository(User).delete(alice);

      const verdicts = await db().getRepository(Verdict).find();
      expect(verdicts.map((verdict) => verdict.userId)).toEqual([bob]);
      await expect(db().getRepository(Week).findOneByOrFail({ id: weekId })).resolves.toMatchObject(
        { userId: null },
      );
      await expect(db().getRepository(WeekMovie).countBy({ weekId })).resolves.toBe(1);
    });

    it('stores one recommendations list per movie and one release-group list per artist, as JSON', async () => {
      const movieId = await insertMovie(27205);
      const artistId = await insertArtist();
      const { results, releaseGroups } = STORED_LISTS;
      await db().getRepository(MovieRecommendations).insert({ movieId, results, cachedAt: NOW });
      await db()
        .getRepository(ArtistReleaseGroups)
        .insert({ artistId, releaseGroups, cachedAt: NOW });
      await expect(
        db().getRepository(MovieRecommendations).findOneByOrFail({ movieId }),
      ).resolves.toEqual({ movieId, results, cachedAt: NOW });
      await expect(
        db().getRepository(ArtistReleaseGroups).findOneByOrFail({ artistId }),
      ).resolves.toEqual({ artistId, releaseGroups, cachedAt: NOW });

      await expectConstraintViolation(
        db().getRepository(MovieRecommendations).insert({ movieId, results: [], cachedAt: NOW }),
        UNIQUE_VIOLATION,
        primaryKeyOf('movie_recommendations', 'movie_id'),
      );
      await expectConstraintViolation(
        db()
          .getRepository(ArtistReleaseGroups)
          .insert({ artistId, releaseGroups: [], cachedAt: NOW }),
        UNIQUE_VIOLATION,
        primaryKeyOf('artist_release_groups', 'artist_id'),
      );
    });

    it('refuses a list for a missing movie or artist, and deletes the lists with their movie or artist', async () => {
      await expectConstraintViolation(
        db()
          .getRepository(MovieRecommendations)
          .insert({ movieId: 999, results: [], cachedAt: NOW }),
        FOREIGN_KEY_VIOLATION,
        'FK_movie_recommendations_movie_id',
      );
      await expectConstraintViolation(
        db()
          .getRepository(ArtistReleaseGroups)
          .insert({ artistId: 999, releaseGroups: [], cachedAt: NOW }),
        FOREIGN_KEY_VIOLATION,
        'FK_artist_release_groups_artist_id',
      );
      const movieId = await insertMovie(27205);
      const artistId = await insertArtist();
      await db()
        .getRepository(MovieRecommendations)
        .insert({ movieId, results: [], cachedAt: NOW });
      await db()
        .getRepository(ArtistReleaseGroups)
        .insert({ artistId, releaseGroups: [], cachedAt: NOW });

      await db().getRepository(Movie).delete(movieId);
      await db().getRepository(Artist).delete(artistId);
      await expect(db().getRepository(MovieRecommendations).count()).resolves.toBe(0);
      await expect(db().getRepository(ArtistReleaseGroups).count()).resolves.toBe(0);
    });

    // The last two tests run in order on the shared database: revert, then apply again.
    it('reverts the migrations one by one, each dropping exactly the tables it created', async () => {
      for (let left = MIGRATION_TABLES.length - 1; left >= 0; left--) {
        await db().undoLastMigration();
        for (const [index, [, tables]] of MIGRATION_TABLES.entries()) {
          for (const table of tables) await expect(hasTable(table)).resolves.toBe(index < left);
        }
        const executed = await db().query<{ name: string }[]>('SELECT "name" FROM "migrations"');
        expect(executed.map((row) => row.name)).toEqual(MIGRATION_NAMES.slice(0, left));
      }
    });

    it('applies again cleanly after a revert, with an empty schema diff', async () => {
      await db().runMigrations();
      for (const table of TABLES) {
        await expect(hasTable(table)).resolves.toBe(true);
      }
      const { upQueries } = await db().driver.createSchemaBuilder().log();
      expect(upQueries.map((query) => query.query)).toEqual([]);
    });
  });
});
