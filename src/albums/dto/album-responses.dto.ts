import { ApiProperty } from '@nestjs/swagger';
import { RatingSummaryDto } from '../../common/dto/rating-summary.dto.js';
import { SelectionDto } from '../../common/dto/selections-page.dto.js';
import type { AlbumSearchPage } from '../../catalog/catalog.types.js';
import type { CatalogUrls } from '../../catalog/catalog-urls.js';
import type { AlbumArtist } from '../entities/album-artist.entity.js';
import type { Album } from '../entities/album.entity.js';

export class AlbumSearchResultDto {
  @ApiProperty({ format: 'uuid' }) musicbrainz_id: string;
  @ApiProperty({ example: 'The Dark Side of the Moon' }) title: string;
  @ApiProperty({ example: 'Pink Floyd', description: 'Credited names with join phrases' })
  artist: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '1973-03',
    description: 'YYYY, YYYY-MM or YYYY-MM-DD',
  })
  release_date: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'GB' }) country: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 }) score: number;
  @ApiProperty({ type: String, nullable: true, description: 'Release-level front cover' })
  cover_art_url: string | null;
}

export class AlbumSearchPageDto {
  @ApiProperty({ type: 'integer', description: "MusicBrainz's total" }) count: number;
  @ApiProperty({ type: 'integer' }) offset: number;
  @ApiProperty({ type: [AlbumSearchResultDto] }) results: AlbumSearchResultDto[];
}

export class AlbumDetailsDto {
  @ApiProperty({ format: 'uuid', description: 'The current id, also for a merged one requested' })
  musicbrainz_id: string;
  @ApiProperty() title: string;
  @ApiProperty() artist: string;
  @ApiProperty({ type: String, nullable: true }) release_date: string | null;
  @ApiProperty({ type: String, nullable: true }) country: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Official' }) status: string | null;
  @ApiProperty({ type: String, nullable: true, description: "Release's front, else its group's" })
  cover_art_url: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) release_group_id: string | null;
  @ApiProperty({ description: 'True when served from storage without fetching in this request' })
  cached: boolean;
}

export class AlbumArtistDto {
  @ApiProperty({ format: 'uuid', description: 'The artist' }) musicbrainz_id: string;
  @ApiProperty({ example: 'JAY‐Z', description: 'Canonical name' }) name: string;
  @ApiProperty({ example: 'Jay-Z', description: 'As credited on this release' })
  credited_name: string;
  @ApiProperty({ type: String, nullable: true }) sort_name: string | null;
  @ApiProperty({ type: String, nullable: true }) disambiguation: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Person' }) artist_type: string | null;
  @ApiProperty({ type: String, nullable: true }) country: string | null;
  @ApiProperty({ type: String, nullable: true, example: ' & ' }) join_phrase: string | null;
  @ApiProperty({ type: 'integer' }) order: number;
}

export class AlbumCreditsDto {
  @ApiProperty({ type: [AlbumArtistDto] }) artists: AlbumArtistDto[];
}

export function toAlbumSearchPage(page: AlbumSearchPage, urls: CatalogUrls): AlbumSearchPageDto {
  return {
    count: page.count,
    offset: page.offset,
    results: page.results.map((album) => ({
      musicbrainz_id: album.musicbrainzId,
      title: album.title,
      artist: album.artist,
      release_date: album.releaseDate,
      country: album.country,
      score: album.score,
      cover_art_url: album.hasCoverArt ? urls.releaseCoverUrl(album.musicbrainzId) : null,
    })),
  };
}

export function toAlbumDetails(album: Album, cached: boolean, urls: CatalogUrls): AlbumDetailsDto {
  return {
    musicbrainz_id: album.musicbrainzId,
    title: album.title,
    artist: album.artist,
    release_date: album.releaseDate,
    country: album.country,
    status: album.status,
    cover_art_url: urls.coverArtUrl(album),
    release_group_id: album.releaseGroupId,
    cached,
  };
}

export function toAlbumCredits(credits: AlbumArtist[]): AlbumCreditsDto {
  return {
    artists: credits.map((credit) => ({
      musicbrainz_id: credit.artist!.musicbrainzId,
      name: credit.artist!.name,
      credited_name: credit.creditedName,
      sort_name: credit.artist!.sortName,
      disambiguation: credit.artist!.disambiguation,
      artist_type: credit.artist!.artistType,
      country: credit.artist!.country,
      join_phrase: credit.joinPhrase,
      order: credit.creditOrder,
    })),
  };
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

export class AlbumSelectionsItemDto extends AlbumRefDto {
  @ApiProperty({ type: [SelectionDto] }) selections: SelectionDto[];
  @ApiProperty({ type: RatingSummaryDto, description: 'Every verdict on every pick of it, pooled' })
  rating: RatingSummaryDto;
}

export class AlbumSelectionsPageDto {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) page: number;
  @ApiProperty({ type: 'integer' }) page_size: number;
  @ApiProperty({ type: [AlbumSelectionsItemDto] }) results: AlbumSelectionsItemDto[];
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
