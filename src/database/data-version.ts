import { Injectable } from '@nestjs/common';

/** What a write can touch, as the read caches see it. */
export const DATA_DOMAINS = ['users', 'weeks', 'verdicts', 'catalog', 'tokens'] as const;
export type DataDomain = (typeof DATA_DOMAINS)[number];

/**
 * One counter per data domain, moved after every write transaction to the domains it wrote.
 * In-process caches of read results remember the version of the domains they show, and are only
 * served while it is still current, so a write never has to know which cached answers it makes
 * stale, and a write to one domain leaves the caches of the others alone.
 */
@Injectable()
export class DataVersion {
  private readonly counters = new Map<DataDomain, number>(DATA_DOMAINS.map((d) => [d, 0]));
  private suspended = false;

  /**
   * False while this process cannot learn of other processes' writes (ChangeFeed's listening
   * connection is down): read caches then neither serve nor keep anything.
   */
  get trusted(): boolean {
    return !this.suspended;
  }

  suspend(): void {
    this.suspended = true;
  }

  /** Trusted again, with every cache ended: anything may have been written meanwhile. */
  resume(): void {
    this.advance();
    this.suspended = false;
  }

  /** The counters only grow, so their sum moves exactly when one of `domains` does. */
  of(domains: readonly DataDomain[]): number {
    return domains.reduce((sum, domain) => sum + this.counters.get(domain)!, 0);
  }

  /** Called after a write transaction ends, committed or not: a read that began before the
   * write and finishes after it then carries a version that is already out of date. */
  advance(domains: readonly DataDomain[] = DATA_DOMAINS): void {
    for (const domain of new Set(domains))
      this.counters.set(domain, this.counters.get(domain)! + 1);
  }
}
