import { LRUCache } from 'lru-cache';
import type { Clock } from '../common/clock.js';

export interface ClockedLruLimits<V> {
  max: number;
  /** 0 for entries that never expire by age (they still go by `max`, `maxSize` or explicitly). */
  ttlMs: number;
  /** With `sizeOf`: what the entries may weigh together (characters, say). */
  maxSize?: number;
  sizeOf?: (value: V, key: string) => number;
}

/**
 * An lru-cache LRUCache whose time is the injectable Clock, so a test moves the clock instead of
 * sleeping. An entry is gone once `ttlMs` has passed since it was set.
 */
export function clockedLru<V extends NonNullable<unknown>>(
  clock: Clock,
  { max, ttlMs, maxSize, sizeOf }: ClockedLruLimits<V>,
): LRUCache<string, V> {
  return new LRUCache<string, V>({
    max,
    // lru-cache keeps an entry while age <= ttl; we end it when age reaches ttlMs (whole ms).
    ...(ttlMs > 0 ? { ttl: Math.max(1, ttlMs - 1) } : {}),
    ...(sizeOf
      ? {
          maxSize: maxSize ?? Number.MAX_SAFE_INTEGER,
          // lru-cache refuses a size below 1.
          sizeCalculation: (value: V, key: string) => Math.max(1, sizeOf(value, key)),
        }
      : {}),
    // +1: lru-cache reads a start time of 0 as "no TTL", and a fake clock may well start there.
    perf: { now: () => clock.now().getTime() + 1 },
    // The default memoizes "now" for 1 ms with a timer; a fake clock must be read every time.
    ttlResolution: 0,
  });
}
