import { ApiError } from '../../common/api-error.js';

export type CatalogName = 'movie' | 'album';

export type UpstreamFailure =
  | 'not_found'
  | 'not_configured'
  | 'rejected'
  | 'rate_limited'
  | 'busy'
  | 'timeout'
  | 'unreachable'
  | 'invalid_response'
  | 'bad_query';

const TITLES: Record<CatalogName, string> = { movie: 'Movie', album: 'Album' };
const REJECTED: Record<CatalogName, string> = {
  movie: 'Movie catalog unavailable: TMDB rejected the configured API key',
  album:
    'Album catalog unavailable: MusicBrainz refused our requests (check MUSICBRAINZ_USER_AGENT)',
};
export const BAD_QUERY = 'MusicBrainz could not parse the search query';

/**
 * An upstream problem as our client sees it (contract §7, upstream.md §6). It is an ApiError, so the
 * global filter renders it like any other; an upstream 401/403 never surfaces as 401/403.
 */
export class UpstreamError extends ApiError {
  constructor(
    readonly catalog: CatalogName,
    readonly failure: UpstreamFailure,
    readonly retryAfterSeconds?: number,
  ) {
    const [status, detail] = describe(catalog, failure, retryAfterSeconds);
    super(status, detail, {
      headers: retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
      extra:
        failure === 'bad_query'
          ? { errors: [{ field: 'query', location: 'query', message: detail }] }
          : undefined,
    });
  }
}

function describe(
  catalog: CatalogName,
  failure: UpstreamFailure,
  retryAfter?: number,
): [number, string] {
  const title = TITLES[catalog];
  switch (failure) {
    case 'not_found':
      return [404, `${title} not found`];
    case 'not_configured':
      return [503, 'Movie search unavailable: TMDB_API_KEY is not configured'];
    case 'rejected':
      return [503, REJECTED[catalog]];
    case 'rate_limited':
      return [503, `${title} catalog temporarily unavailable; try again in ${retryAfter} seconds`];
    case 'busy':
      return [429, `${title} catalog is busy; try again in ${retryAfter} seconds`];
    case 'timeout':
      return [504, `${title} catalog did not respond in time`];
    case 'unreachable':
      return [502, `${title} catalog could not be reached`];
    case 'invalid_response':
      return [502, `${title} catalog sent an invalid response`];
    case 'bad_query':
      return [422, BAD_QUERY];
  }
}

/** For the cache layer: a stored copy outlives only an upstream failure, never a bug of ours. */
export function upstreamFailureOf(error: unknown): string | null {
  return error instanceof UpstreamError ? error.failure : null;
}
