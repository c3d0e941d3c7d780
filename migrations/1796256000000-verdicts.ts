/*
 * Verdicts (opinions.md §1): one member's rating and/or review of one pick.
 *
 * Driver-neutral (TypeORM Table API), like the initial schema, and frozen once released. The few column helpers it
 * needs are repeated here rather than imported from the initial migration, so that neither can change the other.
 *
 * One table for movie and album picks alike: `week_movie_id` and `week_album_id`, exactly one of them set
 * (CHK_verdicts_one_pick). Each has its unique index with `user_id` (one verdict per pick and member; NULLs never
 * collide, so a movie verdict and an album verdict never meet in one index), which also serves the week reads
 * (all verdicts on some picks). IDX_verdicts_user_id serves the diary and the user cascade.
 *
 * Why each ON DELETE was chosen:
 * - verdicts.user_id → users CASCADE: a verdict is its member's own words and shows its author; when a user row is
 *   removed (outside the API) their weeks become unclaimed and keep their items (contract §5.8), but what they said
 *   about the picks goes with them.
 * - verdicts.week_movie_id → week_movies RESTRICT: §1.5, other members' verdicts block removing a pick. The API
 *   deletes the picker's own verdicts first, in the same transaction, after counting the others; RESTRICT makes the
 *   database refuse, rather than silently cascade, any verdict left, such as one added by a concurrent request
 *   between that count and the delete (the API then counts again). Deleting a week cascades to its picks, so the
 *   same holds for a week delete, and for one made outside the API.
 * - verdicts.week_album_id → week_albums RESTRICT: as week_movie_id.
 */
import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableCheck,
  TableForeignKey,
  TableIndex,
} from 'typeorm';

export class Verdicts1796256000000 implements MigrationInterface {
  name = 'Verdicts1796256000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.dataSource.driver.options.type === 'better-sqlite3';
    const integer = (name: string, isNullable = false) => ({ name, type: 'integer', isNullable });
    const timestamp = (name: string) => ({
      name,
      type: sqlite ? 'datetime' : 'timestamp',
      isNullable: false,
    });
    const fk = (column: string, referencedTableName: string, onDelete: 'CASCADE' | 'RESTRICT') =>
      new TableForeignKey({
        name: `FK_verdicts_${column}`,
        columnNames: [column],
        referencedTableName,
        referencedColumnNames: ['id'],
        onDelete,
      });

    await queryRunner.createTable(
      new Table({
        name: 'verdicts',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          integer('week_movie_id', true),
          integer('week_album_id', true),
          integer('user_id'),
          integer('rating', true),
          { name: 'review', type: 'text', isNullable: true },
          // TypeORM stores booleans as 0/1 on SQLite and reads defaults back as such.
          { name: 'spoiler', type: 'boolean', isNullable: false, default: sqlite ? '0' : 'false' },
          { name: 'consumed_on', type: 'varchar', length: '10', isNullable: true },
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_verdicts_week_movie_id_user_id',
            columnNames: ['week_movie_id', 'user_id'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'UQ_verdicts_week_album_id_user_id',
            columnNames: ['week_album_id', 'user_id'],
            isUnique: true,
          }),
          new TableIndex({ name: 'IDX_verdicts_user_id', columnNames: ['user_id'] }),
        ],
        checks: [
          new TableCheck({
            name: 'CHK_verdicts_one_pick',
            expression: '("week_movie_id" IS NULL) <> ("week_album_id" IS NULL)',
          }),
          new TableCheck({ name: 'CHK_verdicts_rating', expression: '"rating" BETWEEN 1 AND 10' }),
          new TableCheck({
            name: 'CHK_verdicts_rating_or_review',
            expression: '"rating" IS NOT NULL OR "review" IS NOT NULL',
          }),
        ],
        foreignKeys: [
          fk('week_movie_id', 'week_movies', 'RESTRICT'),
          fk('week_album_id', 'week_albums', 'RESTRICT'),
          fk('user_id', 'users', 'CASCADE'),
        ],
      }),
      false,
      true,
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('verdicts', false, true, true);
  }
}
