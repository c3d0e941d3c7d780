import { TtlLruCache } from './ttl-lru-cache.js';

/** A cache over a clock the test moves by hand. */
function cacheWith(maxEntries: number, ttlMs: number) {
  const clock = { now: 0 };
  const cache = new TtlLruCache<string>(maxEntries, ttlMs, () => clock.now);
  return { cache, clock };
}

describe(TtlLruCache.name, () => {
  describe('expiry', () => {
    it('serves an entry until its TTL has passed, then forgets it', () => {
      const { cache, clock } = cacheWith(10, 1000);
      cache.set('k', 'v');

      clock.now = 999;
      expect(cache.get('k')).toEqual({ value: 'v' });

      clock.now = 1001;
      expect(cache.get('k')).toBeUndefined();
    });

    it('drops an expired entry when it is read', () => {
      const { cache, clock } = cacheWith(10, 1000);
      cache.set('k', 'v');
      clock.now = 5000;

      cache.get('k');

      expect(cache.size).toBe(0);
    });

    it('counts the TTL from the latest set', () => {
      const { cache, clock } = cacheWith(10, 1000);
      cache.set('k', 'old');
      clock.now = 800;
      cache.set('k', 'new');

      clock.now = 1500;
      expect(cache.get('k')).toEqual({ value: 'new' });
    });

    it('stores nothing when the TTL is 0', () => {
      const { cache } = cacheWith(10, 0);
      cache.set('k', 'v');

      expect(cache.size).toBe(0);
      expect(cache.get('k')).toBeUndefined();
    });
  });

  describe('bounds', () => {
    it('evicts the least recently stored entry beyond maxEntries', () => {
      const { cache } = cacheWith(2, 1000);
      cache.set('a', '1');
      cache.set('b', '2');
      cache.set('c', '3');

      expect(cache.size).toBe(2);
      expect(cache.get('a')).toBeUndefined();
      expect(cache.get('b')).toEqual({ value: '2' });
      expect(cache.get('c')).toEqual({ value: '3' });
    });

    it('counts a get as a use, so a recently read entry survives', () => {
      const { cache } = cacheWith(2, 1000);
      cache.set('a', '1');
      cache.set('b', '2');
      cache.get('a');
      cache.set('c', '3');

      expect(cache.get('b')).toBeUndefined();
      expect(cache.get('a')).toEqual({ value: '1' });
      expect(cache.get('c')).toEqual({ value: '3' });
    });

    it('counts re-setting a key as a use', () => {
      const { cache } = cacheWith(2, 1000);
      cache.set('a', '1');
      cache.set('b', '2');
      cache.set('a', '1 again');
      cache.set('c', '3');

      expect(cache.get('b')).toBeUndefined();
      expect(cache.get('a')).toEqual({ value: '1 again' });
    });

    it('evicts in least-recently-used order over many entries', () => {
      const { cache } = cacheWith(3, 1000);
      for (const key of ['a', 'b', 'c']) cache.set(key, key);
      cache.get('a');
      cache.get('b');
      cache.set('d', 'd'); // evicts c
      cache.set('e', 'e'); // evicts a

      expect(['a', 'b', 'c', 'd', 'e'].map((key) => cache.get(key)?.value ?? null)).toEqual([
        null,
        'b',
        null,
        'd',
        'e',
      ]);
    });
  });

  it('remembers falsy values as hits', () => {
    const clock = { now: 0 };
    const cache = new TtlLruCache<boolean | null | string>(10, 1000, () => clock.now);
    cache.set('false', false);
    cache.set('null', null);
    cache.set('empty', '');

    expect(cache.get('false')).toEqual({ value: false });
    expect(cache.get('null')).toEqual({ value: null });
    expect(cache.get('empty')).toEqual({ value: '' });
  });

  it('misses a key it never stored', () => {
    const { cache } = cacheWith(10, 1000);

    expect(cache.get('missing')).toBeUndefined();
  });
});
