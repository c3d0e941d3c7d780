import { Injectable, type NestMiddleware } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IN_MEMORY } from '../config/database-url.js';
import { DataVersion } from './data-version.js';
import { sqliteConnectionOf } from './sqlite-connection.js';

/**
 * Notices commits that other connections made to the SQLite file (the admin commands, a database
 * shell, a restore) and ends every read cache, since it cannot tell what they wrote.
 *
 * `PRAGMA data_version` changes on this connection exactly when another one has committed since it
 * was last read; our own commits leave it alone. It is read before anything is served from a cache,
 * at most once per turn of the event loop: 2.4 µs alone, but 5–7 % of the CPU of a cached read under
 * load when read for every request (bench:reads' 50 connections, profiled), while the requests that
 * share a turn arrived together. A request that arrives after such a commit still sees it.
 * In-memory SQLite has no other connection, and PostgreSQL learns of other writers through NOTIFY
 * (issue #14), so on both this does nothing.
 */
@Injectable()
export class OutsideWrites {
  private readonly dataVersion: () => unknown;
  private last: unknown;
  private checkedThisTurn = false;

  constructor(
    dataSource: DataSource,
    private readonly versions: DataVersion,
  ) {
    const options = dataSource.options;
    if (options.type === 'better-sqlite3' && options.database !== IN_MEMORY) {
      const statement = sqliteConnectionOf(dataSource).prepare('PRAGMA data_version').pluck();
      this.dataVersion = () => statement.get();
    } else {
      this.dataVersion = () => null;
    }
    this.last = this.dataVersion();
  }

  /** Ends every read cache if another connection has committed since the last check. */
  check(): void {
    if (this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    setImmediate(() => (this.checkedThisTurn = false));
    const current = this.dataVersion();
    if (current === this.last) return;
    this.last = current;
    this.versions.advance();
  }
}

/** Checks for outside writes at the start of every request. */
@Injectable()
export class OutsideWritesMiddleware implements NestMiddleware {
  constructor(private readonly outsideWrites: OutsideWrites) {}

  use(_request: unknown, _response: unknown, next: () => void): void {
    this.outsideWrites.check();
    next();
  }
}
