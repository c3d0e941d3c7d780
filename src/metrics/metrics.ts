import { Global, Injectable, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Configuration } from '../config/configuration.js';

/** What a cache lookup found; every cache of `src/cache/` reports under its own name. */
export type CacheName =
  | 'responses'
  | 'signed_in_users'
  | 'verified_tokens'
  | 'validation_outcomes'
  | 'upstream_answers'
  | 'stored_catalog';

export type UpstreamName = 'tmdb' | 'musicbrainz' | 'coverart';

/** The part of Metrics a cache uses (unit specs hand in a stub). */
export interface CacheLookups {
  cacheLookup(cache: CacheName, hit: boolean): void;
}

/** For caches built outside an app (unit specs, benchmarks): counts nothing. */
export const UNCOUNTED: CacheLookups = { cacheLookup: () => undefined };

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUEUE_BUCKETS = [0, 0.1, 0.5, 1, 2, 5, 10, 30, 60];

/**
 * The service's Prometheus instruments (issue #13), on a registry of this app's own rather than
 * prom-client's global one, so two apps in one process (the e2e suite) never share counters. Labels
 * are bounded sets only: route templates (never raw paths or ids), methods, status codes, upstream
 * names and outcomes, cache names.
 */
@Injectable()
export class Metrics implements CacheLookups {
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  private readonly requestSeconds = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route template and method',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly upstreamCalls = new Counter({
    name: 'upstream_requests_total',
    help: 'Attempts at upstream calls by upstream and outcome (an HTTP status, or timeout, reset, unreachable, invalid)',
    labelNames: ['upstream', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly upstreamSeconds = new Histogram({
    name: 'upstream_request_duration_seconds',
    help: 'Upstream attempt latency by upstream',
    labelNames: ['upstream'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly musicbrainzQueueSeconds = new Histogram({
    name: 'musicbrainz_queue_wait_seconds',
    help: 'Time a MusicBrainz request waited for its start slot in our queue',
    buckets: QUEUE_BUCKETS,
    registers: [this.registry],
  });

  private readonly musicbrainzQueueRefusals = new Counter({
    name: 'musicbrainz_queue_refusals_total',
    help: 'Requests our MusicBrainz queue refused with 429 (the slot was past MUSICBRAINZ_MAX_WAIT)',
    registers: [this.registry],
  });

  private readonly cacheLookups = new Counter({
    name: 'cache_lookups_total',
    help: 'Cache lookups by cache and result (hit or miss)',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });

  constructor(config: ConfigService<Configuration, true>) {
    new Gauge({
      name: 'database_info',
      help: 'The database this instance uses (always 1)',
      labelNames: ['kind'] as const,
      registers: [this.registry],
    }).set({ kind: config.get('database', { infer: true }).kind }, 1);
    collectDefaultMetrics({ register: this.registry });
  }

  request(route: string, method: string, status: string, seconds: number): void {
    this.requests.inc({ route, method, status });
    this.requestSeconds.observe({ route, method }, seconds);
  }

  upstreamAttempt(upstream: UpstreamName, outcome: string, seconds: number): void {
    this.upstreamCalls.inc({ upstream, outcome });
    this.upstreamSeconds.observe({ upstream }, seconds);
  }

  musicbrainzQueueWait(seconds: number): void {
    this.musicbrainzQueueSeconds.observe(seconds);
  }

  musicbrainzQueueRefused(): void {
    this.musicbrainzQueueRefusals.inc();
  }

  cacheLookup(cache: CacheName, hit: boolean): void {
    this.cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' });
  }
}

@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
