import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { ConsoleLogger } from '@nestjs/common';
import type { ValidatedRequest } from './request-arguments.js';

export interface RequestContext {
  requestId: string;
  /** Set by RequestValidationGuard: the handler's DTOs, or every path, query and body problem. */
  validated?: ValidatedRequest;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const REQUEST_ID_HEADER = 'X-Request-Id';
const ACCEPTABLE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The request's full path without the query, wherever in the Express stack it is read. */
export function requestPath(req: Request): string {
  return req.originalUrl.split('?')[0];
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `work` in a request context of its own, as the middleware does for every HTTP request (unit specs). */
export function withRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** Told of every finished (or aborted) request: the metrics. */
export type RequestObserver = (req: Request, status: string, seconds: number) => void;

/**
 * Gives every request an id (the caller's X-Request-Id when it is 1-128 visible ASCII characters),
 * echoes it, and logs one line and tells `observe` when the response is finished or the client goes
 * away.
 */
export function requestContextMiddleware(logger: ConsoleLogger, observe: RequestObserver) {
  const logsRequests = logger.isLevelEnabled('log');
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming)
        ? incoming
        : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);

    const started = process.hrtime.bigint();
    // 'close' comes once per response: after 'finish', or when the client went away first.
    res.once('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const status = res.writableFinished ? String(res.statusCode) : 'aborted';
      observe(req, status, ms / 1000);
      if (logsRequests) {
        logger.log(
          `${req.method} ${requestPath(req)} ${status} ${ms.toFixed(1)}ms rid=${requestId}`,
          'HTTP',
        );
      }
    });

    storage.run({ requestId }, next);
  };
}
