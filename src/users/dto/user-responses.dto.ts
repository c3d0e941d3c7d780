import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../entities/user.entity.js';

export class PublicUserDto {
  @ApiProperty({ type: 'integer', example: 42 })
  id: number;

  @ApiProperty({ example: 'alice' })
  username: string;

  @ApiProperty({ format: 'date-time', example: '2025-12-28T16:05:00.000Z' })
  created_at: string;
}

export class SelfUserDto extends PublicUserDto {
  @ApiProperty({ example: 'alice@example.org' })
  email: string;

  @ApiProperty()
  is_active: boolean;
}

export function toPublicUser(user: User): PublicUserDto {
  return { id: user.id, username: user.username, created_at: user.createdAt.toISOString() };
}

export function toSelfUser(user: User): SelfUserDto {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    is_active: user.isActive,
    created_at: user.createdAt.toISOString(),
  };
}
