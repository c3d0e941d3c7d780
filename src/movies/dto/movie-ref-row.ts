import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { MovieRefDto } from './movie-responses.dto.js';

/** A MovieRef's columns in a raw read (weeks' slots, the selections listing), under these aliases. */
export interface MovieRefRow {
  movie_id: number;
  movie_tmdb_id: number;
  movie_title: string;
  movie_original_title: string | null;
  movie_release_date: string | null;
  movie_poster_path: string | null;
  movie_overview: string | null;
  /** As the driver reads it: see `isoTimestampReader`. */
  movie_cached_at: unknown;
}

const COLUMNS: Record<keyof MovieRefRow, string> = {
  movie_id: 'id',
  movie_tmdb_id: 'tmdbId',
  movie_title: 'title',
  movie_original_title: 'originalTitle',
  movie_release_date: 'releaseDate',
  movie_poster_path: 'posterPath',
  movie_overview: 'overview',
  movie_cached_at: 'cachedAt',
};

/** Adds the MovieRef columns of the movie joined as `alias`. */
export function selectMovieRef<Q extends SelectQueryBuilder<ObjectLiteral>>(
  query: Q,
  alias: string,
): Q {
  for (const [as, property] of Object.entries(COLUMNS)) query.addSelect(`${alias}.${property}`, as);
  return query;
}

/** The same wire shape and key order as `toMovieRef`, from a raw row. */
export function movieRefOfRow(
  row: MovieRefRow,
  isoTimestamp: (raw: unknown) => string,
): MovieRefDto {
  return {
    id: row.movie_id,
    tmdb_id: row.movie_tmdb_id,
    title: row.movie_title,
    original_title: row.movie_original_title,
    release_date: row.movie_release_date,
    poster_path: row.movie_poster_path,
    overview: row.movie_overview,
    cached_at: isoTimestamp(row.movie_cached_at),
  };
}
