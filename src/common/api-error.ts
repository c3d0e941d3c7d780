import { HttpException } from '@nestjs/common';
import type { ValidationIssue } from './validation/validation-issue.js';

export interface ApiErrorOptions {
  headers?: Record<string, string>;
  /** Extra top-level keys beside `detail`, e.g. the readiness probe's status fields. */
  extra?: Record<string, unknown>;
}

/** An error with the contract's `detail` text and optional headers, rendered by the global filter. */
export class ApiError extends HttpException {
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    readonly detail: string,
    options: ApiErrorOptions = {},
  ) {
    super({ detail, ...options.extra }, status);
    this.headers = options.headers ?? {};
  }
}

/** A 422 carrying every problem found in one request's path, query and body. */
export class RequestValidationError extends ApiError {
  constructor(readonly issues: ValidationIssue[]) {
    const detail = issues.map((issue) => issue.message).join('; ');
    super(422, detail, { extra: { errors: issues } });
  }
}

/** What to log or print of an error: an ApiError's `detail`, else its message. */
export function errorDetail(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  return error instanceof Error ? error.message : String(error);
}
