import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '../common/api-error.js';
import type { Configuration } from '../config/configuration.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { Public } from '../http/public.decorator.js';
import { Metrics } from '../metrics/metrics.js';

/**
 * Prometheus metrics (issue #13). Off unless METRICS_TOKEN is set: then an unknown route, as far as
 * anyone can tell. On, it needs `Authorization: Bearer <METRICS_TOKEN>`, not a user's token, so a
 * scraper needs no account and a member cannot read it.
 */
@ApiTags('health')
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly token: Buffer | null;

  constructor(
    private readonly metrics: Metrics,
    config: ConfigService<Configuration, true>,
  ) {
    const token = config.get('app', { infer: true }).metricsToken;
    this.token = token === null ? null : Buffer.from(`Bearer ${token}`);
  }

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics; needs Authorization: Bearer <METRICS_TOKEN> (off when unset)',
  })
  @ApiOkResponse({
    description: 'The Prometheus text format',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrorResponses(401, 404)
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    if (this.token === null) throw new ApiError(404, 'Not Found');
    const given = Buffer.from(authorization ?? '');
    if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) {
      throw new ApiError(401, 'Not authenticated', { headers: { 'WWW-Authenticate': 'Bearer' } });
    }
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
