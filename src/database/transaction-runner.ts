import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ChangeFeed } from './change-feed.js';
import { DataVersion, type DataDomain } from './data-version.js';

/**
 * Runs units of work in a transaction. Every write goes through here.
 *
 * TypeORM's SQLite drivers share one connection. Two overlapping `transaction()` calls would nest as
 * savepoints of one another, and a write from another request could land inside (and be rolled
 * back with) someone else's transaction. So on SQLite the units run one after another; SQLite
 * allows one writer at a time anyway. PostgreSQL gets a pooled connection per unit.
 *
 * Every unit names the data domains it writes and, once it has ended, advances their DataVersion:
 * that is what keeps the read caches honest, and a write ends only the caches that show what it wrote.
 */
@Injectable()
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serialize: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly dataVersion: DataVersion,
    private readonly changeFeed: ChangeFeed,
  ) {
    this.serialize = dataSource.options.type === 'better-sqlite3';
  }

  /** `writes`: the data domains the unit may change; their read caches end once it has ended. */
  run<T>(writes: readonly DataDomain[], work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialize) return this.transaction(work, writes);
    const result = this.tail.then(() => this.transaction(work, writes));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async transaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    writes: readonly DataDomain[],
  ): Promise<T> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const result = await work(manager);
        // Other instances hear of it when, and only if, it commits (PostgreSQL; nothing on SQLite).
        await this.changeFeed.announce(manager, writes);
        return result;
      });
    } finally {
      // After the commit, never before: a read between an early advance and the commit would
      // cache the old rows under the new version.
      this.dataVersion.advance(writes);
    }
  }
}
