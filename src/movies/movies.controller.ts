import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PathParams, QueryParams } from '../http/request-arguments.js';
import { CatalogUrls } from '../catalog/catalog-urls.js';
import { CreditsQuery } from '../common/dto/credits-query.dto.js';
import { MoviesService } from './movies.service.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { CachedResponse } from '../cache/response-cache.js';
import { ApiAuth } from '../http/swagger.js';
import { PageQuery } from '../common/dto/page-query.dto.js';
import { SearchMoviesQuery, TmdbIdParams } from './dto/movie-requests.dto.js';
import {
  MovieCreditsDto,
  MovieDetailsDto,
  MovieSearchPageDto,
  toMovieCredits,
  toMovieDetails,
  MovieSelectionsPageDto,
  toMovieSearchPage,
} from './dto/movie-responses.dto.js';

const UPSTREAM_ERRORS = [502, 503, 504];

@ApiTags('movies')
@ApiAuth()
@Controller('movies')
export class MoviesController {
  constructor(
    private readonly movies: MoviesService,
    private readonly urls: CatalogUrls,
  ) {}

  @Get('search')
  @ApiOperation({ summary: 'Search TMDB (cached in memory for SEARCH_CACHE_TTL)' })
  @ApiOkResponse({ type: MovieSearchPageDto })
  @ApiErrorResponses(401, 422, 429, ...UPSTREAM_ERRORS)
  async search(
    @QueryParams() { query, page, year }: SearchMoviesQuery,
  ): Promise<MovieSearchPageDto> {
    return toMovieSearchPage(await this.movies.search(query, page, year ?? null), this.urls);
  }

  @Get('selections')
  @CachedResponse()
  @ApiOperation({ summary: 'Every movie picked in some week, by title, with its weeks' })
  @ApiOkResponse({ type: MovieSelectionsPageDto })
  @ApiErrorResponses(401, 422)
  async selections(@QueryParams() { page, page_size }: PageQuery): Promise<MovieSelectionsPageDto> {
    return this.movies.selections(page, page_size);
  }

  @Get(':tmdb_id')
  @ApiOperation({ summary: 'Movie details, stored and refreshed after CATALOG_TTL' })
  @ApiOkResponse({ type: MovieDetailsDto })
  @ApiErrorResponses(401, 404, 422, 429, ...UPSTREAM_ERRORS)
  async details(@PathParams() { tmdb_id }: TmdbIdParams): Promise<MovieDetailsDto> {
    const { value, cached } = await this.movies.details(tmdb_id);
    return toMovieDetails(value, cached, this.urls);
  }

  @Get(':tmdb_id/credits')
  @ApiOperation({ summary: 'Cast by billing order and key crew; `limit` applies to each list' })
  @ApiOkResponse({ type: MovieCreditsDto })
  @ApiErrorResponses(401, 404, 422, 429, ...UPSTREAM_ERRORS)
  async credits(
    @PathParams() { tmdb_id }: TmdbIdParams,
    @QueryParams() { limit }: CreditsQuery,
  ): Promise<MovieCreditsDto> {
    return toMovieCredits((await this.movies.credits(tmdb_id, limit)).value, this.urls);
  }
}
