import { clockedLru } from './clocked-lru.js';
import { FakeClock } from '../../test/support/fake-clock.js';

/** A cache over a clock the test moves by hand. */
function cacheWith(max: number, ttlMs: number) {
  const clock = new FakeClock(0);
  const cache = clockedLru<string>(clock, { max, ttlMs });
  return { cache, clock };
}

describe(clockedLru.name, () => {
  describe('expiry, by the Clock', () => {
    it('serves an entry until its TTL has passed, then forgets it', () => {
      const { cache, clock } = cacheWith(10, 1000);
      cache.set('k', 'v');

      clock.ms = 999;
      expect(cache.get('k')).toBe('v');

      clock.ms = 1000;
      expect(cache.get('k')).toBeUndefined();
    });

    it('drops an expired entry when it is read', () => {
      const { cache, clock } = cacheWith(10, 1000);
      cache.set('k', 'v');
      clock.ms = 5000;

      cache.get('k');

      expect(cache.size).toBe(0);
    });

    it('counts the TTL from the latest set', () => {
      const { cache, clock } = cacheWith(10, 1000);
      cache.set('k', 'old');
      clock.ms = 800;
      cache.set('k', 'new');

      clock.ms = 1500;
      expect(cache.get('k')).toBe('new');
    });

    it('keeps entries by bound alone when the TTL is 0', () => {
      const { cache, clock } = cacheWith(10, 0);
      cache.set('k', 'v');
      clock.ms = 365 * 86_400_000;

      expect(cache.get('k')).toBe('v');
    });
  });

  describe('bounds', () => {
    it('evicts the least recently stored entry beyond max', () => {
      const { cache } = cacheWith(2, 1000);
      cache.set('a', '1');
      cache.set('b', '2');
      cache.set('c', '3');

      expect(cache.size).toBe(2);
      expect(cache.get('a')).toBeUndefined();
      expect(cache.get('b')).toBe('2');
      expect(cache.get('c')).toBe('3');
    });

    it('counts a get as a use, so a recently read entry survives', () => {
      const { cache } = cacheWith(2, 1000);
      cache.set('a', '1');
      cache.set('b', '2');
      cache.get('a');
      cache.set('c', '3');

      expect(cache.get('b')).toBeUndefined();
      expect(cache.get('a')).toBe('1');
      expect(cache.get('c')).toBe('3');
    });

    it('counts re-setting a key as a use', () => {
      const { cache } = cacheWith(2, 1000);
      cache.set('a', '1');
      cache.set('b', '2');
      cache.set('a', '1 again');
      cache.set('c', '3');

      expect(cache.get('b')).toBeUndefined();
      expect(cache.get('a')).toBe('1 again');
    });

    it('evicts in least-recently-used order over many entries', () => {
      const { cache } = cacheWith(3, 1000);
      for (const key of ['a', 'b', 'c']) cache.set(key, key);
      cache.get('a');
      cache.get('b');
      cache.set('d', 'd'); // evicts c
      cache.set('e', 'e'); // evicts a

      expect(['a', 'b', 'c', 'd', 'e'].map((key) => cache.get(key) ?? null)).toEqual([
        null,
        'b',
        null,
        'd',
        'e',
      ]);
    });

    it('weighs entries when given a size, and never keeps one heavier than the whole budget', () => {
      const cache = clockedLru<string>(new FakeClock(0), {
        max: 10,
        ttlMs: 1000,
        maxSize: 5,
        sizeOf: (value) => value.length,
      });
      cache.set('a', 'aaa');
      cache.set('b', 'bb');
      cache.set('c', 'c');
      cache.set('huge', 'xxxxxx');

      expect(['a', 'b', 'c', 'huge'].map((key) => cache.get(key) ?? null)).toEqual([
        null,
        'bb',
        'c',
        null,
      ]);
    });
  });

  it('misses a key it never stored', () => {
    const { cache } = cacheWith(10, 1000);

    expect(cache.get('missing')).toBeUndefined();
  });
});
