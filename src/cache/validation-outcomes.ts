import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Metrics, UNCOUNTED, type CacheLookups } from '../metrics/metrics.js';

const MAX_ENTRIES = 2000;
/** Characters of key in all: anyone signed in can make up long URLs (unknown query parameters are ignored). */
const MAX_KEY_CHARACTERS = 4_000_000;
/** What an entry weighs besides its key: a few small DTOs. */
const ENTRY_OVERHEAD = 200;

/**
 * What validating a bodyless request's path and query gave, by handler and URL. Validation is a pure
 * function of them, and on a cached read it cost as much as the rest of the request: without this,
 * bench:reads' cached week detail fell from about 10,500 to 5,800 req/s. Entries are frozen, since
 * every request with that URL is handed the same DTOs. No TTL: nothing but the URL decides them.
 */
@Injectable()
export class ValidationOutcomes {
  private readonly outcomes = new LRUCache<string, object>({
    max: MAX_ENTRIES,
    maxSize: MAX_KEY_CHARACTERS,
    sizeCalculation: (_outcome, key) => key.length + ENTRY_OVERHEAD,
  });

  constructor(@Inject(Metrics) private readonly lookups: CacheLookups = UNCOUNTED) {}

  get<T extends object>(key: string): T | undefined {
    const outcome = this.outcomes.get(key) as T | undefined;
    this.lookups.cacheLookup('validation_outcomes', outcome !== undefined);
    return outcome;
  }

  set(key: string, outcome: object): void {
    this.outcomes.set(key, outcome);
  }
}
