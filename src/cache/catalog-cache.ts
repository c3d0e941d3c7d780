import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock.js';
import type { Configuration } from '../config/configuration.js';
import { UNCOUNTED, type CacheLookups } from '../metrics/metrics.js';
import { clockedLru } from './clocked-lru.js';
import { SingleFlight } from './single-flight.js';

export const MEMORY_CACHE_MAX_ENTRIES = 1000;

export interface Cached<T> {
  value: T;
  /** True when built from storage without fetching in this request. */
  cached: boolean;
}

export interface ReadThrough<T> {
  /** Identifies the upstream fetch; concurrent identical fetches share one call. */
  key: string;
  stored: () => Promise<T | null>;
  fetchedAt: (stored: T) => Date | null;
  /** Fetches from upstream, stores, and returns what is now stored. */
  fetch: () => Promise<T>;
}

/**
 * Names the upstream failure an error is (for the log), or null when it is not one: only an upstream
 * failure lets a stored copy be served. Given by the catalog, so this layer knows none of its types.
 */
export type UpstreamFailureOf = (error: unknown) => string | null;

/** A successful answer, boxed so that any value (even a falsy one) can be an LRU entry. */
interface Kept {
  value: unknown;
}

/**
 * The catalog's one cache layer (upstream.md §1 "Caching"). Upstream clients are wrapped with it
 * by `cachedClient` (in memory, TTL + LRU, for searches and cover-art answers); catalog services
 * use readThrough for what is stored in the database. Both share single flight, and neither ever
 * caches a failure.
 */
export class CatalogCache {
  private readonly logger = new Logger('CatalogCache');
  private readonly memory: LRUCache<string, Kept>;
  private readonly searchTtlMs: number;
  private readonly flights = new SingleFlight();
  private readonly catalogTtlMs: number;

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly clock: Clock,
    private readonly upstreamFailureOf: UpstreamFailureOf,
    private readonly lookups: CacheLookups = UNCOUNTED,
  ) {
    const upstream = config.get('upstream', { infer: true });
    this.catalogTtlMs = upstream.catalogTtlMs;
    this.searchTtlMs = upstream.searchCacheTtlMs;
    this.memory = clockedLru(clock, { max: MEMORY_CACHE_MAX_ENTRIES, ttlMs: this.searchTtlMs });
  }

  /** In memory for SEARCH_CACHE_TTL; `remember` can refuse a value (an inconclusive answer). */
  async memoize<T>(
    key: string,
    load: () => Promise<T>,
    remember: (value: T) => boolean = () => true,
  ): Promise<T> {
    const hit = this.memory.get(key);
    this.lookups.cacheLookup('upstream_answers', hit !== undefined);
    if (hit) return hit.value as T;
    return this.flights.run(`memo:${key}`, async () => {
      const value = await load();
      if (this.searchTtlMs > 0 && remember(value)) this.memory.set(key, { value });
      return value;
    });
  }

  // Hand-made: lru-cache's fetch cannot serve a stored row, however old, when the refresh fails.
  /**
   * Stored and fresh: served as is. Missing or older than CATALOG_TTL: fetched (once for all
   * concurrent callers). When that fetch fails upstream, a stored copy, however old, still wins.
   */
  async readThrough<T>(spec: ReadThrough<T>): Promise<Cached<T>> {
    const stored = await spec.stored();
    const fresh = stored !== null && this.isFresh(spec.fetchedAt(stored));
    this.lookups.cacheLookup('stored_catalog', fresh);
    if (fresh) return { value: stored, cached: true };
    try {
      return { value: await this.flights.run(`fetch:${spec.key}`, spec.fetch), cached: false };
    } catch (error) {
      const failure = this.upstreamFailureOf(error);
      if (stored === null || failure === null) throw error;
      this.logger.warn(`Serving stored ${spec.key}: refresh failed (${failure})`);
      return { value: stored, cached: true };
    }
  }

  /** Shares one in-flight fetch without reading storage first (e.g. add-to-week of a missing item). */
  fetchOnce<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    return this.flights.run(`fetch:${key}`, fetch);
  }

  isFresh(fetchedAt: Date | null): boolean {
    return (
      fetchedAt !== null && this.clock.now().getTime() - fetchedAt.getTime() < this.catalogTtlMs
    );
  }
}
