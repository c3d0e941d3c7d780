import { randomBytes } from 'node:crypto';
import { DataSource, type QueryRunner } from 'typeorm';
import { Movie } from '../src/movies/entities/movie.entity.js';
import { ENTITIES } from '../src/entities.js';
import { Stats1796774400000 } from './1796774400000-stats.js';
import { MIGRATIONS } from './index.js';

/** The migrations before this one. */
const BEFORE = MIGRATIONS.filter((migration) => migration !== Stats1796774400000);

/** Same server as migrations.postgres.spec.ts; each run works in its own throw-away database. */
const SERVER_URL = 'postgres://postgres@127.0.0.1:5432';
const NOW = new Date('2025-12-28T16:05:00.000Z');

interface Driver {
  /** A data source on a fresh database, with the migrations before this one applied. */
  open(): Promise<DataSource>;
  close(dataSource: DataSource): Promise<void>;
}

const SQLITE: Driver = {
  async open() {
    const dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: ENTITIES,
      migrations: BEFORE,
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    return dataSource;
  },
  close: (dataSource) => dataSource.destroy(),
};

const POSTGRES: Driver = {
  async open() {
    const name = `wo_stats_migration_${randomBytes(6).toString('hex')}`;
    await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
    const dataSource = new DataSource({
      type: 'postgres',
      url: `${SERVER_URL}/${name}`,
      entities: ENTITIES,
      migrations: BEFORE,
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    return dataSource;
  },
  async close(dataSource) {
    const { database } = dataSource.options as { database?: string };
    const name = database ?? new URL((dataSource.options as { url: string }).url).pathname.slice(1);
    await dataSource.destroy();
    await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  },
};

async function withAdmin<T>(work: (admin: DataSource) => Promise<T>): Promise<T> {
  const admin = new DataSource({ type: 'postgres', url: `${SERVER_URL}/test` });
  await admin.initialize();
  try {
    return await work(admin);
  } finally {
    await admin.destroy();
  }
}

describe.each([
  ['SQLite', SQLITE],
  ['PostgreSQL', POSTGRES],
])('Stats migration on %s', (driverName, driver) => {
  let dataSource: DataSource;
  let runner: QueryRunner;
  const migration = new Stats1796774400000();

  beforeEach(async () => {
    dataSource = await driver.open();
    runner = dataSource.createQueryRunner();
  });

  afterEach(async () => {
    await runner.release();
    await driver.close(dataSource);
  });

  async function insertMovie(tmdbId: number, genres: unknown[]): Promise<number> {
    const result = await dataSource.getRepository(Movie).insert({
      tmdbId,
      title: `Movie ${tmdbId}`,
      sortTitle: `movie ${tmdbId}`,
      originalTitle: null,
      releaseDate: null,
      posterPath: null,
      backdropPath: null,
      overview: null,
      runtime: null,
      tagline: null,
      status: null,
      imdbId: null,
      genres: genres as Movie['genres'],
      cachedAt: NOW,
      creditsCachedAt: null,
    });
    return result.identifiers[0].id as number;
  }

  const genreRows = () =>
    dataSource.query<{ movie_id: number; genre_id: number; name: string }[]>(
      'SELECT "movie_id", "genre_id", "name" FROM "movie_genres" ORDER BY "movie_id", "genre_id"',
    );

  it('copies the JSON genres of every stored movie into movie_genres, once per id', async () => {
    const inception = await insertMovie(27205, [
      { id: 878, name: 'Science Fiction' },
      { id: 28, name: 'Action' },
      { id: 28, name: 'Action again' },
    ]);
    await insertMovie(1, []);
    const odd = await insertMovie(2, [
      { id: 'x', name: 'No id' },
      { id: 18 },
      { id: 18, name: 'Drama' },
    ]);

    await migration.up(runner);

    expect(await genreRows()).toEqual([
      { movie_id: inception, genre_id: 28, name: 'Action' },
      { movie_id: inception, genre_id: 878, name: 'Science Fiction' },
      { movie_id: odd, genre_id: 18, name: 'Drama' },
    ]);
  });

  const verdictIndexes = async () =>
    (await runner.getTable('verdicts'))!.indices.map((index) => index.name).sort();

  it('indexes verdicts by pick, member and rating and by member and rating, and is undone without a trace', async () => {
    const before = await verdictIndexes();
    const id = await insertMovie(27205, [{ id: 28, name: 'Action' }]);
    await migration.up(runner);
    expect(await verdictIndexes()).toEqual(
      [
        ...before,
        'IDX_verdicts_user_id_rating',
        'IDX_verdicts_week_album_id_user_id_rating',
        'IDX_verdicts_week_movie_id_user_id_rating',
      ].sort(),
    );
    await migration.down(runner);

    expect(await verdictIndexes()).toEqual(before);
    expect(await runner.hasTable('movie_genres')).toBe(false);
    expect((await dataSource.getRepository(Movie).findOneByOrFail({ id })).genres).toEqual([
      { id: 28, name: 'Action' },
    ]);
  });

  if (driverName === 'PostgreSQL') {
    const collations = () =>
      dataSource.query<
        { table_name: string; column_name: string; collation_name: string | null }[]
      >(
        `SELECT "table_name", "column_name", "collation_name" FROM information_schema.columns
         WHERE "table_schema" = current_schema()
           AND ("table_name", "column_name") IN
               (('users', 'username'), ('people', 'name'), ('artists', 'name'), ('movie_genres', 'name'))
         ORDER BY "table_name"`,
      );

    it('compares usernames and the names of people, artists and genres by code point, and back', async () => {
      // The test database may already use a C collation, so check that the columns pin it themselves.
      await migration.up(runner);
      expect(await collations()).toEqual([
        { table_name: 'artists', column_name: 'name', collation_name: 'C' },
        { table_name: 'movie_genres', column_name: 'name', collation_name: 'C' },
        { table_name: 'people', column_name: 'name', collation_name: 'C' },
        { table_name: 'users', column_name: 'username', collation_name: 'C' },
      ]);

      await migration.down(runner);
      expect(await collations()).toEqual([
        { table_name: 'artists', column_name: 'name', collation_name: null },
        { table_name: 'people', column_name: 'name', collation_name: null },
        { table_name: 'users', column_name: 'username', collation_name: null },
      ]);
    });
  }
});
