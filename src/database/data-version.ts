import { Injectable } from '@nestjs/common';

/**
 * A number that moves on every write transaction. In-process caches of read results remember the
 * version they read at and are only served while it is still current, so no write has to know
 * which cached answers it makes stale.
 */
@Injectable()
export class DataVersion {
  private value = 0;

  get current(): number {
    return this.value;
  }

  /** Called after a write transaction ends, committed or not: a read that began before the
   * write and finishes after it then carries a version that is already out of date. */
  advance(): void {
    this.value += 1;
  }
}
