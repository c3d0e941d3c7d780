import { ApiProperty } from '@nestjs/swagger';

/** A user as other replies name them: a week's owner, a verdict's author (contract §5.1). */
export class OwnerDto {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() username: string;
}

export function toOwner(user: { id: number; username: string }): OwnerDto {
  return { id: user.id, username: user.username };
}
