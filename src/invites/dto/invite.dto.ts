import { ApiProperty } from '@nestjs/swagger';
import { PageQuery } from '../../common/dto/page-query.dto.js';
import { OwnerDto, toOwner } from '../../common/dto/owner.dto.js';
import { IdParam } from '../../common/validation/ids.js';
import type { Invite } from '../entities/invite.entity.js';

export class InviteIdParams {
  @IdParam()
  invite_id: number;
}

export class ListInvitesQuery extends PageQuery {}

/** The answer to creating an invite: the only time its code is shown. */
export class CreatedInviteDto {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ description: 'Single use; shown only now', example: 'bV3Xq0m3kq3Yx1eA1hQb9w' })
  code: string;
  @ApiProperty({ format: 'date-time' }) expires_at: string;
  @ApiProperty({ type: OwnerDto }) created_by: OwnerDto;
}

export class InviteDto {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) expires_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) used_at: string | null;
  @ApiProperty({ type: OwnerDto, nullable: true, description: 'Who registered with it' })
  used_by: OwnerDto | null;
}

export class InvitePageDto {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) page: number;
  @ApiProperty({ type: 'integer' }) page_size: number;
  @ApiProperty({ type: [InviteDto] }) results: InviteDto[];
}

export function toInvite(invite: Invite): InviteDto {
  return {
    id: invite.id,
    created_at: invite.createdAt.toISOString(),
    expires_at: invite.expiresAt.toISOString(),
    used_at: invite.usedAt?.toISOString() ?? null,
    // A user removed outside the API leaves the invite used, with no one to name.
    used_by: invite.usedBy ? toOwner(invite.usedBy) : null,
  };
}
