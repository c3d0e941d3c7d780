import type { Provider, Type } from '@nestjs/common';
import { CatalogCache } from './catalog-cache.js';

/** How one method of an upstream client is cached. */
export interface CachedMethod<T> {
  /** Keeps keys of different methods apart. */
  namespace: string;
  /** Whether a successful answer may be remembered; failures never are. */
  remember?: (value: T) => boolean;
}

type AsyncMethod = (...args: never[]) => Promise<unknown>;

/** The cacheable (promise-returning) methods of a client, each with how it is cached. */
export type CachePlan<C> = {
  [K in keyof C]?: C[K] extends (...args: never[]) => Promise<infer T> ? CachedMethod<T> : never;
};

/**
 * The client as its callers see it: the planned methods answer from the CatalogCache (the key is
 * every argument, concurrent identical calls share one upstream call, answers live
 * SEARCH_CACHE_TTL); everything else is the client's own. The client itself knows nothing of it.
 */
export function withCache<C extends object>(client: C, cache: CatalogCache, plan: CachePlan<C>): C {
  // Inherits from the client, so its getters and other methods run unchanged.
  const wrapped = Object.create(client) as C;
  for (const [method, spec] of Object.entries(plan) as [string, CachedMethod<unknown>][]) {
    const original = (client as Record<string, AsyncMethod>)[method].bind(client);
    Object.defineProperty(wrapped, method, {
      value: (...args: never[]) =>
        cache.memoize(
          `${spec.namespace}:${JSON.stringify(args)}`,
          () => original(...args),
          spec.remember,
        ),
    });
  }
  return wrapped;
}

/**
 * Registers `type` so that whoever injects it gets it wrapped by `withCache`; the bare client is
 * built by Nest as usual under a private token.
 */
export function cachedClient<C extends object>(type: Type<C>, plan: CachePlan<C>): Provider[] {
  const bare = Symbol(`${type.name} without cache`);
  return [
    { provide: bare, useClass: type },
    {
      provide: type,
      inject: [bare, CatalogCache],
      useFactory: (client: C, cache: CatalogCache) => withCache(client, cache, plan),
    },
  ];
}
