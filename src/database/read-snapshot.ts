import { createRequire } from 'node:module';
import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { IN_MEMORY } from '../config/database-url.js';
import { SQLITE_BUSY_TIMEOUT_MS } from './data-source-options.js';
import { sqliteConnectionOf } from './sqlite-connection.js';
import { TransactionRunner } from './transaction-runner.js';

/** A row's raw values as the driver returns them, in the order of the SQL's SELECT list. */
export type RawRow = unknown[];

export interface RawRows {
  /** The name of each value of a row, in order. */
  columns: string[];
  rows: RawRow[];
}

/**
 * Reads that all see one committed state of the database, however long they take and whatever
 * is written meanwhile. Release it when done: it holds a transaction open.
 */
export interface ReadSnapshot {
  /**
   * The rows of one SELECT in the driver's SQL dialect (the query builder's own SQL), as arrays:
   * better-sqlite3 makes them much faster than objects, and they are less garbage.
   */
  query(sql: string, parameters: readonly unknown[]): Promise<RawRows>;
  release(): Promise<void>;
}

/**
 * Opens snapshots, each on a connection of its own, so long reads neither see a write half-way
 * nor hold up writers:
 * - SQLite file: a read-only better-sqlite3 connection holding a read transaction. WAL keeps the
 *   version it began with for it while the app's connection goes on committing.
 * - SQLite in memory (tests): no other connection can open it, so a serialized copy of it, taken
 *   between two units of work of the TransactionRunner (the one connection is then never half-way
 *   through a transaction). It costs a copy of the database, which only tests keep in memory.
 * - PostgreSQL: a pooled connection in a REPEATABLE READ, READ ONLY transaction.
 */
@Injectable()
export class ReadSnapshots {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  async open(): Promise<ReadSnapshot> {
    const { dataSource } = this;
    const options = dataSource.options;
    if (options.type === 'postgres') return PostgresSnapshot.open(dataSource);
    if (options.type !== 'better-sqlite3') throw new Error(`no read snapshot on ${options.type}`);
    if (options.database === IN_MEMORY) {
      const copy = await this.transactions.run([], () =>
        Promise.resolve(sqliteConnectionOf(dataSource).serialize()),
      );
      return new SqliteSnapshot(dataSource, new Database(copy, { readonly: true }));
    }
    return new SqliteSnapshot(
      dataSource,
      new Database(options.database, {
        readonly: true,
        fileMustExist: true,
        timeout: SQLITE_BUSY_TIMEOUT_MS,
      }),
    );
  }
}

interface Statement {
  all(...parameters: unknown[]): unknown[];
  run(): unknown;
  raw(): Statement;
  columns(): { name: string }[];
}

interface SnapshotConnection {
  prepare(sql: string): Statement;
  close(): void;
}

const Database = createRequire(import.meta.url)('better-sqlite3') as new (
  source: string | Buffer,
  options: { readonly: boolean; fileMustExist?: boolean; timeout?: number },
) => SnapshotConnection;

/** Prepared statements kept per SQL text: an export runs a handful of shapes, batch after batch. */
const STATEMENT_CACHE = 32;

class SqliteSnapshot implements ReadSnapshot {
  private readonly statements = new Map<string, { statement: Statement; columns: string[] }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: SnapshotConnection,
  ) {
    // A deferred transaction takes its snapshot at its first read, so read at once.
    connection.prepare('BEGIN').run();
    connection.prepare('SELECT count(*) FROM sqlite_master').all();
  }

  query(sql: string, parameters: readonly unknown[]): Promise<RawRows> {
    this.dataSource.logger.logQuery(sql, parameters as unknown[]);
    let prepared = this.statements.get(sql);
    if (!prepared) {
      if (this.statements.size >= STATEMENT_CACHE) this.statements.clear();
      const statement = this.connection.prepare(sql).raw();
      prepared = { statement, columns: statement.columns().map(({ name }) => name) };
      this.statements.set(sql, prepared);
    }
    const rows = prepared.statement.all(...parameters) as RawRow[];
    return Promise.resolve({ columns: prepared.columns, rows });
  }

  release(): Promise<void> {
    // Closing ends the read transaction; nothing was written to commit.
    this.statements.clear();
    this.connection.close();
    return Promise.resolve();
  }
}

class PostgresSnapshot implements ReadSnapshot {
  private constructor(private readonly runner: QueryRunner) {}

  static async open(dataSource: DataSource): Promise<PostgresSnapshot> {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
      throw error;
    }
    return new PostgresSnapshot(runner);
  }

  async query(sql: string, parameters: readonly unknown[]): Promise<RawRows> {
    // node-postgres builds each row's keys in the order of the SELECT list.
    const rows = (await this.runner.query(sql, parameters as unknown[])) as object[];
    return {
      columns: rows.length > 0 ? Object.keys(rows[0]) : [],
      rows: rows.map((row) => Object.values(row)),
    };
  }

  async release(): Promise<void> {
    try {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction();
    } finally {
      await this.runner.release();
    }
  }
}
