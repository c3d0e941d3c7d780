import { PACING_MARGIN_MS, RateLimiter } from './rate-limiter.js';
import { UpstreamError } from './upstream-error.js';

/** Reserves `count` slots at the same instant and returns each caller's wait, in call order. */
function reserveMany(limiter: RateLimiter, count: number, nowMs: number, maxWaitMs?: number) {
  return Array.from({ length: count }, () => limiter.reserve(nowMs, maxWaitMs));
}

/** The UpstreamError `action` throws; fails the test when it throws nothing or something else. */
function thrownBy(action: () => unknown): UpstreamError {
  try {
    action();
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw error;
  }
  throw new Error('expected an UpstreamError, but nothing was thrown');
}

describe(RateLimiter.name, () => {
  describe('with a burst of 1 (the MusicBrainz queue)', () => {
    it('gives concurrent callers start slots exactly one interval apart, in arrival order', () => {
      const limiter = new RateLimiter('album', 1000, 1);

      expect(reserveMany(limiter, 5, 0)).toEqual([0, 1000, 2000, 3000, 4000]);
    });

    it('measures each wait from the caller’s own arrival time', () => {
      const limiter = new RateLimiter('album', 1000, 1);
      limiter.reserve(0);

      expect(limiter.reserve(400)).toBe(600);
      expect(limiter.reserve(400)).toBe(1600);
    });

    it('lets a caller start at once after the queue has been idle', () => {
      const limiter = new RateLimiter('album', 1000, 1);
      reserveMany(limiter, 3, 0);

      expect(limiter.reserve(5000)).toBe(0);
      expect(limiter.reserve(5000)).toBe(1000);
    });

    it('does not save up idle time as a burst', () => {
      const limiter = new RateLimiter('album', 1000, 1);
      limiter.reserve(0);

      expect(reserveMany(limiter, 3, 60_000)).toEqual([0, 1000, 2000]);
    });

    it('accepts a slot exactly maxWait away', () => {
      const limiter = new RateLimiter('album', 1000, 1);

      expect(reserveMany(limiter, 11, 0, 10_000)).toEqual([
        0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000,
      ]);
    });

    it('refuses a slot further than maxWait away with 429 busy and Retry-After', () => {
      const limiter = new RateLimiter('album', 1000, 1);
      reserveMany(limiter, 11, 0, 10_000);

      const error = thrownBy(() => limiter.reserve(0, 10_000));

      expect(error).toMatchObject({ catalog: 'album', failure: 'busy', retryAfterSeconds: 11 });
      expect(error.getStatus()).toBe(429);
      expect(error.headers).toEqual({ 'Retry-After': '11' });
    });

    it('rounds the Retry-After of a refusal up to whole seconds', () => {
      const limiter = new RateLimiter('album', 1000, 1);
      reserveMany(limiter, 3, 0);

      // The next slot is at 3000, i.e. 2.9 s after 100.
      expect(thrownBy(() => limiter.reserve(100, 2000)).retryAfterSeconds).toBe(3);
    });

    it('asks a refused caller to wait at least one second', () => {
      const limiter = new RateLimiter('album', 1000, 1);
      limiter.reserve(0);

      // The next slot is 1 ms away.
      expect(thrownBy(() => limiter.reserve(999, 0)).retryAfterSeconds).toBe(1);
    });

    it('does not reserve a slot for a refused caller', () => {
      const limiter = new RateLimiter('album', 1000, 1);
      reserveMany(limiter, 11, 0, 10_000);

      expect(() => limiter.reserve(0, 10_000)).toThrow(UpstreamError);
      expect(() => limiter.reserve(0, 10_000)).toThrow(UpstreamError);

      // Had the refusals taken slots, the next free one would be at 13 000.
      expect(limiter.reserve(0)).toBe(11_000);
    });

    it('admits a caller again once the queue has moved on', () => {
      const limiter = new RateLimiter('album', 1000, 1);
      reserveMany(limiter, 11, 0, 10_000);
      expect(() => limiter.reserve(0, 10_000)).toThrow(UpstreamError);

      expect(limiter.reserve(1000, 10_000)).toBe(10_000);
    });
  });

  describe('with a burst of 20 and an interval of 50 ms (the TMDB bucket)', () => {
    it('lets 20 calls start at once, then spaces the rest 50 ms apart', () => {
      const limiter = new RateLimiter('movie', 50, 20);

      const waits = reserveMany(limiter, 25, 0);

      expect(waits.slice(0, 20)).toEqual(Array(20).fill(0));
      expect(waits.slice(20)).toEqual([50, 100, 150, 200, 250]);
    });

    it('refills the bucket while idle', () => {
      const limiter = new RateLimiter('movie', 50, 20);
      reserveMany(limiter, 20, 0);

      // 1 s later, all 20 tokens are back.
      expect(reserveMany(limiter, 21, 1000)).toEqual([...Array(20).fill(0), 50]);
    });

    it('refuses with the movie catalog’s busy error', () => {
      const limiter = new RateLimiter('movie', 50, 20);
      reserveMany(limiter, 20, 0);

      expect(thrownBy(() => limiter.reserve(0, 10))).toMatchObject({
        catalog: 'movie',
        failure: 'busy',
        retryAfterSeconds: 1,
      });
    });
  });
});

describe('RateLimiter.acquire (paced starts)', () => {
  it('spaces real starts by at least the interval plus the margin, in FIFO order', async () => {
    const limiter = new RateLimiter('album', 40);
    const starts: number[] = [];
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        await limiter.acquire();
        starts.push(performance.now());
        order.push(i);
      }),
    );
    expect(order).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < starts.length; i++) {
      expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(40 + PACING_MARGIN_MS - 1);
    }
  });

  it('refuses at once, without queueing, when the wait would exceed maxWait', async () => {
    const limiter = new RateLimiter('album', 1000);
    await limiter.acquire(0);
    await expect(limiter.acquire(500)).rejects.toMatchObject({ failure: 'busy' });
  });
});
