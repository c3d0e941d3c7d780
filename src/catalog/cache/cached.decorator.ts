import type { CatalogCache } from './catalog-cache.js';

/** A provider whose methods are @Cached exposes the cache layer as `cache`. */
export interface CacheHost {
  readonly cache: CatalogCache;
}

export interface CachedOptions<T> {
  /** Keeps keys of different methods apart. */
  namespace: string;
  /** Whether a successful answer may be remembered; failures never are. */
  remember?: (value: T) => boolean;
}

/**
 * Wraps a provider method in the in-memory cache layer: the key is every argument, concurrent
 * identical calls share one upstream call, and answers are kept for SEARCH_CACHE_TTL.
 */
export function Cached<T>(options: CachedOptions<T>) {
  return <A extends unknown[]>(
    _target: CacheHost,
    _property: string,
    descriptor: TypedPropertyDescriptor<(...args: A) => Promise<T>>,
  ): void => {
    const original = descriptor.value!;
    descriptor.value = function (this: CacheHost, ...args: A): Promise<T> {
      const key = `${options.namespace}:${JSON.stringify(args)}`;
      return this.cache.memoize(key, () => original.apply(this, args), options.remember);
    };
  };
}
