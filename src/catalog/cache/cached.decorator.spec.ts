import type { ConfigService } from '@nestjs/config';
import { Clock } from '../../common/clock.js';
import type { Configuration } from '../../config/configuration.js';
import { Cached } from './cached.decorator.js';
import { CatalogCache } from './catalog-cache.js';

const SEARCH_CACHE_TTL_MS = 600_000;

class FakeClock extends Clock {
  ms = 0;

  now(): Date {
    return new Date(this.ms);
  }
}

function catalogCache(clock: Clock): CatalogCache {
  const config = {
    get: () => ({ catalogTtlMs: 7 * 86_400_000, searchCacheTtlMs: SEARCH_CACHE_TTL_MS }),
  };
  return new CatalogCache(config as unknown as ConfigService<Configuration, true>, clock);
}

/** A stand-in upstream client: its methods count how often they really run. */
class CountingClient {
  searches: string[] = [];
  covers = 0;

  constructor(readonly cache: CatalogCache) {}

  @Cached<string[]>({ namespace: 'search' })
  async search(query: string, page: number): Promise<string[]> {
    this.searches.push(`${query}#${page}`);
    await Promise.resolve();
    return [`${query} result on page ${page}`];
  }

  @Cached<string[]>({ namespace: 'other' })
  async otherSearch(query: string, page: number): Promise<string[]> {
    this.searches.push(`other ${query}#${page}`);
    await Promise.resolve();
    return [`other ${query}`];
  }

  @Cached<'exists' | 'inconclusive'>({
    namespace: 'cover',
    remember: (answer) => answer !== 'inconclusive',
  })
  async cover(_id: string): Promise<'exists' | 'inconclusive'> {
    this.covers++;
    await Promise.resolve();
    return this.covers === 1 ? 'inconclusive' : 'exists';
  }

  @Cached<string>({ namespace: 'failing' })
  async failing(): Promise<string> {
    this.searches.push('failing');
    await Promise.resolve();
    throw new Error('upstream down');
  }
}

function setup() {
  const clock = new FakeClock();
  return { clock, client: new CountingClient(catalogCache(clock)) };
}

describe(Cached.name, () => {
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
    const { client } = setup();
    const other = new CountingClient(client.cache);

    await other.search('alien', 1);

    expect(other.searches).toEqual(['alien#1']);
    expect(client.searches).toEqual([]);
  });
});
