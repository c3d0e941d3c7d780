import { ApiProperty } from '@nestjs/swagger';
import type { CatalogUrls } from '../../catalog/catalog-urls.js';
import type { Album } from '../../catalog/entities/album.entity.js';
import type { Movie } from '../../catalog/entities/movie.entity.js';
import type { WeekAlbum } from '../entities/week-album.entity.js';
import type { WeekMovie } from '../entities/week-movie.entity.js';
import type { Week } from '../entities/week.entity.js';
import type { SelectionsPage } from '../selections.service.js';

export class OwnerDto {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() username: string;
}

export class WeekDto {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null when unclaimed' })
  user_id: number | null;
  @ApiProperty({ type: OwnerDto, nullable: true }) owner: OwnerDto | null;
  @ApiProperty({ type: 'integer', example: 2025 }) year: number;
  @ApiProperty({ type: 'integer', example: 52 }) week_number: number;
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class MovieRefDto {
  @ApiProperty({ type: 'integer', description: 'Our catalog id' }) id: number;
  @ApiProperty({ type: 'integer' }) tmdb_id: number;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) original_title: string | null;
  @ApiProperty({ type: String, nullable: true }) release_date: string | null;
  @ApiProperty({ type: String, nullable: true, description: "TMDB's raw path, not a URL" })
  poster_path: string | null;
  @ApiProperty({ type: String, nullable: true }) overview: string | null;
  @ApiProperty({ format: 'date-time', description: 'When we last fetched it' }) cached_at: string;
}

export class AlbumRefDto {
  @ApiProperty({ type: 'integer', description: 'Our catalog id' }) id: number;
  @ApiProperty({ format: 'uuid' }) musicbrainz_id: string;
  @ApiProperty() title: string;
  @ApiProperty() artist: string;
  @ApiProperty({ type: String, nullable: true }) release_date: string | null;
  @ApiProperty({ type: String, nullable: true }) cover_art_url: string | null;
  @ApiProperty({ format: 'date-time' }) cached_at: string;
}

export class MovieSlotDto {
  @ApiProperty({ type: 'integer', enum: [1, 2] }) position: number;
  @ApiProperty({ format: 'date-time' }) added_at: string;
  @ApiProperty({ type: MovieRefDto }) movie: MovieRefDto;
}

export class AlbumSlotDto {
  @ApiProperty({ type: 'integer', enum: [1, 2] }) position: number;
  @ApiProperty({ format: 'date-time' }) added_at: string;
  @ApiProperty({ type: AlbumRefDto }) album: AlbumRefDto;
}

export class WeekDetailDto extends WeekDto {
  @ApiProperty({ type: [MovieSlotDto] }) movies: MovieSlotDto[];
  @ApiProperty({ type: [AlbumSlotDto] }) albums: AlbumSlotDto[];
}

export class AddedMovieDto extends MovieSlotDto {
  @ApiProperty({ type: 'integer' }) week_id: number;
}

export class AddedAlbumDto extends AlbumSlotDto {
  @ApiProperty({ type: 'integer' }) week_id: number;
}

export class WeekPageDto {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) page: number;
  @ApiProperty({ type: 'integer' }) page_size: number;
  @ApiProperty({ type: [WeekDto] }) results: WeekDto[];
}

export class SelectionDto {
  @ApiProperty({ type: 'integer' }) week_id: number;
  @ApiProperty({ type: 'integer' }) year: number;
  @ApiProperty({ type: 'integer' }) week_number: number;
  @ApiProperty({ type: 'integer', enum: [1, 2] }) position: number;
  @ApiProperty({ format: 'date-time' }) added_at: string;
}

export class MovieSelectionsItemDto extends MovieRefDto {
  @ApiProperty({ type: [SelectionDto] }) selections: SelectionDto[];
}

export class AlbumSelectionsItemDto extends AlbumRefDto {
  @ApiProperty({ type: [SelectionDto] }) selections: SelectionDto[];
}

export class MovieSelectionsPageDto {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) page: number;
  @ApiProperty({ type: 'integer' }) page_size: number;
  @ApiProperty({ type: [MovieSelectionsItemDto] }) results: MovieSelectionsItemDto[];
}

export class AlbumSelectionsPageDto {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) page: number;
  @ApiProperty({ type: 'integer' }) page_size: number;
  @ApiProperty({ type: [AlbumSelectionsItemDto] }) results: AlbumSelectionsItemDto[];
}

export function toWeek(week: Week): WeekDto {
  const owner = week.userId !== null && week.owner ? week.owner : null;
  return {
    id: week.id,
    user_id: owner ? owner.id : null,
    owner: owner ? { id: owner.id, username: owner.username } : null,
    year: week.year,
    week_number: week.weekNumber,
    notes: week.notes,
    created_at: week.createdAt.toISOString(),
    updated_at: week.updatedAt.toISOString(),
  };
}

export function toMovieRef(movie: Movie): MovieRefDto {
  return {
    id: movie.id,
    tmdb_id: movie.tmdbId,
    title: movie.title,
    original_title: movie.originalTitle,
    release_date: movie.releaseDate,
    poster_path: movie.posterPath,
    overview: movie.overview,
    cached_at: movie.cachedAt.toISOString(),
  };
}

export function toAlbumRef(album: Album, urls: CatalogUrls): AlbumRefDto {
  return {
    id: album.id,
    musicbrainz_id: album.musicbrainzId,
    title: album.title,
    artist: album.artist,
    release_date: album.releaseDate,
    cover_art_url: urls.coverArtUrl(album),
    cached_at: album.cachedAt.toISOString(),
  };
}

export function toMovieSlot(item: WeekMovie): MovieSlotDto {
  return {
    position: item.position,
    added_at: item.addedAt.toISOString(),
    movie: toMovieRef(item.movie!),
  };
}

export function toAlbumSlot(item: WeekAlbum, urls: CatalogUrls): AlbumSlotDto {
  return {
    position: item.position,
    added_at: item.addedAt.toISOString(),
    album: toAlbumRef(item.album!, urls),
  };
}

export function toWeekDetail(
  week: Week,
  movies: WeekMovie[],
  albums: WeekAlbum[],
  urls: CatalogUrls,
): WeekDetailDto {
  return {
    ...toWeek(week),
    movies: movies.map(toMovieSlot),
    albums: albums.map((item) => toAlbumSlot(item, urls)),
  };
}

export function toSelection(slot: WeekMovie | WeekAlbum): SelectionDto {
  return {
    week_id: slot.weekId,
    year: slot.week!.year,
    week_number: slot.week!.weekNumber,
    position: slot.position,
    added_at: slot.addedAt.toISOString(),
  };
}

/** A selections page (contract §10), with each item mapped to its MovieRef or AlbumRef. */
export function toSelectionsPage<T, R>(
  { total, results }: SelectionsPage<T>,
  page: number,
  pageSize: number,
  toRef: (item: T) => R,
): {
  total: number;
  page: number;
  page_size: number;
  results: (R & { selections: SelectionDto[] })[];
} {
  return {
    total,
    page,
    page_size: pageSize,
    results: results.map(({ item, selections }) => ({
      ...toRef(item),
      selections: selections.map(toSelection),
    })),
  };
}
