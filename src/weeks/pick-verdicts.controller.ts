import { applyDecorators, Controller, Delete, HttpCode, Put, Res } from '@nestjs/common';
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
import { PutVerdictDto, type PickKind } from '../verdicts/dto/verdict-requests.dto.js';
import { VerdictDto } from '../verdicts/dto/verdict-responses.dto.js';
import { VerdictsService } from '../verdicts/verdicts.service.js';
import { WeekSlotParams } from './dto/week-requests.dto.js';
import { findPick } from './pick-slots.js';

const path = (kind: PickKind) => `:week_id/${kind}s/:position/verdict`;

const PutVerdict = (kind: PickKind) =>
  applyDecorators(
    Put(path(kind)),
    ApiOperation({
      summary: `Set your verdict on the ${kind} at this position (201 new, 200 replaced)`,
    }),
    ApiCreatedResponse({ type: VerdictDto, description: 'You had no verdict on it' }),
    ApiOkResponse({ type: VerdictDto, description: 'Your verdict replaced' }),
    ApiErrorResponses(400, 401, 404, 413, 415, 422),
  );

const DeleteVerdict = (kind: PickKind) =>
  applyDecorators(
    Delete(path(kind)),
    HttpCode(204),
    ApiOperation({ summary: `Delete your verdict on the ${kind} at this position` }),
    ApiNoContentResponse(),
    ApiErrorResponses(401, 404, 422),
  );

/**
 * Each member's own verdict on a pick (opinions.md §1.2, §1.3). Any member may judge any pick, the
 * picker included, so no OwnershipGuard: the pick is found (weeks' 404s) inside the verdict's
 * transaction. A PUT answers 201 or 200 depending on what it found, so it sets the status itself
 * (`@Res({ passthrough: true })`: Nest still sends the returned body).
 */
@ApiTags('verdicts')
@ApiAuth()
@Controller('weeks')
export class PickVerdictsController {
  constructor(private readonly verdicts: VerdictsService) {}

  @PutVerdict('movie')
  putMovieVerdict(
    @PathParams() { week_id, position }: WeekSlotParams,
    @JsonBody() body: PutVerdictDto,
    @CurrentUser() user: User,
    @Res({ passthrough: true }) response: Response,
  ): Promise<VerdictDto> {
    return this.put(findPick('movie', week_id, position), user, body, response);
  }

  @DeleteVerdict('movie')
  async removeMovieVerdict(
    @PathParams() { week_id, position }: WeekSlotParams,
    @CurrentUser() user: User,
  ): Promise<void> {
    await this.verdicts.remove(findPick('movie', week_id, position), user);
  }

  @PutVerdict('album')
  putAlbumVerdict(
    @PathParams() { week_id, position }: WeekSlotParams,
    @JsonBody() body: PutVerdictDto,
    @CurrentUser() user: User,
    @Res({ passthrough: true }) response: Response,
  ): Promise<VerdictDto> {
    return this.put(findPick('album', week_id, position), user, body, response);
  }

  @DeleteVerdict('album')
  async removeAlbumVerdict(
    @PathParams() { week_id, position }: WeekSlotParams,
    @CurrentUser() user: User,
  ): Promise<void> {
    await this.verdicts.remove(findPick('album', week_id, position), user);
  }

  private async put(
    pick: ReturnType<typeof findPick>,
    user: User,
    body: PutVerdictDto,
    response: Response,
  ): Promise<VerdictDto> {
    const { verdict, created } = await this.verdicts.put(pick, user, body);
    response.status(created ? 201 : 200);
    return verdict;
  }
}
