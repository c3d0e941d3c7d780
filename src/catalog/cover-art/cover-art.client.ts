import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import pLimit from 'p-limit';
import type { Configuration, UpstreamConfig } from '../../config/configuration.js';
import { baseHeaders } from '../upstream/upstream-headers.js';
import { UpstreamHttp } from '../upstream/upstream-http.js';

export type CoverArtKind = 'release' | 'release-group';
export type CoverArtAnswer = 'exists' | 'absent' | 'inconclusive';

/** At most this many existence checks in flight across the process (upstream.md §4.2). */
export const MAX_CONCURRENT_CHECKS = 16;
const MAX_CHECK_TIMEOUT_MS = 5000;
/** The real service answers 307 to an archive.org image; any redirect means the art exists. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Cover Art Archive existence checks: one HEAD, no redirects followed (a 3xx is the answer), no
 * retries. A failure here is never an error for our client.
 */
@Injectable()
export class CoverArtClient {
  private readonly settings: UpstreamConfig;
  private readonly inFlight = pLimit(MAX_CONCURRENT_CHECKS);

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly http: UpstreamHttp,
  ) {
    this.settings = config.get('upstream', { infer: true });
  }

  frontUrl(kind: CoverArtKind, mbid: string): string {
    return `${this.settings.coverArtBaseUrl}/${kind}/${mbid}/front`;
  }

  async check(kind: CoverArtKind, mbid: string): Promise<CoverArtAnswer> {
    const url = this.frontUrl(kind, mbid);
    const outcome = await this.inFlight(() =>
      this.http.send(
        {
          method: 'HEAD',
          url,
          headers: baseHeaders(this.settings.musicbrainzUserAgent),
          timeoutMs: Math.min(this.settings.timeoutMs, MAX_CHECK_TIMEOUT_MS),
        },
        { label: url },
      ),
    );
    if (outcome.kind !== 'response') return 'inconclusive';
    const { status } = outcome;
    if (status === 200 || REDIRECTS.has(status)) return 'exists';
    if (status === 404 || status === 400) return 'absent';
    return 'inconclusive';
  }
}
