import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import type { Configuration, UpstreamConfig } from '../../config/configuration.js';
import { Metrics } from '../../metrics/metrics.js';
import type { AlbumData, AlbumSearchResult, ReleaseGroupData } from '../catalog.types.js';
import { isObject, parseJson, type JsonObject } from '../upstream/json-reader.js';
import { QueueBudget } from '../upstream/queue-budget.js';
import { RateLimiter } from '../upstream/rate-limiter.js';
import { SharedRateLimiter } from '../upstream/shared-rate-limiter.js';
import { retryingRequest } from '../upstream/retrying-request.js';
import { UpstreamError } from '../upstream/upstream-error.js';
import { baseHeaders, withQuery } from '../upstream/upstream-headers.js';
import { UpstreamHttp } from '../upstream/upstream-http.js';
import { mapRelease, mapReleaseGroupPage, mapSearchReply } from './musicbrainz.mapper.js';

/** An artist's release groups are browsed 100 at a time, at most 5 pages (upstream.md §3.8). */
export const BROWSE_PAGE_SIZE = 100;
export const MAX_BROWSE_PAGES = 5;

/**
 * The one MusicBrainz ws/2 client (upstream.md §3). Every request, retries included, takes a start
 * slot from one process-wide queue MUSICBRAINZ_MIN_INTERVAL apart; a caller whose slot would be more
 * than MUSICBRAINZ_MAX_WAIT away is refused at once (429). Cached answers never reach this class.
 */
@Injectable()
export class MusicBrainzClient {
  private readonly settings: UpstreamConfig;
  private readonly queue: RateLimiter | SharedRateLimiter;

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly http: UpstreamHttp,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    dataSource: DataSource,
  ) {
    this.settings = config.get('upstream', { infer: true });
    const interval = this.settings.musicbrainzMinIntervalMs;
    // One queue per process on SQLite; one for every instance on PostgreSQL (issue #14).
    this.queue =
      dataSource.options.type === 'postgres'
        ? new SharedRateLimiter(dataSource, 'album', 'musicbrainz', interval)
        : new RateLimiter('album', interval);
  }

  async searchReleases(
    query: string,
    limit: number,
    offset: number,
  ): Promise<{ count: number; results: AlbumSearchResult[] }> {
    const reply = await this.getJson('/release', { query, limit, offset, fmt: 'json' }, 'search');
    const mapped = mapSearchReply(reply);
    if (mapped === null) throw new UpstreamError('album', 'invalid_response');
    return mapped;
  }

  /** `mbid` is a lowercased UUID. The reply's id may differ (a merged release). */
  async lookupRelease(mbid: string): Promise<AlbumData> {
    const reply = await this.getJson(
      `/release/${mbid}`,
      { inc: 'artist-credits+release-groups', fmt: 'json' },
      'lookup',
    );
    const mapped = mapRelease(reply);
    if (mapped === null) throw new UpstreamError('album', 'invalid_response');
    return mapped;
  }

  /** MUSICBRAINZ_MAX_WAIT of queue waiting, from now, for the several calls of one request. */
  queueBudget(): QueueBudget {
    return new QueueBudget(this.settings.musicbrainzMaxWaitMs);
  }

  /**
   * Every release group of an artist (`artistMbid` a lowercased UUID), paged by offset until all
   * are read, at most MAX_BROWSE_PAGES; each page is one queued request. An unknown artist has
   * none. With a `budget`, a page whose slot lies past it is refused (429 `busy`), like any caller
   * the queue would keep waiting past MUSICBRAINZ_MAX_WAIT.
   */
  async browseReleaseGroups(artistMbid: string, budget?: QueueBudget): Promise<ReleaseGroupData[]> {
    const groups = new Map<string, ReleaseGroupData>();
    try {
      for (let page = 0; page < MAX_BROWSE_PAGES; page++) {
        const offset = page * BROWSE_PAGE_SIZE;
        const reply = await this.getJson(
          '/release-group',
          {
            artist: artistMbid,
            type: 'album',
            limit: BROWSE_PAGE_SIZE,
            offset,
            inc: 'artist-credits',
            fmt: 'json',
          },
          'browse',
          budget,
        );
        const mapped = mapReleaseGroupPage(reply);
        if (mapped === null) throw new UpstreamError('album', 'invalid_response');
        for (const group of mapped.releaseGroups) {
          if (!groups.has(group.releaseGroupId)) groups.set(group.releaseGroupId, group);
        }
        if (offset + BROWSE_PAGE_SIZE >= mapped.count) break;
      }
    } catch (error) {
      if (error instanceof UpstreamError && error.failure === 'not_found') return [];
      throw error;
    }
    return [...groups.values()];
  }

  /**
   * A start slot from the queue, timed for the metrics; a refusal (429) is counted, unless it is a
   * request's budget running out (its seeds are left pending: no client sees a 429).
   */
  private async waitForSlot(maxWaitMs: number, budgeted: boolean): Promise<void> {
    const queued = performance.now();
    try {
      await this.queue.acquire(maxWaitMs);
    } catch (error) {
      if (!budgeted && error instanceof UpstreamError && error.failure === 'busy') {
        this.metrics.musicbrainzQueueRefused();
      }
      throw error;
    }
    this.metrics.musicbrainzQueueWait((performance.now() - queued) / 1000);
  }

  private async getJson(
    path: string,
    params: Record<string, string | number>,
    purpose: 'search' | 'lookup' | 'browse',
    budget?: QueueBudget,
  ): Promise<JsonObject> {
    const url = withQuery(`${this.settings.musicbrainzBaseUrl}${path}`, params);
    const now = () => this.clock.now().getTime();
    const reply = await retryingRequest(
      {
        method: 'GET',
        url,
        headers: baseHeaders(this.settings.musicbrainzUserAgent),
        timeoutMs: this.settings.timeoutMs,
      },
      {
        catalog: 'album',
        http: this.http,
        now,
        deadlineMs: now() + this.settings.musicbrainzMaxWaitMs,
        waitForSlot: (_attempt, deadlineMs) =>
          this.waitForSlot(
            Math.min(deadlineMs - now(), budget?.remainingMs() ?? Infinity),
            budget !== undefined,
          ),
        logLabel: url,
      },
    );
    if (reply.status === 401 || reply.status === 403) throw new UpstreamError('album', 'rejected');
    if (reply.status === 404) throw new UpstreamError('album', 'not_found');
    if (reply.status === 400 && purpose === 'search') throw new UpstreamError('album', 'bad_query');
    if (reply.status < 200 || reply.status > 299)
      throw new UpstreamError('album', 'invalid_response');
    const json = parseJson(reply.body);
    if (!isObject(json)) throw new UpstreamError('album', 'invalid_response');
    return json;
  }
}
