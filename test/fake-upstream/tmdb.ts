// Fake TMDB v3 under /tmdb/3 (upstream.md §2 and §7 "TMDB").
import {
  TMDB_FAULTS,
  TMDB_MOVIES,
  TMDB_RECOMMENDATIONS,
  TMDB_SEARCH_ROWS,
  toRecommendationEntry,
  type TmdbMovieFixture,
} from './fixtures/tmdb.js';
import {
  faultReply,
  foldText,
  jsonReply,
  retryAfterHeader,
  textReply,
  type FakeReply,
  type FaultBodies,
  type IncomingCall,
  type Upstream,
  type UpstreamContext,
} from './reply.js';

const PAGE_SIZE = 20;

type MovieRoute = 'details' | 'credits' | 'recommendations';

/** The first (only) page of a movie's recommendations; TMDB says 0 pages when there are none. */
function recommendationsPage(id: number) {
  const results = (TMDB_RECOMMENDATIONS.get(id) ?? []).map((recommended) =>
    toRecommendationEntry(TMDB_MOVIES.get(recommended)!.details),
  );
  return {
    page: 1,
    results,
    total_pages: results.length > 0 ? 1 : 0,
    total_results: results.length,
  };
}

/** TMDB's error body: `{"success": false, "status_code": N, "status_message": "…"}`. */
function tmdbError(
  status: number,
  statusCode: number,
  message: string,
  headers: Record<string, string> = {},
): FakeReply {
  return jsonReply(
    status,
    { success: false, status_code: statusCode, status_message: message },
    headers,
  );
}

const invalidKey = () => tmdbError(401, 7, 'Invalid API key: You must be granted a valid key.');
const notFound = () => tmdbError(404, 34, 'The resource you requested could not be found.');

const FAULT_BODIES: FaultBodies = {
  status500: () => tmdbError(500, 11, 'Internal error: Something went wrong, contact TMDB.'),
  status503: (retryAfter) =>
    tmdbError(
      503,
      9,
      'Service offline: This service is temporarily offline, try again later.',
      retryAfterHeader(retryAfter),
    ),
  status429: (retryAfter) =>
    tmdbError(
      429,
      25,
      'Your request count (#) is over the allowed limit of (40).',
      retryAfterHeader(retryAfter),
    ),
  // What a misbehaving proxy in front of TMDB might send: a 200 that is not JSON.
  xml: () =>
    textReply(
      200,
      '<?xml version="1.0" encoding="UTF-8"?><error><message>Upstream proxy error</message></error>',
      'application/xml; charset=utf-8',
    ),
};

/**
 * The details reply, with `append_to_response=credits` (a comma-separated list, as TMDB takes it)
 * adding a `credits` member shaped like the credits reply, without its `id`, as TMDB sends it.
 */
function details(entry: TmdbMovieFixture, call: IncomingCall): object {
  const appended = (call.query.append_to_response ?? '').split(',');
  if (!appended.includes('credits')) return entry.details;
  const { cast, crew } = entry.credits;
  return { ...entry.details, credits: { cast, crew } };
}

export class TmdbFake implements Upstream {
  readonly name = 'tmdb' as const;
  readonly prefix = '/tmdb/3';

  reset(): void {
    // Stateless: "once" counters live in the server.
  }

  handle(call: IncomingCall, ctx: UpstreamContext): FakeReply {
    // TMDB checks the key before anything else, even on unknown paths.
    if (!this.isAuthorized(call, ctx.settings.tmdbApiKey)) return invalidKey();
    // Everything we fake is read-only.
    if (call.method !== 'GET' && call.method !== 'HEAD') return notFound();
    if (call.path === '/search/movie') return this.search(call, ctx);
    const match = /^\/movie\/([^/]+)(?:\/(credits|recommendations))?$/.exec(call.path);
    if (match) {
      return this.movie(match[1], (match[2] as MovieRoute | undefined) ?? 'details', ctx, call);
    }
    return notFound();
  }

  /** `Authorization: Bearer <key>` or `api_key=<key>`; either one matching is enough. */
  private isAuthorized(call: IncomingCall, key: string): boolean {
    const bearer = /^Bearer\s+(.+)$/i.exec(call.headers.authorization ?? '')?.[1]?.trim();
    return bearer === key || call.query.api_key === key;
  }

  private movie(
    rawId: string,
    route: MovieRoute,
    ctx: UpstreamContext,
    call: IncomingCall,
  ): FakeReply {
    // Real TMDB ids are positive integers; anything else is simply "not found".
    if (!/^\d+$/.test(rawId)) return notFound();
    const id = Number(rawId);
    const entry: TmdbMovieFixture | undefined = TMDB_MOVIES.get(id);
    if (!entry) return notFound();
    const body = {
      details: () => details(entry, call),
      credits: () => entry.credits,
      recommendations: () => recommendationsPage(id),
    }[route];
    const ok = () => jsonReply(200, body());
    const fault = ctx.faultFor(id, route, TMDB_FAULTS);
    return fault ? faultReply(fault, ok, FAULT_BODIES, ctx.settings) : ok();
  }

  private search(call: IncomingCall, ctx: UpstreamContext): FakeReply {
    const pageParam = call.query.page ?? '1';
    const page = /^\d+$/.test(pageParam) ? Number(pageParam) : NaN;
    if (!(page >= 1 && page <= 500)) {
      return tmdbError(
        400,
        22,
        'Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.',
      );
    }
    const query = (call.query.query ?? '').trim();
    const ok = () => jsonReply(200, this.searchPage(query, page, call.query.year));
    const fault = query ? ctx.faultFor(query, 'search', TMDB_FAULTS) : null;
    return fault ? faultReply(fault, ok, FAULT_BODIES, ctx.settings) : ok();
  }

  private searchPage(query: string, page: number, year: string | undefined) {
    const needle = foldText(query);
    const byYear = year && /^\d{4}$/.test(year) ? year : undefined;
    const rows = needle
      ? TMDB_SEARCH_ROWS.filter(
          (row) =>
            (foldText(row.title ?? '').includes(needle) ||
              foldText(row.original_title).includes(needle)) &&
            (!byYear || row.release_date.startsWith(byYear)),
        )
      : [];
    return {
      page,
      results: rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
      // TMDB says 1 page even when there is nothing at all.
      total_pages: Math.max(1, Math.ceil(rows.length / PAGE_SIZE)),
      total_results: rows.length,
    };
  }
}
