import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CachedResponse } from '../cache/response-cache.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { PathParams } from '../http/request-arguments.js';
import { ApiAuth } from '../http/swagger.js';
import { StatsYearParams } from './dto/stats-requests.dto.js';
import { StatsDto } from './dto/stats-responses.dto.js';
import { StatsService } from './stats.service.js';

@ApiTags('stats')
@ApiAuth()
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('overview')
  @CachedResponse()
  @ApiOperation({ summary: 'The whole history in figures (opinions.md §2)' })
  @ApiOkResponse({ type: StatsDto })
  @ApiErrorResponses(401)
  overview(): Promise<StatsDto> {
    return this.stats.overview();
  }

  @Get('by-year/:year')
  @CachedResponse()
  @ApiOperation({ summary: 'The same figures over the weeks of one ISO year' })
  @ApiOkResponse({ type: StatsDto })
  @ApiErrorResponses(401, 422)
  byYear(@PathParams() { year }: StatsYearParams): Promise<StatsDto> {
    return this.stats.byYear(year);
  }
}
