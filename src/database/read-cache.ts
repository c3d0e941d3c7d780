import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock } from '../common/clock.js';
import { TtlLruCache } from '../common/ttl-lru-cache.js';
import type { Configuration } from '../config/configuration.js';
import { DataVersion } from './data-version.js';

export interface ReadCacheLimits<V> {
  maxEntries: number;
  /** Bounds how late a change made outside the API (directly in the database) shows. */
  ttlMs: number;
  /** With `weigh`: the most the entries may weigh together (e.g. characters). */
  maxWeight?: number;
  weigh?: (value: V, key: string) => number;
}

/**
 * A TtlLruCache of values read from the database, valid for one DataVersion. When the version
 * moves, every entry is stale and they all go at once.
 */
export class ReadCache<V> {
  private readonly entries: TtlLruCache<V>;
  private version: number;

  constructor(
    private readonly dataVersion: DataVersion,
    { maxEntries, ttlMs, maxWeight, weigh }: ReadCacheLimits<V>,
    now: () => number,
  ) {
    const weightLimit = weigh ? { max: maxWeight ?? Infinity, of: weigh } : undefined;
    this.entries = new TtlLruCache(maxEntries, ttlMs, now, weightLimit);
    this.version = dataVersion.current;
  }

  get size(): number {
    this.dropIfStale();
    return this.entries.size;
  }

  get(key: string): V | undefined {
    this.dropIfStale();
    return this.entries.get(key)?.value;
  }

  /**
   * `readAt` is the version taken before the read began: a value read while a write was under way
   * may predate it, so it is only kept if no write has ended since.
   */
  set(key: string, value: V, readAt: number): void {
    this.dropIfStale();
    if (readAt === this.version) this.entries.set(key, value);
  }

  /** The cached value, or `load()`'s, kept when it is not undefined. */
  async getOrLoad(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const readAt = this.dataVersion.current;
    const loaded = await load();
    if (loaded !== undefined) this.set(key, loaded, readAt);
    return loaded;
  }

  private dropIfStale(): void {
    if (this.version === this.dataVersion.current) return;
    this.entries.clear();
    this.version = this.dataVersion.current;
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
  ) {
    this.ttlMs = config.get('app', { infer: true }).readCacheTtlMs;
  }

  /** `maxTtlMs` shortens READ_CACHE_TTL for values that must not lag long behind the database. */
  create<V>(
    limits: Omit<ReadCacheLimits<V>, 'ttlMs'> & { maxTtlMs?: number },
  ): ReadCache<V> | null {
    if (this.ttlMs === 0) return null;
    const ttlMs = Math.min(this.ttlMs, limits.maxTtlMs ?? Infinity);
    return new ReadCache(this.dataVersion, { ...limits, ttlMs }, () => this.clock.now().getTime());
  }
}
