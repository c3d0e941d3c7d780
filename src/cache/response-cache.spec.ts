import { createRequire } from 'node:module';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { Response } from 'express';
import { defer, lastValueFrom, of, throwError, type Observable } from 'rxjs';
import type { Configuration } from '../config/configuration.js';
import { DataVersion } from '../database/data-version.js';
import { ReadCaches } from './read-cache.js';
import { ResponseCache, ResponseCacheInterceptor } from './response-cache.js';
import { FakeClock } from '../../test/support/fake-clock.js';
import { UNCOUNTED } from '../metrics/metrics.js';

// Express's own ETag generator and freshness check (untyped CommonJS), to prove replies match it.
const require = createRequire(import.meta.url);
const etag = require('etag') as (body: string, options: { weak: boolean }) => string;
const fresh = require('fresh') as (
  requestHeaders: Record<string, string>,
  responseHeaders: Record<string, string>,
) => boolean;

const READ_CACHE_TTL_MS = 5000;

/** The response headers the interceptor sets, as Express would send them. */
class FakeResponse {
  readonly headers: Record<string, string> = {};

  setHeader(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
}

/** A handler that counts how often the route really ran. */
class CountingHandler implements CallHandler {
  calls = 0;

  constructor(private readonly answer: () => Observable<unknown>) {}

  handle(): Observable<unknown> {
    this.calls++;
    return this.answer();
  }
}

function contextFor(url: string, response: FakeResponse): ExecutionContext {
  return {
    switchToHttp: () => ({
      getRequest: () => ({ originalUrl: url }),
      getResponse: () => response as unknown as Response,
    }),
  } as unknown as ExecutionContext;
}

function setup(readCacheTtlMs = READ_CACHE_TTL_MS) {
  const config = { get: () => ({ readCacheTtlMs }) };
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  const version = new DataVersion();
  const caches = new ReadCaches(
    config as unknown as ConfigService<Configuration, true>,
    version,
    clock,
    UNCOUNTED,
  );
  const interceptor = new ResponseCacheInterceptor(new ResponseCache(caches));
  const get = async (url: string, handler: CallHandler) => {
    const response = new FakeResponse();
    const body = await lastValueFrom(interceptor.intercept(contextFor(url, response), handler));
    return { body, headers: response.headers };
  };
  return { clock, version, get };
}

const WEEK = { id: 1, notes: 'café ☕', owner: { username: 'alice' } };

describe(ResponseCacheInterceptor.name, () => {
  it('runs the route on a miss and answers the same bytes and headers from memory on a hit', async () => {
    const { get } = setup();
    const handler = new CountingHandler(() => of(WEEK));

    const first = await get('/api/weeks/1', handler);
    const second = await get('/api/weeks/1', handler);

    expect(handler.calls).toBe(1);
    expect(first.body).toBe(JSON.stringify(WEEK));
    expect(second).toEqual(first);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('keys on the whole URL, query included', async () => {
    const { get } = setup();
    const handler = new CountingHandler(() => of(WEEK));

    await get('/api/weeks?page=1', handler);
    await get('/api/weeks?page=2', handler);

    expect(handler.calls).toBe(2);
  });

  it("sets Express's own weak ETag, so Express answers a matching If-None-Match with 304", async () => {
    const { get } = setup();
    const handler = new CountingHandler(() => of(WEEK));

    const miss = await get('/api/weeks/1', handler);
    const hit = await get('/api/weeks/1', handler);

    const expected = etag(JSON.stringify(WEEK), { weak: true });
    expect(miss.headers.etag).toBe(expected);
    expect(hit.headers.etag).toBe(expected);
    expect(fresh({ 'if-none-match': expected }, { etag: hit.headers.etag })).toBe(true);
    expect(fresh({ 'if-none-match': 'W/"0-stale"' }, { etag: hit.headers.etag })).toBe(false);
  });

  it('never keeps an error: the route runs again next time', async () => {
    const { get } = setup();
    const handler = new CountingHandler(() => throwError(() => new Error('Week not found')));

    await expect(get('/api/weeks/404', handler)).rejects.toThrow('Week not found');
    await expect(get('/api/weeks/404', handler)).rejects.toThrow('Week not found');

    expect(handler.calls).toBe(2);
  });

  it.each(['weeks', 'catalog', 'users'] as const)(
    'forgets every answer once %s data is written',
    async (domain) => {
      const { get, version } = setup();
      const handler: CountingHandler = new CountingHandler(() =>
        of({ ...WEEK, read: handler.calls }),
      );

      await get('/api/weeks/1', handler);
      version.advance([domain]);
      const after = await get('/api/weeks/1', handler);

      expect(handler.calls).toBe(2);
      expect(after.body).toBe(JSON.stringify({ ...WEEK, read: 2 }));
    },
  );

  it('keeps its answers when only refresh tokens are written (a login, refresh or logout)', async () => {
    const { get, version } = setup();
    const handler = new CountingHandler(() => of(WEEK));

    await get('/api/weeks/1', handler);
    version.advance(['tokens']);
    await get('/api/weeks/1', handler);

    expect(handler.calls).toBe(1);
  });

  it('does not keep an answer read while a write ended', async () => {
    const { get, version } = setup();
    const handler = new CountingHandler(() =>
      defer(() => {
        version.advance(['weeks']);
        return of(WEEK);
      }),
    );

    await get('/api/weeks/1', handler);
    await get('/api/weeks/1', handler);

    expect(handler.calls).toBe(2);
  });

  it('forgets an answer after READ_CACHE_TTL, by the Clock', async () => {
    const { get, clock } = setup();
    const handler = new CountingHandler(() => of(WEEK));

    await get('/api/weeks/1', handler);
    clock.ms += READ_CACHE_TTL_MS - 1;
    await get('/api/weeks/1', handler);
    expect(handler.calls).toBe(1);

    clock.ms += 1;
    await get('/api/weeks/1', handler);
    expect(handler.calls).toBe(2);
  });

  it('runs the route once for concurrent misses of one URL, and gives each its answer', async () => {
    const { get } = setup();
    const handler = new CountingHandler(() => defer(() => Promise.resolve(WEEK)));

    const answers = await Promise.all([1, 2, 3].map(() => get('/api/weeks/1', handler)));

    expect(handler.calls).toBe(1);
    for (const answer of answers) expect(answer.body).toBe(JSON.stringify(WEEK));
    expect(new Set(answers.map((answer) => answer.headers.etag)).size).toBe(1);
  });

  it('shares an error among concurrent misses, and keeps none', async () => {
    const { get } = setup();
    const handler = new CountingHandler(() =>
      defer(() => Promise.reject(new Error('Week not found'))),
    );

    const answers = await Promise.allSettled([1, 2].map(() => get('/api/weeks/404', handler)));
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
    expect(handler.calls).toBe(1);

    await expect(get('/api/weeks/404', handler)).rejects.toThrow('Week not found');
    expect(handler.calls).toBe(2);
  });

  it('does not let a miss after a write join a read that began before it', async () => {
    const { get, version } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handler: CountingHandler = new CountingHandler(() =>
      defer(async () => {
        const read = handler.calls;
        if (read === 1) await gate;
        return { ...WEEK, read };
      }),
    );

    const before = get('/api/weeks/1', handler);
    version.advance(['weeks']);
    const after = await get('/api/weeks/1', handler);
    release();

    expect(after.body).toBe(JSON.stringify({ ...WEEK, read: 2 }));
    expect((await before).body).toBe(JSON.stringify({ ...WEEK, read: 1 }));
    expect(handler.calls).toBe(2);
  });

  it('passes every request through when READ_CACHE_TTL is 0', async () => {
    const { get } = setup(0);
    const handler = new CountingHandler(() => of(WEEK));

    const first = await get('/api/weeks/1', handler);
    await get('/api/weeks/1', handler);

    expect(handler.calls).toBe(2);
    expect(first.body).toEqual(WEEK);
  });
});
