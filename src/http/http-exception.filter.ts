import {
  Catch,
  HttpException,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
  type LoggerService,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '../common/api-error.js';
import { sendError, type ErrorBody } from './error-response.js';
import { currentRequestContext, requestPath } from './request-context.js';
import type { RouteTable } from './route-table.js';

export const INTERNAL_ERROR = 'Internal server error';

/**
 * Turns every error into `{"detail": string}` JSON (contract §1.4). Unknown routes arrive here as
 * Nest's NotFoundException from its catch-all handler; when our route table has no route for the
 * method and path, that is 404 `Not Found`, or 405 with `Allow` when the path has other methods.
 * Anything unexpected is logged with the request id and answered with a generic 500 that leaks
 * nothing.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly routes: RouteTable,
    private readonly logger: LoggerService,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();

    // Not req.path: inside Nest's prefix router it is relative to the mount point.
    const path = requestPath(req);
    const allowed = exception instanceof NotFoundException ? this.routes.allowedMethods(path) : [];
    if (exception instanceof NotFoundException && !allowed.includes(req.method)) {
      if (allowed.length > 0) {
        sendError(res, 405, { detail: 'Method Not Allowed' }, { Allow: allowed.join(', ') });
      } else {
        sendError(res, 404, { detail: 'Not Found' });
      }
      return;
    }

    if (exception instanceof ApiError) {
      sendError(
        res,
        exception.getStatus(),
        exception.getResponse() as ErrorBody,
        exception.headers,
      );
      return;
    }

    if (exception instanceof HttpException && exception.getStatus() < 500) {
      sendError(res, exception.getStatus(), { detail: detailOf(exception) });
      return;
    }

    const requestId = currentRequestContext()?.requestId ?? '-';
    const description =
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
    this.logger.error(`Unhandled error rid=${requestId}: ${description}`, undefined, 'HTTP');
    sendError(res, 500, { detail: INTERNAL_ERROR });
  }
}

function detailOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}
