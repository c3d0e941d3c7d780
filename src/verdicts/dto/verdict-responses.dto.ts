import { ApiProperty } from '@nestjs/swagger';
import { AlbumRefDto, toAlbumRef } from '../../albums/dto/album-responses.dto.js';
import type { CatalogUrls } from '../../catalog/catalog-urls.js';
import { OwnerDto, toOwner } from '../../common/dto/owner.dto.js';
import {
  NO_RATINGS,
  RatingSummaryDto,
  toRatingSummary,
} from '../../common/dto/rating-summary.dto.js';
import { MovieRefDto, toMovieRef } from '../../movies/dto/movie-responses.dto.js';
import type { Verdict } from '../entities/verdict.entity.js';
import { PICK_KINDS, type PickKind } from './verdict-requests.dto.js';

export class VerdictDto {
  @ApiProperty({ type: OwnerDto }) user: OwnerDto;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 1, maximum: 10 }) rating: number | null;
  @ApiProperty({ type: String, nullable: true }) review: string | null;
  @ApiProperty() spoiler: boolean;
  @ApiProperty({ type: String, format: 'date', nullable: true }) consumed_on: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

/** What a week's slot shows of the verdicts on its pick (opinions.md §1.4). */
export interface PickVerdictsDto {
  /** By `created_at`, then user id. */
  verdicts: VerdictDto[];
  rating: RatingSummaryDto;
}

export class DiaryEntryDto extends VerdictDto {
  @ApiProperty({ enum: PICK_KINDS }) kind: PickKind;
  @ApiProperty({ type: 'integer' }) week_id: number;
  @ApiProperty({ type: 'integer', example: 2025 }) year: number;
  @ApiProperty({ type: 'integer', example: 52 }) week_number: number;
  @ApiProperty({ type: 'integer', enum: [1, 2] }) position: number;
  @ApiProperty({ type: MovieRefDto, nullable: true, description: 'Set when kind is movie' })
  movie: MovieRefDto | null;
  @ApiProperty({ type: AlbumRefDto, nullable: true, description: 'Set when kind is album' })
  album: AlbumRefDto | null;
}

export class DiaryPageDto {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) page: number;
  @ApiProperty({ type: 'integer' }) page_size: number;
  @ApiProperty({ type: [DiaryEntryDto] }) results: DiaryEntryDto[];
}

/** `author` is the verdict's user, given by the caller, who has it at hand. */
export function toVerdict(verdict: Verdict, author: { id: number; username: string }): VerdictDto {
  return {
    user: toOwner(author),
    rating: verdict.rating,
    review: verdict.review,
    spoiler: verdict.spoiler,
    consumed_on: verdict.consumedOn,
    created_at: verdict.createdAt.toISOString(),
    updated_at: verdict.updatedAt.toISOString(),
  };
}

/** A pick nobody has judged yet, such as one just added. */
export function noVerdicts(): PickVerdictsDto {
  return { verdicts: [], rating: toRatingSummary(NO_RATINGS) };
}

/** A diary entry: the verdict, and the pick it judges. `verdict` comes with its pick and week. */
export function toDiaryEntry(
  verdict: Verdict,
  author: { id: number; username: string },
  urls: CatalogUrls,
): DiaryEntryDto {
  const { weekMovie, weekAlbum } = verdict;
  const pick = (weekMovie ?? weekAlbum)!;
  return {
    ...toVerdict(verdict, author),
    kind: weekMovie ? 'movie' : 'album',
    week_id: pick.weekId,
    year: pick.week!.year,
    week_number: pick.week!.weekNumber,
    position: pick.position,
    movie: weekMovie ? toMovieRef(weekMovie.movie!) : null,
    album: weekAlbum ? toAlbumRef(weekAlbum.album!, urls) : null,
  };
}
