import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock } from '../common/clock.js';
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

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A bounded, least-recently-used map of values read from the database, valid for one DataVersion.
 * When the version moves, every entry is stale and they all go at once.
 */
export class ReadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private version: number;
  private weight = 0;

  constructor(
    private readonly dataVersion: DataVersion,
    private readonly limits: ReadCacheLimits<V>,
    private readonly now: () => number,
  ) {
    this.version = dataVersion.current;
  }

  get size(): number {
    this.dropIfStale();
    return this.entries.size;
  }

  get(key: string): V | undefined {
    this.dropIfStale();
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    // Re-inserting keeps the Map in order of last use, oldest first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /**
   * `readAt` is the version taken before the read began: a value read while a write was under way
   * may predate it, so it is only kept if no write has ended since.
   */
  set(key: string, value: V, readAt: number): void {
    this.dropIfStale();
    if (readAt !== this.version) return;
    const weight = this.weightOf(value, key);
    if (weight > (this.limits.maxWeight ?? Infinity)) return;
    this.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.limits.ttlMs });
    this.weight += weight;
    while (
      this.entries.size > this.limits.maxEntries ||
      this.weight > (this.limits.maxWeight ?? Infinity)
    ) {
      this.delete(this.entries.keys().next().value as string);
    }
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

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.weight -= this.weightOf(entry.value, key);
  }

  private weightOf(value: V, key: string): number {
    return this.limits.weigh?.(value, key) ?? 0;
  }

  private dropIfStale(): void {
    if (this.version === this.dataVersion.current) return;
    this.entries.clear();
    this.weight = 0;
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
