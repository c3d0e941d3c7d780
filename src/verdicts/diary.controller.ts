import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CachedResponse } from '../cache/response-cache.js';
import { CatalogUrls } from '../catalog/catalog-urls.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { PathParams, QueryParams } from '../http/request-arguments.js';
import { ApiAuth } from '../http/swagger.js';
import { UserIdParams } from '../users/dto/update-user.dto.js';
import { DiaryService } from './diary.service.js';
import { DiaryQuery } from './dto/verdict-requests.dto.js';
import { DiaryPageDto, toDiaryEntry } from './dto/verdict-responses.dto.js';

@ApiTags('verdicts')
@ApiAuth()
@Controller('users')
export class DiaryController {
  constructor(
    private readonly diary: DiaryService,
    private readonly urls: CatalogUrls,
  ) {}

  @Get(':user_id/verdicts')
  @CachedResponse()
  @ApiOperation({ summary: "A member's verdicts, newest week first, with the picks they judge" })
  @ApiOkResponse({ type: DiaryPageDto })
  @ApiErrorResponses(401, 404, 422)
  async list(
    @PathParams() { user_id }: UserIdParams,
    @QueryParams() query: DiaryQuery,
  ): Promise<DiaryPageDto> {
    const { user, total, verdicts } = await this.diary.page(user_id, query);
    return {
      total,
      page: query.page,
      page_size: query.page_size,
      results: verdicts.map((verdict) => toDiaryEntry(verdict, user, this.urls)),
    };
  }
}
