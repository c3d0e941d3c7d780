import { HttpException } from '@nestjs/common';
import { ApiError } from '../../common/api-error.js';
import { UpstreamError, type CatalogName, type UpstreamFailure } from './upstream-error.js';

describe(UpstreamError.name, () => {
  it('is an ApiError, rendered by the global filter like any other', () => {
    const error = new UpstreamError('movie', 'not_found');

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(HttpException);
  });

  it('keeps the catalog, the failure and the Retry-After it was built with', () => {
    expect(new UpstreamError('album', 'busy', 7)).toMatchObject({
      catalog: 'album',
      failure: 'busy',
      retryAfterSeconds: 7,
    });
  });

  describe.each<[CatalogName, UpstreamFailure, number, string]>([
    ['movie', 'not_found', 404, 'Movie not found'],
    ['album', 'not_found', 404, 'Album not found'],
    ['movie', 'not_configured', 503, 'Movie search unavailable: TMDB_API_KEY is not configured'],
    ['movie', 'rejected', 503, 'Movie catalog unavailable: TMDB rejected the configured API key'],
    [
      'album',
      'rejected',
      503,
      'Album catalog unavailable: MusicBrainz refused our requests (check MUSICBRAINZ_USER_AGENT)',
    ],
    ['movie', 'timeout', 504, 'Movie catalog did not respond in time'],
    ['album', 'timeout', 504, 'Album catalog did not respond in time'],
    ['movie', 'unreachable', 502, 'Movie catalog could not be reached'],
    ['album', 'unreachable', 502, 'Album catalog could not be reached'],
    ['movie', 'invalid_response', 502, 'Movie catalog sent an invalid response'],
    ['album', 'invalid_response', 502, 'Album catalog sent an invalid response'],
  ])('%s %s', (catalog, failure, status, detail) => {
    const error = new UpstreamError(catalog, failure);

    it(`answers ${status}`, () => {
      expect(error.getStatus()).toBe(status);
    });

    it(`says "${detail}"`, () => {
      expect(error.getResponse()).toEqual({ detail });
      expect(error.detail).toBe(detail);
    });

    it('sends no Retry-After', () => {
      expect(error.headers).toEqual({});
    });
  });

  describe.each<[CatalogName, string]>([
    ['movie', 'Movie catalog temporarily unavailable; try again in 4 seconds'],
    ['album', 'Album catalog temporarily unavailable; try again in 4 seconds'],
  ])('%s rate_limited', (catalog, detail) => {
    const error = new UpstreamError(catalog, 'rate_limited', 4);

    it('answers 503 with the wait in the detail and in Retry-After', () => {
      expect(error.getStatus()).toBe(503);
      expect(error.getResponse()).toEqual({ detail });
      expect(error.headers).toEqual({ 'Retry-After': '4' });
    });
  });

  describe('album busy', () => {
    const error = new UpstreamError('album', 'busy', 11);

    it('answers 429 with the wait in the detail and in Retry-After', () => {
      expect(error.getStatus()).toBe(429);
      expect(error.getResponse()).toEqual({
        detail: 'Album catalog is busy; try again in 11 seconds',
      });
      expect(error.headers).toEqual({ 'Retry-After': '11' });
    });
  });

  describe('album bad_query', () => {
    const error = new UpstreamError('album', 'bad_query');

    it('answers 422 naming the query parameter', () => {
      expect(error.getStatus()).toBe(422);
      expect(error.getResponse()).toEqual({
        detail: 'MusicBrainz could not parse the search query',
        errors: [expect.objectContaining({ field: 'query' })],
      });
      expect(error.headers).toEqual({});
    });
  });

  it('never answers 401 or 403, whatever the failure', () => {
    const failures: UpstreamFailure[] = [
      'not_found',
      'not_configured',
      'rejected',
      'rate_limited',
      'busy',
      'timeout',
      'unreachable',
      'invalid_response',
      'bad_query',
    ];
    for (const catalog of ['movie', 'album'] as const) {
      for (const failure of failures) {
        expect([401, 403]).not.toContain(new UpstreamError(catalog, failure, 1).getStatus());
      }
    }
  });
});
