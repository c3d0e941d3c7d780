/*
 * Initial schema: the full Wrong Opinions data model.
 *
 * Written only with TypeORM's driver-neutral Table API so that it runs unchanged on SQLite (better-sqlite3) and
 * PostgreSQL. It must stay frozen once released: later changes go into new migrations.
 *
 * Why each ON DELETE was chosen:
 * - refresh_tokens.user_id → users CASCADE: a token is meaningless without its user; removal ends its sessions.
 * - weeks.user_id → users SET NULL: contract §5.8, an owner's removal leaves their weeks unclaimed, items kept.
 * - movie_cast.movie_id → movies CASCADE: cast rows are cached credits of that movie and die with it.
 * - movie_cast.person_id → people RESTRICT: people are shared by many movies; never silently drop credits.
 * - movie_crew.movie_id → movies CASCADE: same as cast, cached credits owned by the movie.
 * - movie_crew.person_id → people RESTRICT: same as cast, a person still credited must not vanish.
 * - album_aliases.album_id → albums CASCADE: an alias (old merged MBID) only exists to find its album.
 * - album_artists.album_id → albums CASCADE: credit rows are cached credits owned by the album.
 * - album_artists.artist_id → artists RESTRICT: artists are shared by many albums; never silently drop credits.
 * - week_movies.week_id → weeks CASCADE: contract §5.7, deleting a week deletes its items.
 * - week_movies.movie_id → movies RESTRICT: a selected catalog movie cannot vanish from the history.
 * - week_albums.week_id → weeks CASCADE: as week_movies.
 * - week_albums.album_id → albums RESTRICT: a selected catalog album cannot vanish from the history.
 */
import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableCheck,
  type TableColumnOptions,
  TableForeignKey,
  TableIndex,
} from 'typeorm';

type Dialect = 'sqlite' | 'postgres';

function dialectOf(queryRunner: QueryRunner): Dialect {
  const type = queryRunner.dataSource.driver.options.type;
  if (type === 'better-sqlite3') return 'sqlite';
  if (type === 'postgres') return 'postgres';
  throw new Error(`InitialSchema1764000000000: unsupported database type "${type}"`);
}

/**
 * Column builders. Types are restricted to ones both drivers accept and report back identically to what the
 * entities declare, so that TypeORM's schema diff stays empty.
 */
function columns(dialect: Dialect) {
  return {
    /** Integer auto-increment primary key. */
    id: (): TableColumnOptions => ({
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    }),
    integer: (
      name: string,
      opts: { nullable?: boolean; default?: number } = {},
    ): TableColumnOptions => ({
      name,
      type: 'integer',
      isNullable: opts.nullable ?? false,
      default: opts.default,
    }),
    double: (name: string, opts: { default?: number } = {}): TableColumnOptions => ({
      name,
      type: 'double precision',
      isNullable: false,
      default: opts.default,
    }),
    varchar: (
      name: string,
      length: number,
      opts: { nullable?: boolean; default?: string } = {},
    ): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: opts.nullable ?? false,
      // Defaults are raw SQL in the Table API.
      default: opts.default === undefined ? undefined : `'${opts.default}'`,
    }),
    text: (name: string, opts: { nullable?: boolean } = {}): TableColumnOptions => ({
      name,
      type: 'text',
      isNullable: opts.nullable ?? false,
    }),
    /**
     * Text compared by code point on both drivers: SQLite's default BINARY collation already is, PostgreSQL
     * needs COLLATE "C" (the database default may be a linguistic collation).
     */
    codePointText: (name: string): TableColumnOptions => ({
      name,
      type: 'text',
      isNullable: false,
      collation: dialect === 'postgres' ? 'C' : undefined,
    }),
    boolean: (name: string, opts: { default: boolean }): TableColumnOptions => ({
      name,
      type: 'boolean',
      isNullable: false,
      // TypeORM stores booleans as 0/1 on SQLite and reads defaults back as such.
      default: dialect === 'sqlite' ? (opts.default ? '1' : '0') : String(opts.default),
    }),
    /** UTC timestamp; matches `TimestampColumn` (`type: Date`) in src/database/columns.ts. */
    timestamp: (name: string, opts: { nullable?: boolean } = {}): TableColumnOptions => ({
      name,
      type: dialect === 'sqlite' ? 'datetime' : 'timestamp',
      isNullable: opts.nullable ?? false,
    }),
  };
}

function fk(
  name: string,
  column: string,
  referencedTableName: string,
  onDelete: 'CASCADE' | 'RESTRICT' | 'SET NULL',
): TableForeignKey {
  return new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName,
    referencedColumnNames: ['id'],
    onDelete,
  });
}

function index(name: string, columnNames: string[], isUnique = false): TableIndex {
  return new TableIndex({ name, columnNames, isUnique });
}

/** Tables in creation order; `down` drops them in reverse. */
const TABLES = [
  'users',
  'refresh_tokens',
  'weeks',
  'movies',
  'people',
  'movie_cast',
  'movie_crew',
  'albums',
  'album_aliases',
  'artists',
  'album_artists',
  'week_movies',
  'week_albums',
] as const;

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(dialectOf(queryRunner));
    const create = (table: Table) => queryRunner.createTable(table, false, true, true);

    await create(
      new Table({
        name: 'users',
        columns: [
          c.id(),
          c.varchar('username', 50),
          c.varchar('email', 254),
          c.varchar('password_hash', 100),
          c.boolean('is_active', { default: true }),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [
          index('UQ_users_username', ['username'], true),
          index('UQ_users_email', ['email'], true),
        ],
      }),
    );

    await create(
      new Table({
        name: 'refresh_tokens',
        columns: [
          c.id(),
          c.integer('user_id'),
          c.varchar('token_hash', 64),
          c.varchar('family_id', 36),
          c.timestamp('expires_at'),
          c.timestamp('revoked_at', { nullable: true }),
          c.timestamp('created_at'),
        ],
        indices: [
          index('UQ_refresh_tokens_token_hash', ['token_hash'], true),
          index('IDX_refresh_tokens_family_id', ['family_id']),
          index('IDX_refresh_tokens_user_id', ['user_id']),
        ],
        foreignKeys: [fk('FK_refresh_tokens_user_id', 'user_id', 'users', 'CASCADE')],
      }),
    );

    await create(
      new Table({
        name: 'weeks',
        columns: [
          c.id(),
          c.integer('user_id', { nullable: true }),
          c.integer('year'),
          c.integer('week_number'),
          c.text('notes', { nullable: true }),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [
          index('UQ_weeks_year_week_number', ['year', 'week_number'], true),
          index('IDX_weeks_user_id', ['user_id']),
        ],
        checks: [
          new TableCheck({
            name: 'CHK_weeks_week_number',
            expression: '"week_number" BETWEEN 1 AND 53',
          }),
        ],
        foreignKeys: [fk('FK_weeks_user_id', 'user_id', 'users', 'SET NULL')],
      }),
    );

    await create(
      new Table({
        name: 'movies',
        columns: [
          c.id(),
          c.integer('tmdb_id'),
          c.text('title'),
          c.codePointText('sort_title'),
          c.text('original_title', { nullable: true }),
          c.varchar('release_date', 10, { nullable: true }),
          c.text('poster_path', { nullable: true }),
          c.text('backdrop_path', { nullable: true }),
          c.text('overview', { nullable: true }),
          c.integer('runtime', { nullable: true }),
          c.double('vote_average', { default: 0 }),
          c.integer('vote_count', { default: 0 }),
          c.text('tagline', { nullable: true }),
          c.varchar('status', 64, { nullable: true }),
          c.varchar('imdb_id', 32, { nullable: true }),
          c.text('genres'),
          c.timestamp('cached_at'),
          c.timestamp('credits_cached_at', { nullable: true }),
        ],
        indices: [
          index('UQ_movies_tmdb_id', ['tmdb_id'], true),
          index('IDX_movies_sort_title', ['sort_title']),
        ],
      }),
    );

    await create(
      new Table({
        name: 'people',
        columns: [
          c.id(),
          c.integer('tmdb_id'),
          c.text('name'),
          c.text('profile_path', { nullable: true }),
          c.timestamp('updated_at'),
        ],
        indices: [index('UQ_people_tmdb_id', ['tmdb_id'], true)],
      }),
    );

    await create(
      new Table({
        name: 'movie_cast',
        columns: [
          c.id(),
          c.integer('movie_id'),
          c.integer('person_id'),
          c.text('character', { nullable: true }),
          c.integer('billing_order'),
          c.integer('list_index'),
        ],
        indices: [
          index('IDX_movie_cast_movie_id_billing_order_list_index', [
            'movie_id',
            'billing_order',
            'list_index',
          ]),
          index('IDX_movie_cast_person_id', ['person_id']),
        ],
        foreignKeys: [
          fk('FK_movie_cast_movie_id', 'movie_id', 'movies', 'CASCADE'),
          fk('FK_movie_cast_person_id', 'person_id', 'people', 'RESTRICT'),
        ],
      }),
    );

    await create(
      new Table({
        name: 'movie_crew',
        columns: [
          c.id(),
          c.integer('movie_id'),
          c.integer('person_id'),
          c.varchar('department', 64, { nullable: true }),
          c.varchar('job', 64),
          c.integer('list_index'),
        ],
        indices: [
          index('UQ_movie_crew_movie_id_person_id_job', ['movie_id', 'person_id', 'job'], true),
          index('IDX_movie_crew_person_id', ['person_id']),
        ],
        foreignKeys: [
          fk('FK_movie_crew_movie_id', 'movie_id', 'movies', 'CASCADE'),
          fk('FK_movie_crew_person_id', 'person_id', 'people', 'RESTRICT'),
        ],
      }),
    );

    await create(
      new Table({
        name: 'albums',
        columns: [
          c.id(),
          c.varchar('musicbrainz_id', 36),
          c.text('title'),
          c.codePointText('sort_title'),
          c.text('artist'),
          c.varchar('release_date', 10, { nullable: true }),
          c.varchar('country', 8, { nullable: true }),
          c.varchar('status', 64, { nullable: true }),
          c.varchar('release_group_id', 36, { nullable: true }),
          c.varchar('cover_art_source', 16, { default: 'none' }),
          c.timestamp('cached_at'),
        ],
        indices: [
          index('UQ_albums_musicbrainz_id', ['musicbrainz_id'], true),
          index('IDX_albums_sort_title', ['sort_title']),
        ],
        checks: [
          new TableCheck({
            name: 'CHK_albums_cover_art_source',
            expression: `"cover_art_source" IN ('release', 'release-group', 'none')`,
          }),
        ],
      }),
    );

    await create(
      new Table({
        name: 'album_aliases',
        columns: [
          { name: 'musicbrainz_id', type: 'varchar', length: '36', isPrimary: true },
          c.integer('album_id'),
          c.timestamp('created_at'),
        ],
        indices: [index('IDX_album_aliases_album_id', ['album_id'])],
        foreignKeys: [fk('FK_album_aliases_album_id', 'album_id', 'albums', 'CASCADE')],
      }),
    );

    await create(
      new Table({
        name: 'artists',
        columns: [
          c.id(),
          c.varchar('musicbrainz_id', 36),
          c.text('name'),
          c.text('sort_name', { nullable: true }),
          c.text('disambiguation', { nullable: true }),
          c.varchar('artist_type', 64, { nullable: true }),
          c.varchar('country', 8, { nullable: true }),
          c.timestamp('updated_at'),
        ],
        indices: [index('UQ_artists_musicbrainz_id', ['musicbrainz_id'], true)],
      }),
    );

    await create(
      new Table({
        name: 'album_artists',
        columns: [
          c.id(),
          c.integer('album_id'),
          c.integer('artist_id'),
          c.text('credited_name'),
          c.text('join_phrase', { nullable: true }),
          c.integer('credit_order'),
        ],
        indices: [
          index('UQ_album_artists_album_id_credit_order', ['album_id', 'credit_order'], true),
          index('IDX_album_artists_artist_id', ['artist_id']),
        ],
        foreignKeys: [
          fk('FK_album_artists_album_id', 'album_id', 'albums', 'CASCADE'),
          fk('FK_album_artists_artist_id', 'artist_id', 'artists', 'RESTRICT'),
        ],
      }),
    );

    await create(
      new Table({
        name: 'week_movies',
        columns: [
          c.id(),
          c.integer('week_id'),
          c.integer('movie_id'),
          c.integer('position'),
          c.timestamp('added_at'),
        ],
        indices: [
          index('UQ_week_movies_week_id_position', ['week_id', 'position'], true),
          index('UQ_week_movies_week_id_movie_id', ['week_id', 'movie_id'], true),
          index('IDX_week_movies_movie_id', ['movie_id']),
        ],
        checks: [
          new TableCheck({ name: 'CHK_week_movies_position', expression: '"position" IN (1, 2)' }),
        ],
        foreignKeys: [
          fk('FK_week_movies_week_id', 'week_id', 'weeks', 'CASCADE'),
          fk('FK_week_movies_movie_id', 'movie_id', 'movies', 'RESTRICT'),
        ],
      }),
    );

    await create(
      new Table({
        name: 'week_albums',
        columns: [
          c.id(),
          c.integer('week_id'),
          c.integer('album_id'),
          c.integer('position'),
          c.timestamp('added_at'),
        ],
        indices: [
          index('UQ_week_albums_week_id_position', ['week_id', 'position'], true),
          index('UQ_week_albums_week_id_album_id', ['week_id', 'album_id'], true),
          index('IDX_week_albums_album_id', ['album_id']),
        ],
        checks: [
          new TableCheck({ name: 'CHK_week_albums_position', expression: '"position" IN (1, 2)' }),
        ],
        foreignKeys: [
          fk('FK_week_albums_week_id', 'week_id', 'weeks', 'CASCADE'),
          fk('FK_week_albums_album_id', 'album_id', 'albums', 'RESTRICT'),
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) {
      await queryRunner.dropTable(table, false, true, true);
    }
  }
}
