import type { ConfigService } from '@nestjs/config';
import type { Configuration } from '../../config/configuration.js';
import type { UpstreamCall, UpstreamHttp, UpstreamOutcome } from '../upstream/upstream-http.js';
import { CoverArtClient, MAX_CONCURRENT_CHECKS } from './cover-art.client.js';

/** Lets every already-settled promise continuation run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** An upstream that holds every HEAD open until the test lets them all go. */
class HeldHttp {
  readonly started: string[] = [];
  running = 0;
  peak = 0;
  private readonly waiting: (() => void)[] = [];

  async send(call: UpstreamCall): Promise<UpstreamOutcome> {
    this.started.push(call.url);
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running--;
    return { kind: 'response', status: 404, headers: {}, body: '' };
  }

  releaseAll(): void {
    for (const release of this.waiting.splice(0)) release();
  }
}

function clientWith(http: HeldHttp): CoverArtClient {
  const config = {
    get: () => ({
      coverArtBaseUrl: 'http://caa.test',
      musicbrainzUserAgent: 'test/1 ( test@test.test )',
      timeoutMs: 1000,
    }),
  };
  return new CoverArtClient(
    config as unknown as ConfigService<Configuration, true>,
    http as unknown as UpstreamHttp,
  );
}

describe(CoverArtClient.name, () => {
  it('keeps at most 16 checks in flight (upstream.md §4.2); the rest wait their turn', async () => {
    const http = new HeldHttp();
    const client = clientWith(http);

    const checks = Array.from({ length: 40 }, (_, i) => client.check('release', `mbid-${i}`));
    await flush();
    expect(MAX_CONCURRENT_CHECKS).toBe(16);
    expect(http.started).toHaveLength(16);

    while (http.started.length < 40 || http.running > 0) {
      http.releaseAll();
      await flush();
    }
    await expect(Promise.all(checks)).resolves.toEqual(Array(40).fill('absent'));
    expect(http.peak).toBe(16);
    expect(http.started[0]).toBe('http://caa.test/release/mbid-0/front');
  });
});
