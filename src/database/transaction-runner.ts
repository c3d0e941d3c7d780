import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DataVersion } from './data-version.js';

/**
 * Runs units of work in a transaction. Every write goes through here.
 *
 * TypeORM's SQLite drivers share one connection. Two overlapping `transaction()` calls would nest as
 * savepoints of one another, and a write from another request could land inside (and be rolled
 * back with) someone else's transaction. So on SQLite the units run one after another; SQLite
 * allows one writer at a time anyway. PostgreSQL gets a pooled connection per unit.
 *
 * Every unit, once it has ended, advances the DataVersion: that is what keeps the read caches honest.
 */
@Injectable()
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serialize: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly dataVersion: DataVersion,
  ) {
    this.serialize = dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialize) return this.transaction(work);
    const result = this.tail.then(() => this.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } finally {
      // After the commit, never before: a read between an early advance and the commit would
      // cache the old rows under the new version.
      this.dataVersion.advance();
    }
  }
}
