/** Our catalog's shapes, mapped once from the upstream payloads (camelCase, nulls normalised). */

export interface MovieSearchResult {
  tmdbId: number;
  title: string;
  originalTitle: string | null;
  releaseDate: string | null;
  posterPath: string | null;
  overview: string | null;
  voteAverage: number;
}

export interface MovieSearchPage {
  page: number;
  totalPages: number;
  totalResults: number;
  results: MovieSearchResult[];
}

export interface MovieData {
  tmdbId: number;
  title: string;
  originalTitle: string | null;
  releaseDate: string | null;
  posterPath: string | null;
  backdropPath: string | null;
  overview: string | null;
  runtime: number | null;
  voteAverage: number;
  voteCount: number;
  tagline: string | null;
  status: string | null;
  imdbId: string | null;
  genres: { id: number; name: string }[];
}

export interface PersonCredit {
  tmdbId: number;
  name: string;
  profilePath: string | null;
  /** Position in TMDB's list: the tie-breaker for cast and the order of crew. */
  listIndex: number;
}

export interface CastCredit extends PersonCredit {
  character: string | null;
  order: number;
}

export interface CrewCredit extends PersonCredit {
  department: string | null;
  job: string;
}

export interface MovieCreditsData {
  cast: CastCredit[];
  crew: CrewCredit[];
}

export interface AlbumSearchResult {
  musicbrainzId: string;
  title: string;
  artist: string;
  releaseDate: string | null;
  country: string | null;
  score: number;
}

export interface AlbumSearchPage {
  count: number;
  offset: number;
  results: (AlbumSearchResult & { hasCoverArt: boolean })[];
}

export interface ArtistCreditData {
  musicbrainzId: string;
  name: string;
  creditedName: string;
  sortName: string | null;
  disambiguation: string | null;
  artistType: string | null;
  country: string | null;
  joinPhrase: string | null;
  order: number;
}

export interface AlbumData {
  musicbrainzId: string;
  title: string;
  artist: string;
  releaseDate: string | null;
  country: string | null;
  status: string | null;
  releaseGroupId: string | null;
  credits: ArtistCreditData[];
}

/** Which front cover the Cover Art Archive had when we last looked (upstream.md §4.2). */
export type CoverArtSource = 'release' | 'release-group' | 'none';

/** One entry of TMDB's recommendations of a movie (upstream.md §2.8), as stored per seed. */
export interface MovieRecommendation {
  tmdbId: number;
  title: string;
  releaseDate: string | null;
  posterPath: string | null;
  voteAverage: number;
}

/** One release group of an artist, from MusicBrainz's browse (upstream.md §3.8). */
export interface ReleaseGroupData {
  releaseGroupId: string;
  title: string;
  primaryType: string | null;
  secondaryTypes: string[];
  firstReleaseDate: string | null;
  /** The joined artist credit (§3.4). */
  artist: string;
  /** The MBIDs of the credited artists, lowercased, in credit order. */
  artistIds: string[];
}
