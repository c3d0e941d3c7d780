/*
 * Throttle windows (issue #14): the login/register throttle's counters, shared by every instance on one
 * PostgreSQL database. One row per endpoint and client IP, its count and when its window ends; rows of
 * ended windows are reused by the next attempt or swept. SQLite runs one process and keeps them in memory,
 * so there the table stays empty.
 *
 * Driver-neutral (TypeORM Table API), like the earlier migrations, and frozen once released.
 */
import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

export class ThrottleWindows1796601600000 implements MigrationInterface {
  name = 'ThrottleWindows1796601600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.dataSource.driver.options.type === 'better-sqlite3';
    await queryRunner.createTable(
      new Table({
        name: 'throttle_windows',
        columns: [
          // "AuthController.login:" plus an IPv6 address fits with room to spare.
          { name: 'key', type: 'varchar', length: '200', isPrimary: true },
          { name: 'count', type: 'integer', isNullable: false },
          { name: 'resets_at', type: sqlite ? 'datetime' : 'timestamp', isNullable: false },
        ],
        indices: [
          new TableIndex({ name: 'IDX_throttle_windows_resets_at', columnNames: ['resets_at'] }),
        ],
      }),
      false,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('throttle_windows', false, true, true);
  }
}
