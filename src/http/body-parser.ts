import { AsyncResource } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './error-response.js';
import { requestPath } from './request-context.js';
import type { RouteTable } from './route-table.js';

export const MAX_BODY_BYTES = 100 * 1024;
export const BODY_TOO_LARGE = 'Request body too large';
export const MALFORMED_JSON = 'Malformed JSON body';
export const UNSUPPORTED_MEDIA_TYPE = 'Content-Type must be application/json';
/** Deeper JSON would overflow the stack of the recursive steps after parsing (class-transformer). */
export const MAX_JSON_DEPTH = 64;
export const JSON_TOO_DEEP = `JSON body nested more than ${MAX_JSON_DEPTH} levels deep`;

export interface BodyParserOptions {
  routes: RouteTable;
  /** Paths (without trailing slash) that also take application/x-www-form-urlencoded. */
  formPaths: ReadonlySet<string>;
}

/**
 * Reads request bodies the way contract §1.2 says: 0 bytes is no body whatever the Content-Type
 * (the SPA sends one on GET and DELETE); only JSON (and application/*+json) is accepted, plus forms
 * where allowed; limits and errors answer with `{"detail"}`. Requests that match no route are left
 * alone so they get 404/405 first.
 *
 * Not express.json/express.urlencoded (body-parser), because a small wrapper cannot keep these
 * answers: it picks the parser by Content-Type before reading, so a chunked 0-byte body with another
 * type could not be told from a non-empty one without reading it ourselves; it answers 415 for a
 * non-UTF-8 JSON charset, inflates gzip/deflate/br bodies (or 415s them with inflate: false), and
 * strips a UTF-8 BOM, where we answer as the bytes are; and its form parser turns a repeated key
 * into an array and caps a form at 1000 fields (413), where ours keeps the last value.
 */
export function bodyParserMiddleware({ routes, formPaths }: BodyParserOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    req.body = undefined;
    const declaredLength = Number(req.headers['content-length'] ?? 0);
    const hasBody = declaredLength > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || !routes.hasRoute(req.method, requestPath(req))) {
      next();
      return;
    }
    if (declaredLength > MAX_BODY_BYTES) {
      rejectOversized(res);
      return;
    }

    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_BODY_BYTES) {
        done = true;
        req.off('data', onData);
        rejectOversized(res);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', () => {
      done = true;
    });
    // Bound so the handlers after us still see this request's AsyncLocalStorage context.
    req.once(
      'end',
      AsyncResource.bind(() => {
        if (done) return;
        done = true;
        const raw = Buffer.concat(chunks);
        if (raw.length === 0) {
          next();
          return;
        }
        const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        if (isJsonMediaType(mediaType)) {
          let body: unknown;
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            sendError(res, 400, { detail: MALFORMED_JSON });
            return;
          }
          if (exceedsDepth(body, MAX_JSON_DEPTH)) {
            sendError(res, 400, { detail: JSON_TOO_DEEP });
            return;
          }
          req.body = body;
          next();
          return;
        }
        if (
          mediaType === 'application/x-www-form-urlencoded' &&
          formPaths.has(requestPath(req).replace(/\/$/, ''))
        ) {
          req.body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
          next();
          return;
        }
        sendError(res, 415, { detail: UNSUPPORTED_MEDIA_TYPE });
      }),
    );
  };
}

function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

/** Whether arrays and objects nest more than `limit` levels (the top level is 1); iterative. */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}

function rejectOversized(res: Response): void {
  // The rest of the body is not read, so the connection cannot be reused.
  res.setHeader('Connection', 'close');
  sendError(res, 413, { detail: BODY_TOO_LARGE });
}
