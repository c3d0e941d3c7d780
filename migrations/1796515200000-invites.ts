/*
 * Invites (issue #13): single-use codes a member hands to a friend when REGISTRATION=invite.
 *
 * Driver-neutral (TypeORM Table API), like the earlier migrations, and frozen once released.
 *
 * The code itself is never stored, only its SHA-256 (`code_hash`, unique: also how a registration finds
 * it). Why each ON DELETE was chosen:
 * - invites.created_by → users CASCADE: an invite is its creator's; when their user row is removed
 *   (outside the API), their unused invites should stop working too. Null: made by the operator
 *   (`npm run users -- invite`).
 * - invites.used_by → users SET NULL: the invite stays used (used_at) even when the user it made
 *   is removed.
 */
import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableForeignKey,
  TableIndex,
} from 'typeorm';

export class Invites1796515200000 implements MigrationInterface {
  name = 'Invites1796515200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.dataSource.driver.options.type === 'better-sqlite3';
    const timestamp = (name: string, isNullable = false) => ({
      name,
      type: sqlite ? 'datetime' : 'timestamp',
      isNullable,
    });
    const userFk = (column: string, onDelete: 'CASCADE' | 'SET NULL') =>
      new TableForeignKey({
        name: `FK_invites_${column}`,
        columnNames: [column],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete,
      });

    await queryRunner.createTable(
      new Table({
        name: 'invites',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'code_hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'created_by', type: 'integer', isNullable: true },
          timestamp('created_at'),
          timestamp('expires_at'),
          { name: 'used_by', type: 'integer', isNullable: true },
          timestamp('used_at', true),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_invites_code_hash',
            columnNames: ['code_hash'],
            isUnique: true,
          }),
          new TableIndex({ name: 'IDX_invites_created_by', columnNames: ['created_by'] }),
        ],
        foreignKeys: [userFk('created_by', 'CASCADE'), userFk('used_by', 'SET NULL')],
      }),
      false,
      true,
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('invites', false, true, true);
  }
}
