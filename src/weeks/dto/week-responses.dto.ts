import { ApiProperty } from '@nestjs/swagger';
import { AlbumRefDto, toAlbumRef } from '../../albums/dto/album-responses.dto.js';
import type { CatalogUrls } from '../../catalog/catalog-urls.js';
import { OwnerDto, toOwner } from '../../common/dto/owner.dto.js';
import { RatingSummaryDto } from '../../common/dto/rating-summary.dto.js';
import { MovieRefDto, toMovieRef } from '../../movies/dto/movie-responses.dto.js';
import { VerdictDto, type PickVerdictsDto } from '../../verdicts/dto/verdict-responses.dto.js';
import type { WeekAlbum } from '../entities/week-album.entity.js';
import type { WeekMovie } from '../entities/week-movie.entity.js';
import type { Week } from '../entities/week.entity.js';

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

/** Every member's verdict on a pick, and their ratings summed up (opinions.md §1.4). */
class JudgedSlotDto implements PickVerdictsDto {
  @ApiProperty({ type: [VerdictDto], description: 'By created_at, then user id' })
  verdicts: VerdictDto[];
  @ApiProperty({ type: RatingSummaryDto }) rating: RatingSummaryDto;
}

export class MovieSlotDto extends JudgedSlotDto {
  @ApiProperty({ type: 'integer', enum: [1, 2] }) position: number;
  @ApiProperty({ format: 'date-time' }) added_at: string;
  @ApiProperty({ type: MovieRefDto }) movie: MovieRefDto;
}

export class AlbumSlotDto extends JudgedSlotDto {
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

export function toWeek(week: Week): WeekDto {
  const owner = week.userId !== null && week.owner ? week.owner : null;
  return {
    id: week.id,
    user_id: owner ? owner.id : null,
    owner: owner ? toOwner(owner) : null,
    year: week.year,
    week_number: week.weekNumber,
    notes: week.notes,
    created_at: week.createdAt.toISOString(),
    updated_at: week.updatedAt.toISOString(),
  };
}

export function toMovieSlot(
  item: Pick<WeekMovie, 'position' | 'addedAt' | 'movie'>,
  { verdicts, rating }: PickVerdictsDto,
): MovieSlotDto {
  return {
    position: item.position,
    added_at: item.addedAt.toISOString(),
    movie: toMovieRef(item.movie!),
    verdicts,
    rating,
  };
}

export function toAlbumSlot(
  item: Pick<WeekAlbum, 'position' | 'addedAt' | 'album'>,
  { verdicts, rating }: PickVerdictsDto,
  urls: CatalogUrls,
): AlbumSlotDto {
  return {
    position: item.position,
    added_at: item.addedAt.toISOString(),
    album: toAlbumRef(item.album!, urls),
    verdicts,
    rating,
  };
}
