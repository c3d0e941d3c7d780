/*
 * Recommendations (recommendations.md, upstream.md §2.8 and §3.8): the upstream answers they are
 * built from, stored per seed movie and per seed artist with their fetch time (`cached_at`, for
 * CATALOG_TTL), like details and credits.
 *
 * Driver-neutral (TypeORM Table API), like the earlier migrations, and frozen once released; its
 * column helpers are its own.
 *
 * Each list is one upstream answer, only ever read and replaced whole, so it is one row holding a
 * JSON array (`simple-json`, text on both drivers), keyed by the movie or artist it belongs to.
 * An empty array is a stored answer too (an unknown seed), which a row per entry could not tell
 * from "never fetched".
 *
 * Why each ON DELETE was chosen:
 * - movie_recommendations.movie_id → movies CASCADE: the list is that movie's catalog data.
 * - artist_release_groups.artist_id → artists CASCADE: the list is that artist's catalog data.
 */
import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableForeignKey,
  type TableColumnOptions,
} from 'typeorm';

export class Recommendations1796688000000 implements MigrationInterface {
  name = 'Recommendations1796688000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.dataSource.driver.options.type === 'better-sqlite3';
    const table = (name: string, key: string, list: string, referencedTableName: string) =>
      new Table({
        name,
        columns: [
          { name: key, type: 'integer', isPrimary: true, isNullable: false },
          { name: list, type: 'text', isNullable: false },
          {
            name: 'cached_at',
            type: sqlite ? 'datetime' : 'timestamp',
            isNullable: false,
          } satisfies TableColumnOptions,
        ],
        foreignKeys: [
          new TableForeignKey({
            name: `FK_${name}_${key}`,
            columnNames: [key],
            referencedTableName,
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      });

    await queryRunner.createTable(
      table('movie_recommendations', 'movie_id', 'results', 'movies'),
      false,
      true,
      true,
    );
    await queryRunner.createTable(
      table('artist_release_groups', 'artist_id', 'release_groups', 'artists'),
      false,
      true,
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('artist_release_groups', false, true, true);
    await queryRunner.dropTable('movie_recommendations', false, true, true);
  }
}
