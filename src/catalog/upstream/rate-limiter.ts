import { UpstreamError, type CatalogName } from './upstream-error.js';

/**
 * Spaces request starts for a whole process (GCRA, a token bucket by another name). With a burst
 * of 1, request k is given the slot max(now, previous slot + interval): MusicBrainz's one request
 * per second. A slot is reserved when taken, so concurrent callers queue in FIFO order.
 */
export class RateLimiter {
  private theoreticalArrival = 0;

  constructor(
    private readonly catalog: CatalogName,
    private readonly intervalMs: number,
    private readonly burst = 1,
  ) {}

  /**
   * Reserves the next start slot and returns how long to wait for it. A slot further away than
   * `maxWaitMs` is refused at once, without being reserved: 429 "busy" with Retry-After.
   */
  reserve(nowMs: number, maxWaitMs = Infinity): number {
    const arrival = Math.max(this.theoreticalArrival, nowMs);
    const startAt = Math.max(nowMs, arrival - (this.burst - 1) * this.intervalMs);
    const waitMs = startAt - nowMs;
    if (waitMs > maxWaitMs) {
      throw new UpstreamError(this.catalog, 'busy', Math.max(1, Math.ceil(waitMs / 1000)));
    }
    this.theoreticalArrival = arrival + this.intervalMs;
    return waitMs;
  }
}
