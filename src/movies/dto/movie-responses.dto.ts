import { ApiProperty } from '@nestjs/swagger';
import type { MovieSearchPage } from '../../catalog/catalog.types.js';
import type { CatalogUrls } from '../../catalog/catalog-urls.js';
import type { Movie } from '../entities/movie.entity.js';
import type { MovieCredits } from '../movies.service.js';
import { RatingSummaryDto } from '../../common/dto/rating-summary.dto.js';
import { SelectionDto } from '../../common/dto/selections-page.dto.js';

export class MovieSearchResultDto {
  @ApiProperty({ type: 'integer', example: 27205 }) tmdb_id: number;
  @ApiProperty({ example: 'Inception' }) title: string;
  @ApiProperty({ type: String, nullable: true }) original_title: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2010-07-16' }) release_date: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'w500 poster' }) poster_url:
    string | null;
  @ApiProperty({ type: String, nullable: true }) overview: string | null;
  @ApiProperty({ example: 8.4, description: '0 when unknown' }) vote_average: number;
}

export class MovieSearchPageDto {
  @ApiProperty({ type: 'integer' }) page: number;
  @ApiProperty({ type: 'integer', description: "TMDB's value, capped at 500" }) total_pages: number;
  @ApiProperty({ type: 'integer' }) total_results: number;
  @ApiProperty({ type: [MovieSearchResultDto] }) results: MovieSearchResultDto[];
}

class GenreDto {
  @ApiProperty({ type: 'integer', example: 28 }) id: number;
  @ApiProperty({ example: 'Action' }) name: string;
}

export class MovieDetailsDto extends MovieSearchResultDto {
  @ApiProperty({ type: String, nullable: true, description: 'w1280 backdrop' }) backdrop_url:
    string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Minutes' }) runtime: number | null;
  @ApiProperty({ type: 'integer' }) vote_count: number;
  @ApiProperty({ type: String, nullable: true }) tagline: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Released' }) status: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'tt1375666' }) imdb_id: string | null;
  @ApiProperty({ type: [GenreDto] }) genres: GenreDto[];
  @ApiProperty({
    description: 'True when served from storage without fetching TMDB in this request',
  })
  cached: boolean;
}

export class CastMemberDto {
  @ApiProperty({ type: 'integer', description: 'The person' }) tmdb_id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) character: string | null;
  @ApiProperty({ type: 'integer' }) order: number;
  @ApiProperty({ type: String, nullable: true, description: 'w185 profile' }) profile_url:
    string | null;
}

export class CrewMemberDto {
  @ApiProperty({ type: 'integer', description: 'The person' }) tmdb_id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) department: string | null;
  @ApiProperty({ example: 'Director' }) job: string;
  @ApiProperty({ type: String, nullable: true, description: 'w185 profile' }) profile_url:
    string | null;
}

export class MovieCreditsDto {
  @ApiProperty({ type: [CastMemberDto] }) cast: CastMemberDto[];
  @ApiProperty({ type: [CrewMemberDto] }) crew: CrewMemberDto[];
}

export function toMovieSearchPage(page: MovieSearchPage, urls: CatalogUrls): MovieSearchPageDto {
  return {
    page: page.page,
    total_pages: page.totalPages,
    total_results: page.totalResults,
    results: page.results.map((movie) => ({
      tmdb_id: movie.tmdbId,
      title: movie.title,
      original_title: movie.originalTitle,
      release_date: movie.releaseDate,
      poster_url: urls.posterUrl(movie.posterPath),
      overview: movie.overview,
      vote_average: movie.voteAverage,
    })),
  };
}

export function toMovieDetails(movie: Movie, cached: boolean, urls: CatalogUrls): MovieDetailsDto {
  return {
    tmdb_id: movie.tmdbId,
    title: movie.title,
    original_title: movie.originalTitle,
    release_date: movie.releaseDate,
    poster_url: urls.posterUrl(movie.posterPath),
    backdrop_url: urls.backdropUrl(movie.backdropPath),
    overview: movie.overview,
    runtime: movie.runtime,
    vote_average: movie.voteAverage,
    vote_count: movie.voteCount,
    tagline: movie.tagline,
    status: movie.status,
    imdb_id: movie.imdbId,
    genres: movie.genres.map(({ id, name }) => ({ id, name })),
    cached,
  };
}

export function toMovieCredits(credits: MovieCredits, urls: CatalogUrls): MovieCreditsDto {
  return {
    cast: credits.cast.map((entry) => ({
      tmdb_id: entry.person!.tmdbId,
      name: entry.person!.name,
      character: entry.character,
      order: entry.billingOrder,
      profile_url: urls.profileUrl(entry.person!.profilePath),
    })),
    crew: credits.crew.map((entry) => ({
      tmdb_id: entry.person!.tmdbId,
      name: entry.person!.name,
      department: entry.department,
      job: entry.job,
      profile_url: urls.profileUrl(entry.person!.profilePath),
    })),
  };
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

export class MovieSelectionsItemDto extends MovieRefDto {
  @ApiProperty({ type: [SelectionDto] }) selections: SelectionDto[];
  @ApiProperty({ type: RatingSummaryDto, description: 'Every verdict on every pick of it, pooled' })
  rating: RatingSummaryDto;
}

export class MovieSelectionsPageDto {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) page: number;
  @ApiProperty({ type: 'integer' }) page_size: number;
  @ApiProperty({ type: [MovieSelectionsItemDto] }) results: MovieSelectionsItemDto[];
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
