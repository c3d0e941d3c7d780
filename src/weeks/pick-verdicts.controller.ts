import { Controller, Delete, HttpCode, Put, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { JsonBody, PathParams } from '../http/request-arguments.js';
import { ApiAuth } from '../http/swagger.js';
import type { User } from '../users/entities/user.entity.js';
import { PutVerdictDto } from '../verdicts/dto/verdict-requests.dto.js';
import { VerdictDto } from '../verdicts/dto/verdict-responses.dto.js';
import { VerdictsService } from '../verdicts/verdicts.service.js';
import { WeekSlotParams } from './dto/week-requests.dto.js';
import { findPick } from './pick-slots.js';

const PUT_SUMMARY = 'Set your verdict on it (201 when new, 200 when it replaces yours)';
const DELETE_SUMMARY = 'Delete your verdict on it';

/**
 * Each member's own verdict on a pick (opinions.md §1.2, §1.3). Any member may judge any pick, the
 * picker included, so no OwnershipGuard: the pick is found (weeks' 404s) inside the verdict's
 * transaction. A PUT answers 201 or 200 depending on what it found, so it sends its own reply:
 * Nest would set the route's one status over any other.
 */
@ApiTags('verdicts')
@ApiAuth()
@Controller('weeks')
export class PickVerdictsController {
  constructor(private readonly verdicts: VerdictsService) {}

  @Put(':week_id/movies/:position/verdict')
  @ApiOperation({ summary: `Movie pick: ${PUT_SUMMARY}` })
  @ApiCreatedResponse({ type: VerdictDto, description: 'You had no verdict on it' })
  @ApiOkResponse({ type: VerdictDto, description: 'Your verdict replaced' })
  @ApiErrorResponses(400, 401, 404, 413, 415, 422)
  async putMovieVerdict(
    @PathParams() { week_id, position }: WeekSlotParams,
    @JsonBody() body: PutVerdictDto,
    @CurrentUser() user: User,
    @Res() response: Response,
  ): Promise<void> {
    const { verdict, created } = await this.verdicts.put(
      findPick('movie', week_id, position),
      user,
      body,
    );
    response.status(created ? 201 : 200).json(verdict);
  }

  @Delete(':week_id/movies/:position/verdict')
  @HttpCode(204)
  @ApiOperation({ summary: `Movie pick: ${DELETE_SUMMARY}` })
  @ApiNoContentResponse()
  @ApiErrorResponses(401, 404, 422)
  async removeMovieVerdict(
    @PathParams() { week_id, position }: WeekSlotParams,
    @CurrentUser() user: User,
  ): Promise<void> {
    await this.verdicts.remove(findPick('movie', week_id, position), user);
  }

  @Put(':week_id/albums/:position/verdict')
  @ApiOperation({ summary: `Album pick: ${PUT_SUMMARY}` })
  @ApiCreatedResponse({ type: VerdictDto, description: 'You had no verdict on it' })
  @ApiOkResponse({ type: VerdictDto, description: 'Your verdict replaced' })
  @ApiErrorResponses(400, 401, 404, 413, 415, 422)
  async putAlbumVerdict(
    @PathParams() { week_id, position }: WeekSlotParams,
    @JsonBody() body: PutVerdictDto,
    @CurrentUser() user: User,
    @Res() response: Response,
  ): Promise<void> {
    const { verdict, created } = await this.verdicts.put(
      findPick('album', week_id, position),
      user,
      body,
    );
    response.status(created ? 201 : 200).json(verdict);
  }

  @Delete(':week_id/albums/:position/verdict')
  @HttpCode(204)
  @ApiOperation({ summary: `Album pick: ${DELETE_SUMMARY}` })
  @ApiNoContentResponse()
  @ApiErrorResponses(401, 404, 422)
  async removeAlbumVerdict(
    @PathParams() { week_id, position }: WeekSlotParams,
    @CurrentUser() user: User,
  ): Promise<void> {
    await this.verdicts.remove(findPick('album', week_id, position), user);
  }
}
