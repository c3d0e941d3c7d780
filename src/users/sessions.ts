import { IsNull, type EntityManager } from 'typeorm';
import { RefreshToken } from './entities/refresh-token.entity.js';

/** Revokes every live refresh token of the user, inside the caller's transaction. */
export async function revokeSessions(
  manager: EntityManager,
  userId: number,
  now: Date,
): Promise<void> {
  await manager.update(RefreshToken, { userId, revokedAt: IsNull() }, { revokedAt: now });
}
