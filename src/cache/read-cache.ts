import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock.js';
import type { Configuration } from '../config/configuration.js';
import { clockedLru } from './clocked-lru.js';
import { DataVersion, type DataDomain } from '../database/data-version.js';
import { Metrics, UNCOUNTED, type CacheLookups, type CacheName } from '../metrics/metrics.js';

export interface ReadCacheLimits<V> {
  /** Its name in the cache metrics. */
  name: CacheName;
  /** The data the cached values show: a write to any of them ends every entry. */
  domains: readonly DataDomain[];
  maxEntries: number;
  /** Bounds how late a change made outside the API (directly in the database) shows. */
  ttlMs: number;
  /** With `weigh`: the most the entries may weigh together (e.g. characters). */
  maxWeight?: number;
  weigh?: (value: V, key: string) => number;
}

/**
 * An LRU of values read from the database, valid for one version of its data domains. When the
 * version moves, every entry is stale and they all go at once.
 */
// Hand-made around lru-cache: it has no notion of "valid while this number holds".
export class ReadCache<V extends NonNullable<unknown>> {
  private readonly entries: LRUCache<string, V>;
  private readonly domains: readonly DataDomain[];
  private version: number;

  private readonly name: CacheName;

  constructor(
    private readonly dataVersion: DataVersion,
    { name, domains, maxEntries, ttlMs, maxWeight, weigh }: ReadCacheLimits<V>,
    clock: Clock,
    private readonly lookups: CacheLookups = UNCOUNTED,
  ) {
    this.name = name;
    this.domains = domains;
    this.entries = clockedLru(clock, { max: maxEntries, ttlMs, maxSize: maxWeight, sizeOf: weigh });
    this.version = dataVersion.of(domains);
  }

  /** The version of this cache's domains now: take it before a read, hand it to `set`. */
  get current(): number {
    return this.dataVersion.of(this.domains);
  }

  get size(): number {
    this.dropIfStale();
    return this.entries.size;
  }

  get(key: string): V | undefined {
    this.dropIfStale();
    const value = this.dataVersion.trusted ? this.entries.get(key) : undefined;
    this.lookups.cacheLookup(this.name, value !== undefined);
    return value;
  }

  /**
   * `readAt` is the version taken before the read began: a value read while a write was under way
   * may predate it, so it is only kept if no write has ended since.
   */
  set(key: string, value: V, readAt: number): void {
    this.dropIfStale();
    if (readAt === this.version && this.dataVersion.trusted) this.entries.set(key, value);
  }

  /** The cached value, or `load()`'s, kept when it is not undefined. */
  async getOrLoad(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const readAt = this.current;
    const loaded = await load();
    if (loaded !== undefined) this.set(key, loaded, readAt);
    return loaded;
  }

  private dropIfStale(): void {
    const current = this.current;
    if (this.version === current) return;
    this.entries.clear();
    this.version = current;
  }
}

/** Hands out ReadCaches living READ_CACHE_TTL, or null when it is 0 (off). */
@Injectable()
export class ReadCaches {
  private readonly ttlMs: number;

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly dataVersion: DataVersion,
    private readonly clock: Clock,
    @Inject(Metrics) private readonly lookups: CacheLookups,
  ) {
    this.ttlMs = config.get('app', { infer: true }).readCacheTtlMs;
  }

  /** `maxTtlMs` shortens READ_CACHE_TTL for values that must not lag long behind the database. */
  create<V extends NonNullable<unknown>>(
    limits: Omit<ReadCacheLimits<V>, 'ttlMs'> & { maxTtlMs?: number },
  ): ReadCache<V> | null {
    if (this.ttlMs === 0) return null;
    const ttlMs = Math.min(this.ttlMs, limits.maxTtlMs ?? Infinity);
    return new ReadCache(this.dataVersion, { ...limits, ttlMs }, this.clock, this.lookups);
  }
}
