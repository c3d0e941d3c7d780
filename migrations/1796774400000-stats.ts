/*
 * Stats (opinions.md §2): what their SQL aggregates need from the schema.
 *
 * - `movie_genres`: `movies.genres` (a JSON array) as rows, so that genres can be counted in SQL on both
 *   drivers (their JSON functions differ). Filled here from the stored JSON; the app writes both together
 *   from then on. movie_genres.movie_id → movies CASCADE: the rows are a copy of the movie's own genres.
 * - Verdicts indexed by pick, member and rating, and by member and rating: the stats read every pick's
 *   ratings (and who gave them), and every member's, from an index alone, in order, instead of visiting
 *   50,000 rows (bench:stats).
 * - Names compared by code point on PostgreSQL (COLLATE "C"), as `sort_title` already is: the stats order
 *   members by username, and directors and artists by name, and must order them alike on both drivers.
 *   SQLite's default BINARY collation already compares by code point, so SQLite needs no change.
 *
 * Driver-neutral (TypeORM Table API) apart from that PostgreSQL-only collation, and frozen once released.
 */
import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableForeignKey,
  TableIndex,
} from 'typeorm';

const GENRE_CHUNK = 100;

const VERDICT_INDEXES = [
  ['week_movie_id', 'user_id', 'rating'],
  ['week_album_id', 'user_id', 'rating'],
  ['user_id', 'rating'],
].map(
  (columnNames) => new TableIndex({ name: `IDX_verdicts_${columnNames.join('_')}`, columnNames }),
);

/** Columns whose comparisons become code point on PostgreSQL, with their full type. */
const CODE_POINT_COLUMNS = [
  { table: 'users', column: 'username', type: 'character varying(50)' },
  { table: 'people', column: 'name', type: 'text' },
  { table: 'artists', column: 'name', type: 'text' },
] as const;

export class Stats1796774400000 implements MigrationInterface {
  name = 'Stats1796774400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.dataSource.driver.options.type === 'postgres';
    await queryRunner.createTable(
      new Table({
        name: 'movie_genres',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'movie_id', type: 'integer', isNullable: false },
          { name: 'genre_id', type: 'integer', isNullable: false },
          { name: 'name', type: 'text', isNullable: false, collation: postgres ? 'C' : undefined },
        ],
        indices: [
          new TableIndex({
            name: 'UQ_movie_genres_movie_id_genre_id',
            columnNames: ['movie_id', 'genre_id'],
            isUnique: true,
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_movie_genres_movie_id',
            columnNames: ['movie_id'],
            referencedTableName: 'movies',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
      false,
      true,
      true,
    );
    await copyStoredGenres(queryRunner);
    for (const index of VERDICT_INDEXES) await queryRunner.createIndex('verdicts', index);
    if (postgres) {
      for (const { table, column, type } of CODE_POINT_COLUMNS) {
        await queryRunner.query(
          `ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE ${type} COLLATE "C"`,
        );
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.dataSource.driver.options.type === 'postgres') {
      for (const { table, column, type } of CODE_POINT_COLUMNS) {
        await queryRunner.query(
          `ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE ${type} COLLATE pg_catalog."default"`,
        );
      }
    }
    for (const index of VERDICT_INDEXES) await queryRunner.dropIndex('verdicts', index);
    await queryRunner.dropTable('movie_genres', false, true, true);
  }
}

/** Every stored movie's JSON genres as rows (a repeated id kept once, malformed entries skipped). */
async function copyStoredGenres(queryRunner: QueryRunner): Promise<void> {
  const movies = (await queryRunner.query('SELECT "id", "genres" FROM "movies"')) as {
    id: number;
    genres: string;
  }[];
  const rows = movies.flatMap(({ id, genres }) => {
    const unique = new Map<number, string>();
    for (const genre of parseGenres(genres))
      if (!unique.has(genre.id)) unique.set(genre.id, genre.name);
    return [...unique].map(([genreId, name]) => ({ movie_id: id, genre_id: genreId, name }));
  });
  // Plain SQL with named parameters (the driver numbers them): the entities may change, this may not.
  for (let i = 0; i < rows.length; i += GENRE_CHUNK) {
    const parameters: Record<string, unknown> = {};
    const tuples = rows.slice(i, i + GENRE_CHUNK).map((row, n) => {
      Object.assign(parameters, {
        [`m${n}`]: row.movie_id,
        [`g${n}`]: row.genre_id,
        [`n${n}`]: row.name,
      });
      return `(:m${n}, :g${n}, :n${n})`;
    });
    const [sql, values] = queryRunner.connection.driver.escapeQueryWithParameters(
      `INSERT INTO "movie_genres" ("movie_id", "genre_id", "name") VALUES ${tuples.join(', ')}`,
      parameters,
    );
    await queryRunner.query(sql, values);
  }
}

function parseGenres(json: string): { id: number; name: string }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (genre): genre is { id: number; name: string } =>
      typeof genre === 'object' &&
      genre !== null &&
      Number.isInteger((genre as { id?: unknown }).id) &&
      typeof (genre as { name?: unknown }).name === 'string',
  );
}
