import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../http/public.decorator.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { HealthService } from './health.service.js';

class HealthDto {
  @ApiProperty({ enum: ['healthy'] })
  status: 'healthy';

  @ApiProperty({ example: '0.1.0' })
  version: string;
}

class ReadinessDto {
  @ApiProperty({ enum: ['ready'] })
  status: 'ready';

  @ApiProperty({ enum: ['ok'] })
  database: 'ok';

  @ApiProperty({ enum: ['up_to_date'], description: 'The schema is at the latest migration' })
  migrations: 'up_to_date';
}

class NotReadyDto {
  @ApiProperty({ example: 'Database unavailable' })
  detail: string;

  @ApiProperty({ enum: ['not_ready'] })
  status: 'not_ready';

  @ApiProperty({ enum: ['error'] })
  database: 'error';

  @ApiProperty({
    enum: ['pending'],
    required: false,
    description: 'Present when the database answers but a migration is not applied',
  })
  migrations?: 'pending';
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness; never touches the database' })
  @ApiOkResponse({ type: HealthDto })
  @ApiErrorResponses()
  liveness(): HealthDto {
    return { status: 'healthy', version: this.health.version };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers, at the latest migration, within 2 s' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: NotReadyDto })
  @ApiErrorResponses()
  async readiness(): Promise<ReadinessDto> {
    await this.health.assertDatabaseReady();
    return { status: 'ready', database: 'ok', migrations: 'up_to_date' };
  }
}
