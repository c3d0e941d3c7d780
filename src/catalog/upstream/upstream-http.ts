import http from 'node:http';
import https from 'node:https';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import axios, { type AxiosInstance } from 'axios';
import type { Configuration } from '../../config/configuration.js';
import { Metrics, type UpstreamName } from '../../metrics/metrics.js';

export const MAX_UPSTREAM_BODY_BYTES = 5 * 1024 * 1024;

export interface UpstreamCall {
  method: 'GET' | 'HEAD';
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** What the per-attempt debug line says besides the outcome (upstream.md §1 "Logging"). */
export interface AttemptLog {
  /** The URL with any api_key redacted. */
  label: string;
  attempt?: number;
  queueWaitMs?: number;
}

export type UpstreamOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string | undefined>; body: string }
  | { kind: 'timeout' | 'reset' | 'unreachable' | 'invalid' };

/**
 * The one HTTP transport to every upstream: keep-alive agents, no redirects followed, a hard
 * per-attempt deadline from connect to last byte, a bounded body, and transport failures sorted
 * into the kinds upstream.md §1 distinguishes. It never throws.
 */
@Injectable()
export class UpstreamHttp {
  private readonly logger = new Logger('Upstream');
  /** Base URL → upstream, for the metrics' labels. */
  private readonly upstreams: [prefix: string, name: UpstreamName][];
  private readonly client: AxiosInstance = axios.create({
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    maxContentLength: MAX_UPSTREAM_BODY_BYTES,
    proxy: false,
  });

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly metrics: Metrics,
  ) {
    const upstream = config.get('upstream', { infer: true });
    this.upstreams = [
      [upstream.tmdbBaseUrl, 'tmdb'],
      [upstream.musicbrainzBaseUrl, 'musicbrainz'],
      [upstream.coverArtBaseUrl, 'coverart'],
    ];
  }

  async send(call: UpstreamCall, log: AttemptLog): Promise<UpstreamOutcome> {
    const started = performance.now();
    const outcome = await this.attempt(call);
    const status = outcome.kind === 'response' ? String(outcome.status) : outcome.kind;
    const upstream = this.upstreams.find(([prefix]) => call.url.startsWith(prefix))?.[1];
    if (upstream)
      this.metrics.upstreamAttempt(upstream, status, (performance.now() - started) / 1000);
    this.logger.debug(
      `${call.method} ${log.label} ${status} ${(performance.now() - started).toFixed(1)}ms` +
        ` attempt=${log.attempt ?? 1} queue_wait=${(log.queueWaitMs ?? 0).toFixed(0)}ms`,
    );
    return outcome;
  }

  private async attempt(call: UpstreamCall): Promise<UpstreamOutcome> {
    try {
      const response = await this.client.request<string>({
        method: call.method,
        url: call.url,
        headers: call.headers,
        signal: AbortSignal.timeout(call.timeoutMs),
      });
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      return {
        kind: 'response',
        status: response.status,
        headers,
        body: typeof response.data === 'string' ? response.data : '',
      };
    } catch (error) {
      return { kind: classify(error) };
    }
  }
}

function classify(error: unknown): 'timeout' | 'reset' | 'unreachable' | 'invalid' {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_CANCELED' || code === 'ECONNABORTED' || code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') return 'invalid';
  return 'unreachable';
}
