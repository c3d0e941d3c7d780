import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { Configuration } from '../config/configuration.js';
import { UpstreamError, upstreamFailureOf } from '../catalog/upstream/upstream-error.js';
import { CatalogCache, type ReadThrough } from './catalog-cache.js';
import { FakeClock } from '../../test/support/fake-clock.js';

const CATALOG_TTL_MS = 7 * 24 * 3600 * 1000;
const SEARCH_CACHE_TTL_MS = 10 * 60 * 1000;

function fakeConfig(
  ttls = { catalogTtlMs: CATALOG_TTL_MS, searchCacheTtlMs: SEARCH_CACHE_TTL_MS },
) {
  const config = {
    get: (namespace: string) => (namespace === 'upstream' ? { ...ttls } : undefined),
  };
  return config as unknown as ConfigService<Configuration, true>;
}

function setup(ttls?: { catalogTtlMs: number; searchCacheTtlMs: number }) {
  const clock = new FakeClock('2024-05-01T12:00:00Z');
  return { clock, cache: new CatalogCache(fakeConfig(ttls), clock, upstreamFailureOf) };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

/** A loader that counts its calls and answers `answer` (or the answer of the n-th call). */
function countingLoader<T>(answer: (call: number) => T | Promise<T>) {
  const loader = {
    calls: 0,
    load: () => {
      loader.calls++;
      return Promise.resolve(answer(loader.calls));
    },
  };
  return loader;
}

describe(CatalogCache.name, () => {
  describe('memoize', () => {
    it('serves a repeated key from memory without calling the loader again', async () => {
      const { cache } = setup();
      const loader = countingLoader((n) => `answer ${n}`);

      await expect(cache.memoize('search:a', loader.load)).resolves.toBe('answer 1');
      await expect(cache.memoize('search:a', loader.load)).resolves.toBe('answer 1');
      expect(loader.calls).toBe(1);
    });

    it('keeps different keys apart', async () => {
      const { cache } = setup();
      const loader = countingLoader((n) => `answer ${n}`);

      await expect(cache.memoize('search:a', loader.load)).resolves.toBe('answer 1');
      await expect(cache.memoize('search:b', loader.load)).resolves.toBe('answer 2');
      expect(loader.calls).toBe(2);
    });

    it('does not remember a failure', async () => {
      const { cache } = setup();
      const loader = countingLoader((n) =>
        n === 1 ? Promise.reject(new UpstreamError('movie', 'timeout')) : 'recovered',
      );

      await expect(cache.memoize('search:a', loader.load)).rejects.toMatchObject({
        failure: 'timeout',
      });
      await expect(cache.memoize('search:a', loader.load)).resolves.toBe('recovered');
      expect(loader.calls).toBe(2);
    });

    it('does not remember a value that `remember` refuses', async () => {
      const { cache } = setup();
      const loader = countingLoader((n) => (n === 1 ? 'inconclusive' : 'exists'));
      const remember = (value: string) => value !== 'inconclusive';

      await expect(cache.memoize('cover:a', loader.load, remember)).resolves.toBe('inconclusive');
      await expect(cache.memoize('cover:a', loader.load, remember)).resolves.toBe('exists');
      await expect(cache.memoize('cover:a', loader.load, remember)).resolves.toBe('exists');
      expect(loader.calls).toBe(2);
    });

    it('remembers falsy answers', async () => {
      const { cache } = setup();
      const loader = countingLoader(() => false);

      await cache.memoize('cover:a', loader.load);
      await expect(cache.memoize('cover:a', loader.load)).resolves.toBe(false);
      expect(loader.calls).toBe(1);
    });

    it('forgets an answer once SEARCH_CACHE_TTL has passed', async () => {
      const { cache, clock } = setup();
      const loader = countingLoader((n) => `answer ${n}`);
      await cache.memoize('search:a', loader.load);

      clock.advance(SEARCH_CACHE_TTL_MS - 1);
      await expect(cache.memoize('search:a', loader.load)).resolves.toBe('answer 1');

      clock.advance(2);
      await expect(cache.memoize('search:a', loader.load)).resolves.toBe('answer 2');
      expect(loader.calls).toBe(2);
    });

    it('remembers nothing when SEARCH_CACHE_TTL is 0', async () => {
      const { cache } = setup({ catalogTtlMs: CATALOG_TTL_MS, searchCacheTtlMs: 0 });
      const loader = countingLoader((n) => `answer ${n}`);

      await cache.memoize('search:a', loader.load);
      await expect(cache.memoize('search:a', loader.load)).resolves.toBe('answer 2');
    });

    it('shares one load between concurrent identical calls', async () => {
      const { cache } = setup();
      const upstream = deferred<string>();
      let calls = 0;
      const load = () => {
        calls++;
        return upstream.promise;
      };

      const waiters = Array.from({ length: 10 }, () => cache.memoize('search:a', load));
      upstream.resolve('shared');

      await expect(Promise.all(waiters)).resolves.toEqual(Array(10).fill('shared'));
      expect(calls).toBe(1);
    });
  });

  describe('readThrough', () => {
    // Serving stored data after a failed refresh logs a warning; keep the test output clean.
    beforeEach(() => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });

    afterEach(() => {
      jest.restoreAllMocks();
    });

    interface Item {
      name: string;
      cachedAt: Date | null;
    }

    /** A read-through over one stored item (or none) whose fetch is scripted by the test. */
    function item(
      stored: Item | null,
      fetch: () => Promise<Item>,
    ): ReadThrough<Item> & { fetches: () => number } {
      let fetches = 0;
      return {
        key: 'movie:603',
        stored: () => Promise.resolve(stored),
        fetchedAt: (value) => value.cachedAt,
        fetch: () => {
          fetches++;
          return fetch();
        },
        fetches: () => fetches,
      };
    }

    const fetched = (clock: FakeClock): Item => ({ name: 'fetched', cachedAt: clock.now() });

    it('serves a fresh stored item as cached, without fetching', async () => {
      const { cache, clock } = setup();
      const stored = { name: 'stored', cachedAt: new Date(clock.ms - CATALOG_TTL_MS + 1000) };
      const spec = item(stored, () => Promise.resolve(fetched(clock)));

      await expect(cache.readThrough(spec)).resolves.toEqual({ value: stored, cached: true });
      expect(spec.fetches()).toBe(0);
    });

    it('fetches a missing item and reports it as not cached', async () => {
      const { cache, clock } = setup();
      const spec = item(null, () => Promise.resolve(fetched(clock)));

      await expect(cache.readThrough(spec)).resolves.toEqual({
        value: fetched(clock),
        cached: false,
      });
      expect(spec.fetches()).toBe(1);
    });

    it('refreshes a stored item older than CATALOG_TTL', async () => {
      const { cache, clock } = setup();
      const stored = { name: 'stored', cachedAt: new Date(clock.ms - CATALOG_TTL_MS - 1000) };
      const spec = item(stored, () => Promise.resolve(fetched(clock)));

      await expect(cache.readThrough(spec)).resolves.toEqual({
        value: fetched(clock),
        cached: false,
      });
      expect(spec.fetches()).toBe(1);
    });

    it('refreshes a stored item without a fetch time', async () => {
      const { cache, clock } = setup();
      const spec = item({ name: 'stored', cachedAt: null }, () => Promise.resolve(fetched(clock)));

      await expect(cache.readThrough(spec)).resolves.toMatchObject({ cached: false });
      expect(spec.fetches()).toBe(1);
    });

    it('treats a stored item as stale once the clock passes CATALOG_TTL', async () => {
      const { cache, clock } = setup();
      const stored = { name: 'stored', cachedAt: clock.now() };
      const spec = item(stored, () => Promise.resolve(fetched(clock)));

      await expect(cache.readThrough(spec)).resolves.toMatchObject({ cached: true });
      clock.advance(CATALOG_TTL_MS + 1);
      await expect(cache.readThrough(spec)).resolves.toMatchObject({ cached: false });
      expect(spec.fetches()).toBe(1);
    });

    it('serves a stale stored item as cached when the refresh fails upstream', async () => {
      const { cache, clock } = setup();
      const stored = { name: 'stored', cachedAt: new Date(clock.ms - CATALOG_TTL_MS - 1000) };
      const spec = item(stored, () => Promise.reject(new UpstreamError('movie', 'timeout')));

      await expect(cache.readThrough(spec)).resolves.toEqual({ value: stored, cached: true });
      expect(spec.fetches()).toBe(1);
    });

    it('serves a stale stored item when the upstream says it no longer exists', async () => {
      const { cache, clock } = setup();
      const stored = { name: 'stored', cachedAt: new Date(clock.ms - CATALOG_TTL_MS - 1000) };
      const spec = item(stored, () => Promise.reject(new UpstreamError('movie', 'not_found')));

      await expect(cache.readThrough(spec)).resolves.toEqual({ value: stored, cached: true });
    });

    it('passes on the upstream error when nothing is stored', async () => {
      const { cache } = setup();
      const failure = new UpstreamError('album', 'rate_limited', 3);
      const spec = item(null, () => Promise.reject(failure));

      await expect(cache.readThrough(spec)).rejects.toBe(failure);
    });

    it('does not hide a bug behind stored data', async () => {
      const { cache, clock } = setup();
      const stored = { name: 'stored', cachedAt: new Date(clock.ms - CATALOG_TTL_MS - 1000) };
      const bug = new TypeError('cannot read properties of undefined');
      const spec = item(stored, () => Promise.reject(bug));

      await expect(cache.readThrough(spec)).rejects.toBe(bug);
    });

    it('fetches once for 20 concurrent readers of one missing item', async () => {
      const { cache, clock } = setup();
      const upstream = deferred<Item>();
      const spec = item(null, () => upstream.promise);

      const readers = Array.from({ length: 20 }, () => cache.readThrough(spec));
      await new Promise((resolve) => setImmediate(resolve));
      upstream.resolve(fetched(clock));

      const results = await Promise.all(readers);
      expect(spec.fetches()).toBe(1);
      expect(results).toEqual(Array(20).fill({ value: fetched(clock), cached: false }));
    });

    it('does not remember a failed fetch', async () => {
      const { cache, clock } = setup();
      let attempt = 0;
      const spec = item(null, () =>
        ++attempt === 1
          ? Promise.reject(new UpstreamError('movie', 'unreachable'))
          : Promise.resolve(fetched(clock)),
      );

      await expect(cache.readThrough(spec)).rejects.toMatchObject({ failure: 'unreachable' });
      await expect(cache.readThrough(spec)).resolves.toMatchObject({ cached: false });
      expect(spec.fetches()).toBe(2);
    });
  });

  describe('fetchOnce', () => {
    it('shares one fetch between concurrent callers of a key', async () => {
      const { cache } = setup();
      const upstream = deferred<string>();
      let calls = 0;
      const fetch = () => {
        calls++;
        return upstream.promise;
      };

      const callers = [cache.fetchOnce('album:x', fetch), cache.fetchOnce('album:x', fetch)];
      upstream.resolve('album');

      await expect(Promise.all(callers)).resolves.toEqual(['album', 'album']);
      expect(calls).toBe(1);
    });
  });

  describe('isFresh', () => {
    it('is fresh younger than CATALOG_TTL and stale from then on', () => {
      const { cache, clock } = setup();

      expect(cache.isFresh(new Date(clock.ms - CATALOG_TTL_MS + 1))).toBe(true);
      expect(cache.isFresh(new Date(clock.ms - CATALOG_TTL_MS - 1))).toBe(false);
      expect(cache.isFresh(null)).toBe(false);
    });
  });
});
