import { sleep } from './sleep.js';
import { UpstreamError, type CatalogName } from './upstream-error.js';

/**
 * Extra spacing between paced starts (burst 1): a request delivered over a fresh connection can
 * reach the upstream a few ms later than the next one over a warm one, and the gap there must
 * still be at least the interval.
 */
export const PACING_MARGIN_MS = 50;

/**
 * Spaces request starts for a whole process (GCRA, a token bucket by another name). With a burst
 * of 1, request k is given the slot max(now, previous slot + interval): MusicBrainz's one request
 * per second. A slot is reserved when taken, so concurrent callers queue in FIFO order.
 */
export class RateLimiter {
  private theoreticalArrival = 0;
  private lastStart = -Infinity;
  private turn: Promise<void> = Promise.resolve();

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

  /**
   * Reserves a slot (or refuses, as `reserve`) and resolves when the request may start. With a burst
   * of 1 every start waits for the previous one's real start plus the interval (and a margin), on
   * the monotonic clock, so a late timer or a slow event loop can never shorten a gap.
   */
  async acquire(maxWaitMs = Infinity): Promise<void> {
    const waitMs = this.reserve(performance.now(), maxWaitMs);
    if (this.burst > 1) return sleep(waitMs);
    const mine = this.turn.then(async () => {
      const spacing = this.intervalMs > 0 ? this.intervalMs + PACING_MARGIN_MS : 0;
      for (let remaining = this.lastStart + spacing - performance.now(); remaining > 0;) {
        await sleep(remaining);
        remaining = this.lastStart + spacing - performance.now();
      }
      this.lastStart = performance.now();
    });
    this.turn = mine;
    return mine;
  }
}
