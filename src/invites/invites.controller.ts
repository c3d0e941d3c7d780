import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { toOwner } from '../common/dto/owner.dto.js';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { PathParams, QueryParams } from '../http/request-arguments.js';
import { ApiAuth } from '../http/swagger.js';
import type { User } from '../users/entities/user.entity.js';
import {
  CreatedInviteDto,
  InviteIdParams,
  InvitePageDto,
  ListInvitesQuery,
  toInvite,
} from './dto/invite.dto.js';
import { InvitesService } from './invites.service.js';

@ApiTags('invites')
@ApiAuth()
@Controller('invites')
export class InvitesController {
  constructor(private readonly invites: InvitesService) {}

  @Post()
  @ApiOperation({ summary: 'Make a single-use invite code (shown only in this answer)' })
  @ApiCreatedResponse({ type: CreatedInviteDto })
  @ApiErrorResponses(401)
  async create(@CurrentUser() user: User): Promise<CreatedInviteDto> {
    const { invite, code } = await this.invites.create(user);
    return {
      id: invite.id,
      code,
      expires_at: invite.expiresAt.toISOString(),
      created_by: toOwner(user),
    };
  }

  @Get()
  @ApiOperation({ summary: 'Your invites, newest first, used or not (never their codes)' })
  @ApiOkResponse({ type: InvitePageDto })
  @ApiErrorResponses(401, 422)
  async list(
    @QueryParams() { page, page_size }: ListInvitesQuery,
    @CurrentUser() user: User,
  ): Promise<InvitePageDto> {
    const [invites, total] = await this.invites.list(user, page, page_size);
    return { total, page, page_size, results: invites.map(toInvite) };
  }

  @Delete(':invite_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an unused invite of yours' })
  @ApiNoContentResponse()
  @ApiErrorResponses(401, 404, 409, 422)
  async revoke(
    @PathParams() { invite_id }: InviteIdParams,
    @CurrentUser() user: User,
  ): Promise<void> {
    await this.invites.revoke(user, invite_id);
  }
}
