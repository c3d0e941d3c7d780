import type { AlbumArtistDto, AlbumDetailsDto } from '../albums/dto/album-responses.dto.js';
import type { MovieCreditsDto, MovieDetailsDto } from '../movies/dto/movie-responses.dto.js';

/**
 * The export document (portability.md §1.1, §2.1) as it travels: written by ExportService, read back
 * by the import. Users are named by username everywhere, so a file fits any install.
 */
export const EXPORT_FORMAT = 'wrong-opinions';
export const EXPORT_VERSION = 1;

export interface ExportVerdict {
  user: string;
  rating: number | null;
  review: string | null;
  spoiler: boolean;
  consumed_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface ExportMoviePick {
  position: number;
  added_at: string;
  tmdb_id: number;
  verdicts: ExportVerdict[];
}

export interface ExportAlbumPick {
  position: number;
  added_at: string;
  musicbrainz_id: string;
  verdicts: ExportVerdict[];
}

export interface ExportWeek {
  year: number;
  week_number: number;
  owner: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
  movies: ExportMoviePick[];
  albums: ExportAlbumPick[];
}

/** The admin export (§2.1) adds what a full restore needs; the API export never has it. */
export interface ExportUser {
  id: number;
  username: string;
  created_at: string;
  email?: string;
  is_active?: boolean;
  password_hash?: string;
}

/** MovieDetails as the API shows it, without `cached`, with everything stored about it. */
export type ExportMovie = Omit<MovieDetailsDto, 'cached'> & {
  cached_at: string;
  credits: MovieCreditsDto | null;
};

/** AlbumDetails as the API shows it, without `cached`, with its whole artist credit. */
export type ExportAlbum = Omit<AlbumDetailsDto, 'cached'> & {
  cached_at: string;
  credits: AlbumArtistDto[];
};

export type ExportScope = 'api' | 'admin';

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exported_at: string;
  scope?: 'admin';
  users: ExportUser[];
  weeks: ExportWeek[];
  movies: ExportMovie[];
  albums: ExportAlbum[];
}

/** `wrong-opinions[-<what>]-YYYY-MM-DD.<ext>`, dated in UTC (portability.md §1). */
export function exportFileName(now: Date, extension: 'json' | 'csv', what?: string): string {
  const date = now.toISOString().slice(0, 10);
  return `${EXPORT_FORMAT}${what ? `-${what}` : ''}-${date}.${extension}`;
}
