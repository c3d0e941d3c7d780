import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock } from '../../common/clock.js';
import type { Configuration, UpstreamConfig } from '../../config/configuration.js';
import type {
  MovieCreditsData,
  MovieData,
  MovieRecommendation,
  MovieSearchPage,
} from '../catalog.types.js';
import { isObject, parseJson, type JsonObject } from '../upstream/json-reader.js';
import { RateLimiter } from '../upstream/rate-limiter.js';
import { retryingRequest } from '../upstream/retrying-request.js';
import { UpstreamError } from '../upstream/upstream-error.js';
import { baseHeaders, redactApiKey, withQuery } from '../upstream/upstream-headers.js';
import { UpstreamHttp } from '../upstream/upstream-http.js';
import {
  mapCredits,
  mapMovieDetails,
  mapMovieWithCredits,
  mapRecommendations,
  mapSearchReply,
} from './tmdb.mapper.js';

/** TMDB's soft ceiling is 40-50 requests/s per IP; we stay at 20/s for the whole process. */
const REQUESTS_PER_SECOND = 20;
/** A v4 read-access token is JWT-shaped; anything else is a v3 key. */
const READ_ACCESS_TOKEN = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The one TMDB v3 client (upstream.md §2). Replies are validated and mapped here, once. */
@Injectable()
export class TmdbClient {
  private readonly settings: UpstreamConfig;
  private readonly limiter = new RateLimiter(
    'movie',
    1000 / REQUESTS_PER_SECOND,
    REQUESTS_PER_SECOND,
  );

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly http: UpstreamHttp,
    private readonly clock: Clock,
  ) {
    this.settings = config.get('upstream', { infer: true });
  }

  get isConfigured(): boolean {
    return this.settings.tmdbApiKey !== null;
  }

  async searchMovies(query: string, page: number, year: number | null): Promise<MovieSearchPage> {
    const reply = await this.getJson(
      '/search/movie',
      { query, page, include_adult: 'false', language: 'en-US', year },
      // A search never legitimately 404s (upstream.md §2.7).
      'invalid_response',
    );
    return this.valid(mapSearchReply(reply));
  }

  async movieDetails(tmdbId: number): Promise<MovieData> {
    return this.valid(
      mapMovieDetails(await this.getJson(`/movie/${tmdbId}`, { language: 'en-US' })),
    );
  }

  /** Details and credits in one call (upstream.md §2.2); `credits` null when the reply lacks them. */
  async movieWithCredits(
    tmdbId: number,
  ): Promise<{ movie: MovieData; credits: MovieCreditsData | null }> {
    return this.valid(
      mapMovieWithCredits(
        await this.getJson(`/movie/${tmdbId}`, {
          language: 'en-US',
          append_to_response: 'credits',
        }),
      ),
    );
  }

  async movieCredits(tmdbId: number): Promise<MovieCreditsData> {
    return mapCredits(await this.getJson(`/movie/${tmdbId}/credits`, { language: 'en-US' }));
  }

  /** The first page of TMDB's recommendations for a movie; an unknown movie has none (§2.8). */
  async movieRecommendations(tmdbId: number): Promise<MovieRecommendation[]> {
    try {
      const reply = await this.getJson(`/movie/${tmdbId}/recommendations`, {
        language: 'en-US',
        page: 1,
      });
      return this.valid(mapRecommendations(reply));
    } catch (error) {
      if (error instanceof UpstreamError && error.failure === 'not_found') return [];
      throw error;
    }
  }

  private async getJson(
    path: string,
    params: Record<string, string | number | null>,
    onNotFound: 'not_found' | 'invalid_response' = 'not_found',
  ): Promise<JsonObject> {
    const key = this.settings.tmdbApiKey;
    if (key === null) throw new UpstreamError('movie', 'not_configured');
    const bearer = READ_ACCESS_TOKEN.test(key);
    const url = withQuery(
      `${this.settings.tmdbBaseUrl}${path}`,
      bearer ? params : { ...params, api_key: key },
    );
    const headers = baseHeaders(this.settings.musicbrainzUserAgent);
    if (bearer) headers.Authorization = `Bearer ${key}`;

    const now = () => this.clock.now().getTime();
    const reply = await retryingRequest(
      { method: 'GET', url, headers, timeoutMs: this.settings.timeoutMs },
      {
        catalog: 'movie',
        http: this.http,
        now,
        waitForSlot: () => this.limiter.acquire(),
        logLabel: redactApiKey(url),
      },
    );
    if (reply.status === 401 || reply.status === 403) throw new UpstreamError('movie', 'rejected');
    if (reply.status === 404) throw new UpstreamError('movie', onNotFound);
    if (reply.status < 200 || reply.status > 299)
      throw new UpstreamError('movie', 'invalid_response');
    const json = parseJson(reply.body);
    if (!isObject(json)) throw new UpstreamError('movie', 'invalid_response');
    return json;
  }

  private valid<T>(mapped: T | null): T {
    if (mapped === null) throw new UpstreamError('movie', 'invalid_response');
    return mapped;
  }
}
