import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs units of work in a transaction. Every write goes through here.
 *
 * TypeORM's SQLite drivers share one connection. Two overlapping `transaction()` calls would nest as
 * savepoints of one another, and a write from another request could land inside (and be rolled
 * back with) someone else's transaction. So on SQLite the units run one after another; SQLite
 * allows one writer at a time anyway. PostgreSQL gets a pooled connection per unit.
 */
@Injectable()
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serialize: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.serialize = dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialize) return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }
}
