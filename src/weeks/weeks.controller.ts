import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { JsonBody, PathParams, QueryParams } from '../http/request-arguments.js';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { CatalogUrls } from '../catalog/catalog-urls.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { CachedResponse } from '../cache/response-cache.js';
import { ApiAuth } from '../http/swagger.js';
import type { User } from '../users/entities/user.entity.js';
import { noVerdicts } from '../verdicts/dto/verdict-responses.dto.js';
import {
  AddAlbumDto,
  AddMovieDto,
  CreateWeekDto,
  ListWeeksQuery,
  UpdateWeekDto,
  WeekIdParams,
  WeekSlotParams,
} from './dto/week-requests.dto.js';
import {
  AddedAlbumDto,
  AddedMovieDto,
  toAlbumSlot,
  toMovieSlot,
  toWeek,
  WeekDetailDto,
  WeekDto,
  WeekPageDto,
} from './dto/week-responses.dto.js';
import { WeekOwnership } from './ownership.guard.js';
import { WeekItemsService } from './week-items.service.js';
import { WeeksService } from './weeks.service.js';

const UPSTREAM_ERRORS = [429, 502, 503, 504];

@ApiTags('weeks')
@ApiAuth()
@Controller('weeks')
export class WeeksController {
  constructor(
    private readonly weeks: WeeksService,
    private readonly items: WeekItemsService,
    private readonly urls: CatalogUrls,
  ) {}

  @Get()
  @CachedResponse()
  @ApiOperation({ summary: "Everyone's weeks, newest first" })
  @ApiOkResponse({ type: WeekPageDto })
  @ApiErrorResponses(401, 422)
  async list(@QueryParams() query: ListWeeksQuery): Promise<WeekPageDto> {
    const { total, weeks } = await this.weeks.list(query);
    return { total, page: query.page, page_size: query.page_size, results: weeks };
  }

  @Post()
  @ApiOperation({ summary: 'Create a week owned by you' })
  @ApiCreatedResponse({ type: WeekDto })
  @ApiErrorResponses(400, 401, 409, 413, 415, 422)
  async create(@JsonBody() body: CreateWeekDto, @CurrentUser() user: User): Promise<WeekDto> {
    return toWeek(await this.weeks.create(user, body));
  }

  @Get('current')
  @ApiOperation({ summary: 'The ISO week containing now (UTC), created unclaimed if missing' })
  @ApiOkResponse({ type: WeekDetailDto })
  @ApiErrorResponses(401)
  async current(): Promise<WeekDetailDto> {
    return this.weeks.current();
  }

  @Get(':week_id')
  @CachedResponse()
  @ApiOperation({ summary: 'A week with its movies and albums' })
  @ApiOkResponse({ type: WeekDetailDto })
  @ApiErrorResponses(401, 404, 422)
  async detail(@PathParams() { week_id }: WeekIdParams): Promise<WeekDetailDto> {
    return this.weeks.detail(week_id);
  }

  @Patch(':week_id')
  @WeekOwnership('modify')
  @ApiOperation({ summary: 'Set (string) or clear (null) the notes' })
  @ApiOkResponse({ type: WeekDto })
  @ApiErrorResponses(400, 401, 403, 404, 413, 415, 422)
  async update(
    @PathParams() { week_id }: WeekIdParams,
    @JsonBody() body: UpdateWeekDto,
  ): Promise<WeekDto> {
    return toWeek(await this.weeks.updateNotes(week_id, body));
  }

  @Delete(':week_id')
  @HttpCode(204)
  @WeekOwnership('delete')
  @ApiOperation({
    summary: 'Delete a week, its items and your verdicts on them (the catalog keeps the items)',
    description: "409 while other members' verdicts are on its picks.",
  })
  @ApiNoContentResponse()
  @ApiErrorResponses(401, 403, 404, 409, 422)
  async remove(@PathParams() { week_id }: WeekIdParams, @CurrentUser() user: User): Promise<void> {
    await this.weeks.remove(week_id, user);
  }

  @Post(':week_id/movies')
  @WeekOwnership('add')
  @ApiOperation({ summary: 'Put a movie in position 1 or 2 (claims an unclaimed week)' })
  @ApiCreatedResponse({ type: AddedMovieDto })
  @ApiErrorResponses(400, 401, 403, 404, 409, 413, 415, 422, ...UPSTREAM_ERRORS)
  async addMovie(
    @PathParams() { week_id }: WeekIdParams,
    @JsonBody() { tmdb_id, position }: AddMovieDto,
    @CurrentUser() user: User,
  ): Promise<AddedMovieDto> {
    const added = await this.items.addMovie(week_id, user, tmdb_id, position);
    return { week_id: added.weekId, ...toMovieSlot(added, noVerdicts()) };
  }

  @Delete(':week_id/movies/:position')
  @HttpCode(204)
  @WeekOwnership('remove')
  @ApiOperation({
    summary: 'Empty a movie position, with your verdicts on it (the catalog keeps the movie)',
    description: "409 while other members' verdicts are on it.",
  })
  @ApiNoContentResponse()
  @ApiErrorResponses(401, 403, 404, 409, 422)
  async removeMovie(
    @PathParams() { week_id, position }: WeekSlotParams,
    @CurrentUser() user: User,
  ): Promise<void> {
    await this.items.removeMovie(week_id, position, user);
  }

  @Post(':week_id/albums')
  @WeekOwnership('add')
  @ApiOperation({ summary: 'Put an album in position 1 or 2 (claims an unclaimed week)' })
  @ApiCreatedResponse({ type: AddedAlbumDto })
  @ApiErrorResponses(400, 401, 403, 404, 409, 413, 415, 422, ...UPSTREAM_ERRORS)
  async addAlbum(
    @PathParams() { week_id }: WeekIdParams,
    @JsonBody() { musicbrainz_id, position }: AddAlbumDto,
    @CurrentUser() user: User,
  ): Promise<AddedAlbumDto> {
    const added = await this.items.addAlbum(week_id, user, musicbrainz_id, position);
    return { week_id: added.weekId, ...toAlbumSlot(added, noVerdicts(), this.urls) };
  }

  @Delete(':week_id/albums/:position')
  @HttpCode(204)
  @WeekOwnership('remove')
  @ApiOperation({
    summary: 'Empty an album position, with your verdicts on it (the catalog keeps the album)',
    description: "409 while other members' verdicts are on it.",
  })
  @ApiNoContentResponse()
  @ApiErrorResponses(401, 403, 404, 409, 422)
  async removeAlbum(
    @PathParams() { week_id, position }: WeekSlotParams,
    @CurrentUser() user: User,
  ): Promise<void> {
    await this.items.removeAlbum(week_id, position, user);
  }
}
