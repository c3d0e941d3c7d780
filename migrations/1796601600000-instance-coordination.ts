/*
 * Instance coordination (issue #14): what several instances on one PostgreSQL database share, so they
 * behave like one. SQLite runs one process, which keeps both in memory, so there the tables stay empty.
 * - throttle_windows: the login/register throttle's counters, one row per endpoint and client IP, its
 *   count and when its window ends; ended windows are reused by the next attempt or swept.
 * - upstream_pacing: the next free start slot of a paced upstream (MusicBrainz: one request a second
 *   from our IP, whichever instance sends it).
 *
 * Driver-neutral (TypeORM Table API), like the earlier migrations, and frozen once released.
 */
import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

export class InstanceCoordination1796601600000 implements MigrationInterface {
  name = 'InstanceCoordination1796601600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp =
      queryRunner.dataSource.driver.options.type === 'better-sqlite3' ? 'datetime' : 'timestamp';
    await queryRunner.createTable(
      new Table({
        name: 'throttle_windows',
        columns: [
          // "AuthController.login:" plus an IPv6 address fits with room to spare.
          { name: 'key', type: 'varchar', length: '200', isPrimary: true },
          { name: 'count', type: 'integer', isNullable: false },
          { name: 'resets_at', type: timestamp, isNullable: false },
        ],
        indices: [
          new TableIndex({ name: 'IDX_throttle_windows_resets_at', columnNames: ['resets_at'] }),
        ],
      }),
      false,
    );
    await queryRunner.createTable(
      new Table({
        name: 'upstream_pacing',
        columns: [
          { name: 'upstream', type: 'varchar', length: '32', isPrimary: true },
          { name: 'next_start_at', type: timestamp, isNullable: false },
        ],
      }),
      false,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('upstream_pacing', false, true, true);
    await queryRunner.dropTable('throttle_windows', false, true, true);
  }
}
