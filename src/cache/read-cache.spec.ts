import { DataVersion, type DataDomain } from '../database/data-version.js';
import { ReadCache } from './read-cache.js';
import { FakeClock } from '../../test/support/fake-clock.js';

describe(ReadCache.name, () => {
  let version: DataVersion;
  let clock: FakeClock;
  const cache = (
    maxEntries = 10,
    extra: { maxWeight?: number; domains?: readonly DataDomain[] } = {},
  ) =>
    new ReadCache<string>(
      version,
      {
        name: 'responses',
        domains: ['weeks'],
        maxEntries,
        ttlMs: 1000,
        weigh: (value) => value.length,
        ...extra,
      },
      clock,
    );

  beforeEach(() => {
    version = new DataVersion();
    clock = new FakeClock(0);
  });

  it('keeps a value until the data version moves, then drops everything', () => {
    const reads = cache();
    reads.set('a', 'A', reads.current);
    reads.set('b', 'B', reads.current);
    expect(reads.get('a')).toBe('A');
    version.advance();
    expect(reads.get('a')).toBeUndefined();
    expect(reads.size).toBe(0);
  });

  it('ends only with a write to one of its domains', () => {
    const reads = cache(10, { domains: ['weeks', 'users'] });
    reads.set('a', 'A', reads.current);
    version.advance(['tokens']);
    version.advance(['catalog']);
    expect(reads.get('a')).toBe('A');
    version.advance(['users']);
    expect(reads.get('a')).toBeUndefined();
    reads.set('a', 'A', reads.current);
    version.advance(['weeks']);
    expect(reads.get('a')).toBeUndefined();
  });

  it('does not keep a value read before a write that ended while it was being read', () => {
    const reads = cache();
    const readAt = reads.current;
    version.advance(['weeks']);
    reads.set('a', 'read across a write', readAt);
    expect(reads.get('a')).toBeUndefined();
  });

  it('forgets a value after its TTL', () => {
    const reads = cache();
    reads.set('a', 'A', reads.current);
    clock.ms = 999;
    expect(reads.get('a')).toBe('A');
    clock.ms = 1000;
    expect(reads.get('a')).toBeUndefined();
  });

  it('evicts the least recently used beyond maxEntries', () => {
    const reads = cache(2);
    reads.set('a', 'A', reads.current);
    reads.set('b', 'B', reads.current);
    reads.get('a');
    reads.set('c', 'C', reads.current);
    expect([reads.get('a'), reads.get('b'), reads.get('c')]).toEqual(['A', undefined, 'C']);
  });

  it('evicts by weight, and never keeps a value heavier than the whole budget', () => {
    const reads = cache(10, { maxWeight: 5 });
    reads.set('a', 'aaa', reads.current);
    reads.set('b', 'bb', reads.current);
    reads.set('c', 'c', reads.current);
    expect([reads.get('a'), reads.get('b'), reads.get('c')]).toEqual([undefined, 'bb', 'c']);
    reads.set('huge', 'xxxxxx', reads.current);
    expect(reads.get('huge')).toBeUndefined();
    expect(reads.get('b')).toBe('bb');
  });

  it('can weigh keys too', () => {
    const reads = new ReadCache<string>(
      version,
      {
        name: 'responses',
        domains: ['weeks'],
        maxEntries: 10,
        ttlMs: 1000,
        maxWeight: 10,
        weigh: (value, key) => key.length + value.length,
      },
      clock,
    );
    reads.set('a'.repeat(6), 'xx', reads.current);
    reads.set('b'.repeat(6), 'xx', reads.current);
    expect(reads.get('a'.repeat(6))).toBeUndefined();
    expect(reads.get('b'.repeat(6))).toBe('xx');
  });

  it('getOrLoad loads once, keeps the value, and never keeps undefined', async () => {
    const reads = cache();
    let loads = 0;
    const load = () => {
      loads += 1;
      return Promise.resolve('loaded');
    };
    expect(await reads.getOrLoad('a', load)).toBe('loaded');
    expect(await reads.getOrLoad('a', load)).toBe('loaded');
    expect(loads).toBe(1);
    expect(await reads.getOrLoad('missing', () => Promise.resolve(undefined))).toBeUndefined();
    expect(reads.size).toBe(1);
  });

  it('getOrLoad does not keep what it loaded while a write ended', async () => {
    const reads = cache();
    await reads.getOrLoad('a', () => {
      version.advance(['weeks']);
      return Promise.resolve('stale');
    });
    expect(reads.get('a')).toBeUndefined();
  });

  it('reports each lookup as a hit or a miss under its name', () => {
    const seen: string[] = [];
    const counted = new ReadCache<string>(
      version,
      { name: 'signed_in_users', domains: ['users'], maxEntries: 10, ttlMs: 1000 },
      clock,
      { cacheLookup: (name, hit) => seen.push(`${name} ${hit ? 'hit' : 'miss'}`) },
    );
    counted.get('a');
    counted.set('a', 'A', counted.current);
    counted.get('a');
    expect(seen).toEqual(['signed_in_users miss', 'signed_in_users hit']);
  });
});
