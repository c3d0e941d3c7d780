import type {
  CastCredit,
  CrewCredit,
  MovieCreditsData,
  MovieData,
  MovieRecommendation,
  MovieSearchPage,
  MovieSearchResult,
} from '../catalog.types.js';
import {
  arrayOf,
  integerOr,
  isInteger,
  isObject,
  numberOr,
  optionalString,
  type JsonObject,
} from '../upstream/json-reader.js';
import type {
  TmdbCastEntry,
  TmdbCreditsReply,
  TmdbCrewEntry,
  TmdbMovieDetails,
  TmdbMovieDetailsWithCredits,
  TmdbRecommendationsReply,
  TmdbSearchMovie,
  TmdbSearchReply,
} from './tmdb.types.js';

/** TMDB refuses pages above 500, so we never advertise more. */
export const TMDB_MAX_PAGE = 500;

/** Crew jobs we keep, by TMDB's exact names (contract §8.3). */
export const KEY_CREW_JOBS = new Set([
  'Director',
  'Screenplay',
  'Writer',
  'Story',
  'Novel',
  'Producer',
  'Original Music Composer',
  'Composer',
  'Director of Photography',
  'Cinematography',
]);

/** Column bounds: an upstream value that does not fit is treated as unknown. */
const MAX_STATUS = 64;
const MAX_IMDB_ID = 32;
const MAX_DEPARTMENT = 64;

/** Returns null when the reply lacks a required field (the caller answers 502). */
export function mapSearchReply(reply: JsonObject): MovieSearchPage | null {
  const { page, total_pages, total_results, results } = reply as TmdbSearchReply;
  if (!isInteger(page) || !isInteger(total_pages) || !isInteger(total_results)) return null;
  if (!Array.isArray(results)) return null;
  return {
    page,
    totalPages: Math.min(total_pages, TMDB_MAX_PAGE),
    totalResults: total_results,
    results: searchEntries(results),
  };
}

/**
 * A seed's recommendations (upstream.md §2.8): entries read like search entries, in TMDB's order.
 * Returns null when `results` is not an array (the caller answers 502).
 */
export function mapRecommendations(reply: JsonObject): MovieRecommendation[] | null {
  const { results } = reply as TmdbRecommendationsReply;
  if (!Array.isArray(results)) return null;
  return searchEntries(results).map(({ tmdbId, title, releaseDate, posterPath, voteAverage }) => ({
    tmdbId,
    title,
    releaseDate,
    posterPath,
    voteAverage,
  }));
}

/** Entries without an integer `id` or a string `title` are dropped; a repeated id keeps the first. */
function searchEntries(results: unknown[]): MovieSearchResult[] {
  const seen = new Set<number>();
  const mapped: MovieSearchResult[] = [];
  for (const entry of results) {
    const result = isObject(entry) ? mapSearchMovie(entry) : null;
    if (result === null || seen.has(result.tmdbId)) continue;
    seen.add(result.tmdbId);
    mapped.push(result);
  }
  return mapped;
}

function mapSearchMovie(entry: TmdbSearchMovie): MovieSearchResult | null {
  if (!isInteger(entry.id) || typeof entry.title !== 'string') return null;
  return {
    tmdbId: entry.id,
    title: entry.title,
    originalTitle: optionalString(entry.original_title),
    releaseDate: releaseDate(entry.release_date),
    posterPath: optionalString(entry.poster_path),
    overview: optionalString(entry.overview),
    voteAverage: numberOr(entry.vote_average, 0),
  };
}

export function mapMovieDetails(reply: JsonObject): MovieData | null {
  const movie = reply as TmdbMovieDetails;
  const base = mapSearchMovie(movie);
  if (base === null) return null;
  const runtime = movie.runtime;
  return {
    ...base,
    backdropPath: optionalString(movie.backdrop_path),
    runtime: isInteger(runtime) && runtime > 0 ? runtime : null,
    voteCount: integerOr(movie.vote_count, 0),
    tagline: optionalString(movie.tagline),
    status: optionalString(movie.status, MAX_STATUS),
    imdbId: optionalString(movie.imdb_id, MAX_IMDB_ID),
    genres: arrayOf(movie.genres).flatMap((genre) =>
      isObject(genre) && isInteger(genre.id) && typeof genre.name === 'string'
        ? [{ id: genre.id, name: genre.name }]
        : [],
    ),
  };
}

/**
 * Details and credits from one reply (upstream.md §2.2). Null when the details are invalid; `credits`
 * is null when the reply carries no `credits` object (they are then fetched on their own later).
 */
export function mapMovieWithCredits(
  reply: JsonObject,
): { movie: MovieData; credits: MovieCreditsData | null } | null {
  const movie = mapMovieDetails(reply);
  if (movie === null) return null;
  const { credits } = reply as TmdbMovieDetailsWithCredits;
  return { movie, credits: isObject(credits) ? mapCredits(credits) : null };
}

export function mapCredits(reply: JsonObject): MovieCreditsData {
  const { cast, crew } = reply as TmdbCreditsReply;
  const mappedCast: CastCredit[] = [];
  arrayOf(cast).forEach((entry, listIndex) => {
    if (!isObject(entry)) return;
    const person = entry as TmdbCastEntry;
    if (!isInteger(person.id) || typeof person.name !== 'string') return;
    mappedCast.push({
      tmdbId: person.id,
      name: person.name,
      profilePath: optionalString(person.profile_path),
      listIndex,
      character: optionalString(person.character),
      order: integerOr(person.order, listIndex),
    });
  });

  const mappedCrew: CrewCredit[] = [];
  const seenJobs = new Set<string>();
  arrayOf(crew).forEach((entry, listIndex) => {
    if (!isObject(entry)) return;
    const person = entry as TmdbCrewEntry;
    if (!isInteger(person.id) || typeof person.name !== 'string') return;
    if (typeof person.job !== 'string' || !KEY_CREW_JOBS.has(person.job)) return;
    const personJob = `${person.id}\u0000${person.job}`;
    if (seenJobs.has(personJob)) return;
    seenJobs.add(personJob);
    mappedCrew.push({
      tmdbId: person.id,
      name: person.name,
      profilePath: optionalString(person.profile_path),
      listIndex,
      department: optionalString(person.department, MAX_DEPARTMENT),
      job: person.job,
    });
  });
  return { cast: mappedCast, crew: mappedCrew };
}

/** A valid calendar date `YYYY-MM-DD`, else null. */
function releaseDate(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? value : null;
}
