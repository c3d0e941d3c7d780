import { jest } from '@jest/globals';
import { MAX_ATTEMPTS, retryingRequest, type RetryingRequestOptions } from './retrying-request.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamCall, UpstreamHttp, UpstreamOutcome } from './upstream-http.js';

const CALL: UpstreamCall = {
  method: 'GET',
  url: 'https://upstream.test/thing/1',
  headers: { Accept: 'application/json' },
  timeoutMs: 10_000,
};

/** A transport that answers from a script, one outcome per attempt, and records every attempt. */
class ScriptedHttp {
  readonly sent: { call: UpstreamCall; log: unknown; at: number }[] = [];

  constructor(private readonly script: UpstreamOutcome[]) {}

  send(call: UpstreamCall, log: unknown): Promise<UpstreamOutcome> {
    this.sent.push({ call, log, at: Date.now() });
    const outcome = this.script.shift();
    if (!outcome) throw new Error(`no scripted outcome for attempt ${this.sent.length}`);
    return Promise.resolve(outcome);
  }

  get attempts(): number {
    return this.sent.length;
  }
}

function response(
  status: number,
  headers: Record<string, string> = {},
  body = '{}',
): UpstreamOutcome {
  return { kind: 'response', status, headers, body };
}

const RETRY_NOW = { 'retry-after': '0' };

function options(
  http: ScriptedHttp,
  overrides: Partial<RetryingRequestOptions> = {},
): RetryingRequestOptions {
  return {
    catalog: 'album',
    http: http as unknown as UpstreamHttp,
    now: () => 0,
    logLabel: 'test lookup',
    ...overrides,
  };
}

/** The UpstreamError a promise rejects with; fails the test when it resolves or rejects otherwise. */
async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail, but it succeeded');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe(retryingRequest.name, () => {
  describe('answers that are returned to the caller', () => {
    it('returns a 200 as is after one attempt', async () => {
      const reply = response(200, { 'content-type': 'application/json' }, '{"id":1}');
      const http = new ScriptedHttp([reply]);

      await expect(retryingRequest(CALL, options(http))).resolves.toEqual(reply);
      expect(http.attempts).toBe(1);
    });

    it('sends the call to the transport with its log label and attempt number', async () => {
      const http = new ScriptedHttp([response(503, RETRY_NOW), response(200)]);

      await retryingRequest(CALL, options(http, { logLabel: 'GET release' }));

      expect(http.sent).toEqual([
        expect.objectContaining({
          call: CALL,
          log: expect.objectContaining({ label: 'GET release', attempt: 1 }),
        }),
        expect.objectContaining({
          call: CALL,
          log: expect.objectContaining({ label: 'GET release', attempt: 2 }),
        }),
      ]);
    });

    it.each([400, 401, 403, 404, 500, 502, 504, 301])(
      'returns a %i without retrying, for the caller to judge',
      async (status) => {
        const http = new ScriptedHttp([response(status, {}, '{"error":"x"}'), response(200)]);

        await expect(retryingRequest(CALL, options(http))).resolves.toMatchObject({ status });
        expect(http.attempts).toBe(1);
      },
    );
  });

  describe('retries', () => {
    it('retries a 429 and returns the answer that follows', async () => {
      const http = new ScriptedHttp([response(429, RETRY_NOW), response(200, {}, '{"ok":1}')]);

      await expect(retryingRequest(CALL, options(http))).resolves.toMatchObject({
        status: 200,
        body: '{"ok":1}',
      });
      expect(http.attempts).toBe(2);
    });

    it('retries a 503 and returns the answer that follows', async () => {
      const http = new ScriptedHttp([response(503, RETRY_NOW), response(200)]);

      await expect(retryingRequest(CALL, options(http))).resolves.toMatchObject({ status: 200 });
      expect(http.attempts).toBe(2);
    });

    it('returns a non-retryable answer that follows a retry', async () => {
      const http = new ScriptedHttp([response(503, RETRY_NOW), response(404), response(200)]);

      await expect(retryingRequest(CALL, options(http))).resolves.toMatchObject({ status: 404 });
      expect(http.attempts).toBe(2);
    });

    it('makes at most three attempts', async () => {
      const http = new ScriptedHttp([
        response(503, RETRY_NOW),
        response(429, RETRY_NOW),
        response(200),
      ]);

      await expect(retryingRequest(CALL, options(http))).resolves.toMatchObject({ status: 200 });
      expect(http.attempts).toBe(3);
      expect(MAX_ATTEMPTS).toBe(3);
    });
  });

  describe('giving up after 429 and 503', () => {
    it('fails as rate_limited (503) after three 503s', async () => {
      const http = new ScriptedHttp([
        response(503, RETRY_NOW),
        response(503, RETRY_NOW),
        response(503, RETRY_NOW),
        response(200),
      ]);

      const error = await failureOf(retryingRequest(CALL, options(http)));

      expect(error).toMatchObject({ catalog: 'album', failure: 'rate_limited' });
      expect(error.getStatus()).toBe(503);
      expect(http.attempts).toBe(3);
    });

    it('fails as rate_limited after three 429s', async () => {
      const http = new ScriptedHttp([
        response(429, RETRY_NOW),
        response(429, RETRY_NOW),
        response(429, RETRY_NOW),
      ]);

      const error = await failureOf(retryingRequest(CALL, options(http, { catalog: 'movie' })));

      expect(error).toMatchObject({ catalog: 'movie', failure: 'rate_limited' });
      expect(http.attempts).toBe(3);
    });

    it('passes on the last Retry-After, in whole seconds', async () => {
      const http = new ScriptedHttp([
        response(503, RETRY_NOW),
        response(503, RETRY_NOW),
        response(503, { 'retry-after': '4' }),
      ]);

      const error = await failureOf(retryingRequest(CALL, options(http)));

      expect(error.retryAfterSeconds).toBe(4);
      expect(error.headers).toEqual({ 'Retry-After': '4' });
    });

    it('rounds the last Retry-After up', async () => {
      // An HTTP-date 2.5 s after our clock's now.
      const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT') - 2500;
      const http = new ScriptedHttp([
        response(503, RETRY_NOW),
        response(503, RETRY_NOW),
        response(503, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }),
      ]);

      const error = await failureOf(retryingRequest(CALL, options(http, { now: () => now })));

      expect(error.retryAfterSeconds).toBe(3);
    });

    it('passes on at least 1 second when the last Retry-After was 0', async () => {
      const http = new ScriptedHttp([
        response(503, RETRY_NOW),
        response(503, RETRY_NOW),
        response(503, RETRY_NOW),
      ]);

      const error = await failureOf(retryingRequest(CALL, options(http)));

      expect(error.retryAfterSeconds).toBe(1);
      expect(error.headers).toEqual({ 'Retry-After': '1' });
    });

    it('gives up at once when Retry-After is longer than 5 s', async () => {
      const http = new ScriptedHttp([response(429, { 'retry-after': '6' }), response(200)]);

      const error = await failureOf(retryingRequest(CALL, options(http)));

      expect(error).toMatchObject({ failure: 'rate_limited', retryAfterSeconds: 6 });
      expect(http.attempts).toBe(1);
    });

    it('gives up at once when the wait would pass the caller’s deadline', async () => {
      const http = new ScriptedHttp([response(503, { 'retry-after': '2' }), response(200)]);

      const error = await failureOf(
        retryingRequest(CALL, options(http, { now: () => 10_000, deadlineMs: 11_000 })),
      );

      expect(error).toMatchObject({ failure: 'rate_limited', retryAfterSeconds: 2 });
      expect(http.attempts).toBe(1);
    });

    it('retries when the wait ends before the caller’s deadline', async () => {
      const http = new ScriptedHttp([response(503, RETRY_NOW), response(200)]);

      await expect(
        retryingRequest(CALL, options(http, { now: () => 10_000, deadlineMs: 10_500 })),
      ).resolves.toMatchObject({ status: 200 });
      expect(http.attempts).toBe(2);
    });

    it('asks for 5 seconds when the upstream sent no Retry-After', async () => {
      // Without Retry-After the first wait is about 1 s, past this deadline: one attempt.
      const http = new ScriptedHttp([response(503), response(200)]);

      const error = await failureOf(
        retryingRequest(CALL, options(http, { now: () => 0, deadlineMs: 100 })),
      );

      expect(error).toMatchObject({ failure: 'rate_limited', retryAfterSeconds: 5 });
      expect(error.headers).toEqual({ 'Retry-After': '5' });
      expect(http.attempts).toBe(1);
    });

    it('ignores an unparseable Retry-After', async () => {
      const http = new ScriptedHttp([response(503, { 'retry-after': 'soon' }), response(200)]);

      const error = await failureOf(
        retryingRequest(CALL, options(http, { now: () => 0, deadlineMs: 100 })),
      );

      expect(error.retryAfterSeconds).toBe(5);
    });
  });

  describe('transport failures', () => {
    it('fails as timeout (504) at once, without retrying', async () => {
      const http = new ScriptedHttp([{ kind: 'timeout' }, response(200)]);

      const error = await failureOf(retryingRequest(CALL, options(http)));

      expect(error).toMatchObject({ failure: 'timeout' });
      expect(error.getStatus()).toBe(504);
      expect(http.attempts).toBe(1);
    });

    it('fails as unreachable (502) at once when the connection is refused', async () => {
      const http = new ScriptedHttp([{ kind: 'unreachable' }, response(200)]);

      const error = await failureOf(retryingRequest(CALL, options(http)));

      expect(error).toMatchObject({ failure: 'unreachable' });
      expect(error.getStatus()).toBe(502);
      expect(http.attempts).toBe(1);
    });

    it('fails as invalid_response (502) at once on a malformed answer', async () => {
      const http = new ScriptedHttp([{ kind: 'invalid' }, response(200)]);

      const error = await failureOf(retryingRequest(CALL, options(http)));

      expect(error).toMatchObject({ failure: 'invalid_response' });
      expect(error.getStatus()).toBe(502);
      expect(http.attempts).toBe(1);
    });

    it('ends as unreachable when a retry after a 503 hits a reset', async () => {
      const http = new ScriptedHttp([
        response(503, RETRY_NOW),
        response(503, RETRY_NOW),
        { kind: 'reset' },
      ]);

      const error = await failureOf(retryingRequest(CALL, options(http)));

      expect(error).toMatchObject({ failure: 'unreachable' });
      expect(http.attempts).toBe(3);
    });
  });

  describe('backoff without Retry-After', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it('retries a reset connection after about 1 s, then 2 s, and ends as unreachable', async () => {
      const http = new ScriptedHttp([{ kind: 'reset' }, { kind: 'reset' }, { kind: 'reset' }]);
      const outcome = failureOf(retryingRequest(CALL, options(http)));

      await jest.advanceTimersByTimeAsync(0);
      expect(http.attempts).toBe(1);
      await jest.advanceTimersByTimeAsync(790); // 1 s − 20 %, minus a margin
      expect(http.attempts).toBe(1);
      await jest.advanceTimersByTimeAsync(420); // 1 s + 20 %, plus a margin
      expect(http.attempts).toBe(2);
      const second = http.sent[1].at;
      await jest.advanceTimersByTimeAsync(1590 - (Date.now() - second)); // 2 s − 20 %
      expect(http.attempts).toBe(2);
      await jest.advanceTimersByTimeAsync(820); // 2 s + 20 %
      expect(http.attempts).toBe(3);

      const error = await outcome;
      expect(error).toMatchObject({ failure: 'unreachable' });
      expect(error.getStatus()).toBe(502);
    });

    it('retries a 503 without Retry-After after about a second', async () => {
      const http = new ScriptedHttp([response(503), response(200)]);
      const reply = retryingRequest(CALL, options(http));

      await jest.advanceTimersByTimeAsync(790);
      expect(http.attempts).toBe(1);
      await jest.advanceTimersByTimeAsync(420);
      expect(http.attempts).toBe(2);

      await expect(reply).resolves.toMatchObject({ status: 200 });
    });
  });

  describe('waiting for a start slot', () => {
    it('waits for a slot before every attempt, with the caller’s deadline', async () => {
      const http = new ScriptedHttp([response(503, RETRY_NOW), response(200)]);
      const slots: [number, number][] = [];
      const waitForSlot = (attempt: number, deadline: number) => {
        slots.push([attempt, deadline]);
        return Promise.resolve();
      };

      await retryingRequest(CALL, options(http, { waitForSlot, deadlineMs: 9000 }));

      expect(slots).toEqual([
        [1, 9000],
        [2, 9000],
      ]);
    });

    it('tells the transport how long the attempt waited for its slot', async () => {
      const http = new ScriptedHttp([response(200)]);
      let clock = 1000;
      const waitForSlot = () => {
        clock += 700;
        return Promise.resolve();
      };

      await retryingRequest(CALL, options(http, { now: () => clock, waitForSlot }));

      expect(http.sent[0].log).toEqual(expect.objectContaining({ queueWaitMs: 700 }));
    });

    it('does not send before the slot is granted', async () => {
      const http = new ScriptedHttp([response(200)]);
      let grant: () => void = () => undefined;
      const waitForSlot = () => new Promise<void>((resolve) => (grant = resolve));

      const reply = retryingRequest(CALL, options(http, { waitForSlot }));
      await new Promise((resolve) => setImmediate(resolve));
      expect(http.attempts).toBe(0);
      grant();

      await expect(reply).resolves.toMatchObject({ status: 200 });
      expect(http.attempts).toBe(1);
    });

    it('lets a busy refusal of the first attempt through as 429 busy', async () => {
      const http = new ScriptedHttp([response(200)]);
      const waitForSlot = () => Promise.reject(new UpstreamError('album', 'busy', 12));

      const error = await failureOf(retryingRequest(CALL, options(http, { waitForSlot })));

      expect(error).toMatchObject({ failure: 'busy', retryAfterSeconds: 12 });
      expect(error.getStatus()).toBe(429);
      expect(http.attempts).toBe(0);
    });

    it('turns a busy refusal of a retry into giving up with rate_limited', async () => {
      const http = new ScriptedHttp([response(503, { 'retry-after': '0' }), response(200)]);
      const waitForSlot = (attempt: number) =>
        attempt === 1 ? Promise.resolve() : Promise.reject(new UpstreamError('album', 'busy', 12));

      const error = await failureOf(retryingRequest(CALL, options(http, { waitForSlot })));

      expect(error).toMatchObject({ failure: 'rate_limited', retryAfterSeconds: 1 });
      expect(error.getStatus()).toBe(503);
      expect(http.attempts).toBe(1);
    });

    it('lets a non-upstream error from the slot wait through', async () => {
      const http = new ScriptedHttp([response(503, RETRY_NOW), response(200)]);
      const bug = new TypeError('bug');
      const waitForSlot = (attempt: number) =>
        attempt === 1 ? Promise.resolve() : Promise.reject(bug);

      await expect(retryingRequest(CALL, options(http, { waitForSlot }))).rejects.toBe(bug);
    });
  });
});
