import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogUrls } from '../catalog/catalog-urls.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { QueryParams } from '../http/request-arguments.js';
import { ApiAuth } from '../http/swagger.js';
import { AlbumRecommendationsService } from './album-recommendations.service.js';
import { RecommendationsQuery } from './dto/recommendations-query.dto.js';
import {
  AlbumRecommendationsDto,
  MovieRecommendationsDto,
  toAlbumRecommendations,
  toMovieRecommendations,
} from './dto/recommendation-responses.dto.js';
import { MovieRecommendationsService } from './movie-recommendations.service.js';

/** Upstream trouble never fails these routes: the seeds concerned are counted as pending instead. */
@ApiTags('recommendations')
@ApiAuth()
@Controller('recommendations')
export class RecommendationsController {
  constructor(
    private readonly movies: MovieRecommendationsService,
    private readonly albums: AlbumRecommendationsService,
    private readonly urls: CatalogUrls,
  ) {}

  @Get('movies')
  @ApiOperation({
    summary: "Movies to pick next: TMDB's recommendations of the movies the club liked",
    description:
      'Seeds are the picked movies with a club average of 7 or more (weight: average − 5), at most 20. ' +
      'Candidates are their TMDB recommendations minus every movie ever picked, scored by the sum of the ' +
      'weights of the seeds recommending them. Each seed’s list is stored and refreshed after CATALOG_TTL; ' +
      'missing ones are fetched, at most 4 at a time, and a seed whose list cannot be had counts in ' +
      '`pending_seeds` (the reply is still 200).',
  })
  @ApiOkResponse({ type: MovieRecommendationsDto })
  @ApiErrorResponses(401, 422)
  async recommendMovies(
    @QueryParams() { limit }: RecommendationsQuery,
  ): Promise<MovieRecommendationsDto> {
    return toMovieRecommendations(await this.movies.recommend(limit), this.urls);
  }

  @Get('albums')
  @ApiOperation({
    summary: 'Albums to pick next: other albums by the artists of the albums the club liked',
    description:
      'Seeds are the picked albums with a club average of 7 or more (weight: average − 5), at most 20; ' +
      'their credited artists weigh the sum of their seeds’ weights. Candidates are those artists’ release ' +
      'groups of primary type Album without secondary types, minus those of every album ever picked. Each ' +
      'artist’s release groups are stored and refreshed after CATALOG_TTL; missing ones are fetched through ' +
      'the MusicBrainz queue only within MUSICBRAINZ_MAX_WAIT, and seed albums with an artist not fetched ' +
      'yet count in `pending_seeds` (never a 429).',
  })
  @ApiOkResponse({ type: AlbumRecommendationsDto })
  @ApiErrorResponses(401, 422)
  async recommendAlbums(
    @QueryParams() { limit }: RecommendationsQuery,
  ): Promise<AlbumRecommendationsDto> {
    return toAlbumRecommendations(await this.albums.recommend(limit));
  }
}
