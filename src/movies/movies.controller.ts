import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogUrls } from '../catalog/catalog-urls.js';
import { CreditsQuery } from '../catalog/dto/credits-query.dto.js';
import { MovieCatalogService } from '../catalog/movie-catalog.service.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { CachedResponse } from '../cache/response-cache.js';
import { ApiAuth } from '../http/swagger.js';
import { PageQuery } from '../weeks/dto/week-requests.dto.js';
import {
  MovieSelectionsPageDto,
  toMovieRef,
  toSelectionsPage,
} from '../weeks/dto/week-responses.dto.js';
import { SelectionsService } from '../weeks/selections.service.js';
import { SearchMoviesQuery, TmdbIdParams } from './dto/movie-requests.dto.js';
import {
  MovieCreditsDto,
  MovieDetailsDto,
  MovieSearchPageDto,
  toMovieCredits,
  toMovieDetails,
  toMovieSearchPage,
} from './dto/movie-responses.dto.js';

const UPSTREAM_ERRORS = [502, 503, 504];

@ApiTags('movies')
@ApiAuth()
@Controller('movies')
export class MoviesController {
  constructor(
    private readonly movies: MovieCatalogService,
    private readonly urls: CatalogUrls,
    private readonly selectionsService: SelectionsService,
  ) {}

  @Get('search')
  @ApiOperation({ summary: 'Search TMDB (cached in memory for SEARCH_CACHE_TTL)' })
  @ApiOkResponse({ type: MovieSearchPageDto })
  @ApiErrorResponses(401, 422, 429, ...UPSTREAM_ERRORS)
  async search(@Query() { query, page, year }: SearchMoviesQuery): Promise<MovieSearchPageDto> {
    return toMovieSearchPage(await this.movies.search(query, page, year ?? null), this.urls);
  }

  @Get('selections')
  @CachedResponse()
  @ApiOperation({ summary: 'Every movie picked in some week, by title, with its weeks' })
  @ApiOkResponse({ type: MovieSelectionsPageDto })
  @ApiErrorResponses(401, 422)
  async selections(@Query() { page, page_size }: PageQuery): Promise<MovieSelectionsPageDto> {
    const selections = await this.selectionsService.movies(page, page_size);
    return toSelectionsPage(selections, page, page_size, toMovieRef);
  }

  @Get(':tmdb_id')
  @ApiOperation({ summary: 'Movie details, stored and refreshed after CATALOG_TTL' })
  @ApiOkResponse({ type: MovieDetailsDto })
  @ApiErrorResponses(401, 404, 422, 429, ...UPSTREAM_ERRORS)
  async details(@Param() { tmdb_id }: TmdbIdParams): Promise<MovieDetailsDto> {
    const { value, cached } = await this.movies.details(tmdb_id);
    return toMovieDetails(value, cached, this.urls);
  }

  @Get(':tmdb_id/credits')
  @ApiOperation({ summary: 'Cast by billing order and key crew; `limit` applies to each list' })
  @ApiOkResponse({ type: MovieCreditsDto })
  @ApiErrorResponses(401, 404, 422, 429, ...UPSTREAM_ERRORS)
  async credits(
    @Param() { tmdb_id }: TmdbIdParams,
    @Query() { limit }: CreditsQuery,
  ): Promise<MovieCreditsDto> {
    return toMovieCredits((await this.movies.credits(tmdb_id, limit)).value, this.urls);
  }
}
