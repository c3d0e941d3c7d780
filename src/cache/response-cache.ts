import { createHash } from 'node:crypto';
import {
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, lastValueFrom, map, of, type Observable } from 'rxjs';
import { ReadCaches, type ReadCache } from './read-cache.js';
import { SingleFlight } from './single-flight.js';

/** A serialized 200 answer and its validator. */
interface CachedBody {
  json: string;
  etag: string;
}

const MAX_ENTRIES = 2000;
/**
 * About this many characters of URL and JSON in all, a few MB. URLs count: unknown query parameters
 * are ignored (contract §1.2), so anyone signed in can make up new 16 KB keys for one page.
 */
const MAX_CHARACTERS = 4_000_000;

/** The JSON answers of the routes marked @CachedResponse(), shared by every module. */
@Injectable()
export class ResponseCache {
  private readonly cache: ReadCache<CachedBody> | null;
  private readonly flights = new SingleFlight();

  constructor(caches: ReadCaches) {
    this.cache = caches.create({
      name: 'responses',
      // Weeks, the verdicts on their picks, the movies and albums in them, and usernames.
      domains: ['weeks', 'verdicts', 'catalog', 'users'],
      maxEntries: MAX_ENTRIES,
      maxWeight: MAX_CHARACTERS,
      weigh: (body, url) => url.length + body.json.length,
    });
  }

  get enabled(): boolean {
    return this.cache !== null;
  }

  /** Taken before a read, handed back to `set`. */
  get version(): number {
    return this.cache?.current ?? 0;
  }

  get(key: string): CachedBody | undefined {
    return this.cache?.get(key);
  }

  set(key: string, body: CachedBody, readAt: number): void {
    this.cache?.set(key, body, readAt);
  }

  /**
   * `read`'s answer, serialized and kept for `key`. Concurrent misses of one key share one read (a
   * stats answer takes a while, and every request that came meanwhile would read it again); only
   * misses at one data version do, so a request that began after a write never gets an older read.
   */
  load(key: string, read: () => Promise<unknown>): Promise<CachedBody> {
    const readAt = this.version;
    return this.flights.run(`${readAt} ${key}`, async () => {
      const body = serialize(await read());
      this.set(key, body, readAt);
      return body;
    });
  }
}

/**
 * Answers a GET from the ResponseCache until the next write to what it shows. It sits after the guards, so every
 * request is still authenticated, and the answer must depend on nothing but the URL (not on who
 * asks). Concurrent misses of one URL run the route once. Errors are never cached: they pass
 * straight through (to every request that shared the miss).
 */
@Injectable()
export class ResponseCacheInterceptor implements NestInterceptor {
  constructor(private readonly responses: ResponseCache) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.responses.enabled) return next.handle();
    const http = context.switchToHttp();
    const key = http.getRequest<Request>().originalUrl;
    const response = http.getResponse<Response>();

    const cached = this.responses.get(key);
    if (cached) return of(reply(response, cached));

    const answer = this.responses.load(key, () => lastValueFrom(next.handle()));
    return from(answer).pipe(map((body) => reply(response, body)));
  }
}

/** Marks a GET route whose answer depends only on its URL and the stored data. */
export const CachedResponse = () => UseInterceptors(ResponseCacheInterceptor);

function serialize(value: unknown): CachedBody {
  const json = JSON.stringify(value);
  // Express's own weak ETag format, computed once per cached body instead of on every reply.
  const hash = createHash('sha1').update(json, 'utf8').digest('base64').slice(0, 27);
  return { json, etag: `W/"${Buffer.byteLength(json, 'utf8').toString(16)}-${hash}"` };
}

/** Express sends a string as is once the Content-Type is set, and skips hashing once ETag is. */
function reply(response: Response, body: CachedBody): string {
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('ETag', body.etag);
  return body.json;
}
