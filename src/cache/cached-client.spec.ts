import { Injectable } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { Clock } from '../common/clock.js';
import type { Configuration } from '../config/configuration.js';
import { cachedClient, withCache, type CachePlan } from './cached-client.js';
import { CatalogCache } from './catalog-cache.js';
import { FakeClock } from '../../test/support/fake-clock.js';

const SEARCH_CACHE_TTL_MS = 600_000;

function catalogCache(clock: Clock): CatalogCache {
  const config = {
    get: () => ({ catalogTtlMs: 7 * 86_400_000, searchCacheTtlMs: SEARCH_CACHE_TTL_MS }),
  };
  return new CatalogCache(
    config as unknown as ConfigService<Configuration, true>,
    clock,
    () => null,
  );
}

/** A stand-in upstream client, cache-free like the real ones: its methods count their runs. */
@Injectable()
class CountingClient {
  searches: string[] = [];
  covers = 0;

  get label(): string {
    return `client with ${this.searches.length} searches`;
  }

  async search(query: string, page: number): Promise<string[]> {
    this.searches.push(`${query}#${page}`);
    await Promise.resolve();
    return [`${query} result on page ${page}`];
  }

  async otherSearch(query: string, page: number): Promise<string[]> {
    this.searches.push(`other ${query}#${page}`);
    await Promise.resolve();
    return [`other ${query}`];
  }

  async cover(_id: string): Promise<'exists' | 'inconclusive'> {
    this.covers++;
    await Promise.resolve();
    return this.covers === 1 ? 'inconclusive' : 'exists';
  }

  async failing(): Promise<string> {
    this.searches.push('failing');
    await Promise.resolve();
    throw new Error('upstream down');
  }

  async uncached(): Promise<number> {
    this.searches.push('uncached');
    await Promise.resolve();
    return this.searches.length;
  }
}

const PLAN: CachePlan<CountingClient> = {
  search: { namespace: 'search' },
  otherSearch: { namespace: 'other' },
  cover: { namespace: 'cover', remember: (answer) => answer !== 'inconclusive' },
  failing: { namespace: 'failing' },
};

function setup() {
  const clock = new FakeClock(0);
  const cache = catalogCache(clock);
  const bare = new CountingClient();
  return { clock, cache, bare, client: withCache(bare, cache, PLAN) };
}

describe(withCache.name, () => {
  it('runs the method once for repeated calls with the same arguments', async () => {
    const { client } = setup();

    await expect(client.search('alien', 1)).resolves.toEqual(['alien result on page 1']);
    await expect(client.search('alien', 1)).resolves.toEqual(['alien result on page 1']);
    expect(client.searches).toEqual(['alien#1']);
  });

  it('runs the method again for different arguments', async () => {
    const { client } = setup();

    await client.search('alien', 1);
    await expect(client.search('alien', 2)).resolves.toEqual(['alien result on page 2']);
    await expect(client.search('aliens', 1)).resolves.toEqual(['aliens result on page 1']);
    expect(client.searches).toEqual(['alien#1', 'alien#2', 'aliens#1']);
  });

  it('keeps methods of different namespaces apart', async () => {
    const { client } = setup();

    await client.search('alien', 1);
    await expect(client.otherSearch('alien', 1)).resolves.toEqual(['other alien']);
    expect(client.searches).toEqual(['alien#1', 'other alien#1']);
  });

  it('shares one run between concurrent identical calls', async () => {
    const { client } = setup();

    const calls = [client.search('alien', 1), client.search('alien', 1)];

    await expect(Promise.all(calls)).resolves.toEqual([
      ['alien result on page 1'],
      ['alien result on page 1'],
    ]);
    expect(client.searches).toEqual(['alien#1']);
  });

  it('runs the method again once SEARCH_CACHE_TTL has passed', async () => {
    const { client, clock } = setup();
    await client.search('alien', 1);

    clock.ms += SEARCH_CACHE_TTL_MS + 1;
    await client.search('alien', 1);

    expect(client.searches).toEqual(['alien#1', 'alien#1']);
  });

  it('does not remember a failure', async () => {
    const { client } = setup();

    await expect(client.failing()).rejects.toThrow('upstream down');
    await expect(client.failing()).rejects.toThrow('upstream down');
    expect(client.searches).toEqual(['failing', 'failing']);
  });

  it('does not remember an answer its `remember` option refuses', async () => {
    const { client } = setup();

    await expect(client.cover('a')).resolves.toBe('inconclusive');
    await expect(client.cover('a')).resolves.toBe('exists');
    await expect(client.cover('a')).resolves.toBe('exists');
    expect(client.covers).toBe(2);
  });

  it('calls the method with its own instance as `this`', async () => {
    const { cache, bare } = setup();
    const otherBare = new CountingClient();
    const other = withCache(otherBare, cache, PLAN);

    await other.search('alien', 1);

    expect(otherBare.searches).toEqual(['alien#1']);
    expect(bare.searches).toEqual([]);
  });

  it('leaves the methods outside the plan, and the getters, to the client', async () => {
    const { client, bare } = setup();

    await expect(client.uncached()).resolves.toBe(1);
    await expect(client.uncached()).resolves.toBe(2);
    expect(client.label).toBe('client with 2 searches');
    expect(client).toBeInstanceOf(CountingClient);
    expect(bare.searches).toEqual(['uncached', 'uncached']);
  });
});

describe(cachedClient.name, () => {
  it('hands whoever injects the client the cached one', async () => {
    const clock = new FakeClock(0);
    const moduleRef = await Test.createTestingModule({
      providers: [
        { provide: CatalogCache, useValue: catalogCache(clock) },
        ...cachedClient(CountingClient, PLAN),
      ],
    }).compile();
    const client = moduleRef.get(CountingClient);

    await client.search('alien', 1);
    await client.search('alien', 1);

    expect(client.searches).toEqual(['alien#1']);
  });
});
