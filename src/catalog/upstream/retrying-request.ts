import { parseRetryAfterMs } from './retry-after.js';
import { sleep } from './sleep.js';
import { UpstreamError, type CatalogName } from './upstream-error.js';
import type { UpstreamCall, UpstreamHttp } from './upstream-http.js';

export const MAX_ATTEMPTS = 3;
export const MAX_RETRY_WAIT_MS = 5000;
const BACKOFF_MS = [1000, 2000];
const DEFAULT_RETRY_AFTER_SECONDS = 5;

export interface RetryingRequestOptions {
  catalog: CatalogName;
  http: UpstreamHttp;
  now: () => number;
  /** Waits for this attempt's start slot (rate limiting); may throw UpstreamError 'busy'. */
  waitForSlot?: (attempt: number, deadlineMs: number) => Promise<void>;
  /** The caller will not wait past this (MusicBrainz: MUSICBRAINZ_MAX_WAIT after the call began). */
  deadlineMs?: number;
  logLabel: string;
}

export interface UpstreamReply {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/**
 * One API call with upstream.md §1's retries: on 429, 503 and connection resets, at most two
 * retries, waiting Retry-After (or 1 s then 2 s, ±20 %), and giving up at once when the wait would
 * exceed 5 s or the caller's deadline. Every other status is returned for the client to judge.
 */
export async function retryingRequest(
  call: UpstreamCall,
  options: RetryingRequestOptions,
): Promise<UpstreamReply> {
  const { catalog, http, now, waitForSlot, deadlineMs = Infinity } = options;
  let lastRetryAfterMs: number | undefined;
  let lastWasReset = false;

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const queued = now();
    if (waitForSlot) {
      try {
        await waitForSlot(attempt, deadlineMs);
      } catch (error) {
        // A retry whose slot lies past the caller's deadline stops retrying instead.
        if (attempt === 1 || !(error instanceof UpstreamError)) throw error;
        break;
      }
    }
    const outcome = await http.send(call, {
      label: options.logLabel,
      attempt,
      queueWaitMs: now() - queued,
    });
    if (outcome.kind === 'timeout') throw new UpstreamError(catalog, 'timeout');
    if (outcome.kind === 'unreachable') throw new UpstreamError(catalog, 'unreachable');
    if (outcome.kind === 'invalid') throw new UpstreamError(catalog, 'invalid_response');
    if (outcome.kind === 'response' && outcome.status !== 429 && outcome.status !== 503) {
      return outcome;
    }

    lastWasReset = outcome.kind === 'reset';
    const retryAfterMs =
      outcome.kind === 'response'
        ? parseRetryAfterMs(outcome.headers['retry-after'], now())
        : undefined;
    lastRetryAfterMs = retryAfterMs;
    if (attempt === MAX_ATTEMPTS) break;
    const waitMs = retryAfterMs ?? jitter(BACKOFF_MS[attempt - 1]);
    if (waitMs > MAX_RETRY_WAIT_MS || now() + waitMs > deadlineMs) break;
    await sleep(waitMs);
  }

  if (lastWasReset) throw new UpstreamError(catalog, 'unreachable');
  const retryAfterSeconds =
    lastRetryAfterMs === undefined
      ? DEFAULT_RETRY_AFTER_SECONDS
      : Math.max(1, Math.ceil(lastRetryAfterMs / 1000));
  throw new UpstreamError(catalog, 'rate_limited', retryAfterSeconds);
}

function jitter(ms: number): number {
  return ms * (0.8 + Math.random() * 0.4);
}
