/** TMDB v3 payloads as sent (only the fields we read; everything may be absent or mistyped). */

export interface TmdbSearchMovie {
  id?: unknown;
  title?: unknown;
  original_title?: unknown;
  release_date?: unknown;
  poster_path?: unknown;
  overview?: unknown;
  vote_average?: unknown;
}

export interface TmdbSearchReply {
  page?: unknown;
  total_pages?: unknown;
  total_results?: unknown;
  results?: unknown;
}

/** `/movie/{id}/recommendations`: entries are read like search entries. */
export interface TmdbRecommendationsReply {
  results?: unknown;
}

export interface TmdbMovieDetails extends TmdbSearchMovie {
  backdrop_path?: unknown;
  runtime?: unknown;
  vote_count?: unknown;
  tagline?: unknown;
  status?: unknown;
  imdb_id?: unknown;
  genres?: unknown;
}

/** The details reply with `append_to_response=credits`: a `credits` member shaped like the credits reply. */
export interface TmdbMovieDetailsWithCredits extends TmdbMovieDetails {
  credits?: unknown;
}

export interface TmdbCastEntry {
  id?: unknown;
  name?: unknown;
  character?: unknown;
  order?: unknown;
  profile_path?: unknown;
}

export interface TmdbCrewEntry {
  id?: unknown;
  name?: unknown;
  department?: unknown;
  job?: unknown;
  profile_path?: unknown;
}

export interface TmdbCreditsReply {
  cast?: unknown;
  crew?: unknown;
}
