import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PathParams, QueryParams } from '../http/request-arguments.js';
import { AlbumsService } from './albums.service.js';
import { CatalogUrls } from '../catalog/catalog-urls.js';
import { CreditsQuery } from '../common/dto/credits-query.dto.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { CachedResponse } from '../cache/response-cache.js';
import { ApiAuth } from '../http/swagger.js';
import { PageQuery } from '../common/dto/page-query.dto.js';
import { MusicBrainzIdParams, SearchAlbumsQuery } from './dto/album-requests.dto.js';
import {
  AlbumCreditsDto,
  AlbumDetailsDto,
  AlbumSearchPageDto,
  toAlbumCredits,
  toAlbumDetails,
  AlbumSelectionsPageDto,
  toAlbumSearchPage,
} from './dto/album-responses.dto.js';

const UPSTREAM_ERRORS = [502, 503, 504];

@ApiTags('albums')
@ApiAuth()
@Controller('albums')
export class AlbumsController {
  constructor(
    private readonly albums: AlbumsService,
    private readonly urls: CatalogUrls,
  ) {}

  @Get('search')
  @ApiOperation({ summary: 'Search MusicBrainz releases, with release-level cover art' })
  @ApiOkResponse({ type: AlbumSearchPageDto })
  @ApiErrorResponses(401, 422, 429, ...UPSTREAM_ERRORS)
  async search(
    @QueryParams() { query, limit, offset }: SearchAlbumsQuery,
  ): Promise<AlbumSearchPageDto> {
    return toAlbumSearchPage(await this.albums.search(query, limit, offset), this.urls);
  }

  @Get('selections')
  @CachedResponse()
  @ApiOperation({ summary: 'Every album picked in some week, by title, with its weeks' })
  @ApiOkResponse({ type: AlbumSelectionsPageDto })
  @ApiErrorResponses(401, 422)
  async selections(@QueryParams() { page, page_size }: PageQuery): Promise<AlbumSelectionsPageDto> {
    return this.albums.selections(page, page_size);
  }

  @Get(':musicbrainz_id')
  @ApiOperation({ summary: 'Album details; one lookup also stores its credits' })
  @ApiOkResponse({ type: AlbumDetailsDto })
  @ApiErrorResponses(401, 404, 422, 429, ...UPSTREAM_ERRORS)
  async details(@PathParams() { musicbrainz_id }: MusicBrainzIdParams): Promise<AlbumDetailsDto> {
    const { value, cached } = await this.albums.details(musicbrainz_id);
    return toAlbumDetails(value, cached, this.urls);
  }

  @Get(':musicbrainz_id/credits')
  @ApiOperation({ summary: 'Artist credits in credit order' })
  @ApiOkResponse({ type: AlbumCreditsDto })
  @ApiErrorResponses(401, 404, 422, 429, ...UPSTREAM_ERRORS)
  async credits(
    @PathParams() { musicbrainz_id }: MusicBrainzIdParams,
    @QueryParams() { limit }: CreditsQuery,
  ): Promise<AlbumCreditsDto> {
    return toAlbumCredits((await this.albums.credits(musicbrainz_id, limit)).value);
  }
}
