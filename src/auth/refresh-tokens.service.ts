import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { IsNull, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { Configuration } from '../config/configuration.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { User } from '../users/entities/user.entity.js';
import { invalidRefreshToken } from './auth-errors.js';
import { RefreshToken } from '../users/entities/refresh-token.entity.js';

export type RotationOutcome = { ok: true; user: User; token: string } | { ok: false };

/**
 * Opaque refresh tokens (256 random bits, base64url), stored only as SHA-256 with a family id.
 * Each use rotates the token; presenting an already-rotated one revokes the whole family.
 */
@Injectable()
export class RefreshTokensService {
  private readonly ttlMs: number;

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
  ) {
    this.ttlMs = config.get('auth', { infer: true }).refreshTtlMs;
  }

  /** Starts a new family (a login). */
  issue(userId: number): Promise<string> {
    return this.transactions.run(['tokens'], (manager) =>
      this.insert(manager, userId, randomUUID()),
    );
  }

  /** Exchanges a token for a new one in the same family, or throws the contract's 401. */
  async rotate(presented: string): Promise<{ user: User; token: string }> {
    const outcome = await this.transactions.run(['tokens'], (manager) =>
      this.rotateWithin(manager, presented),
    );
    // Thrown after the commit, so a reuse's family revocation is kept.
    if (!outcome.ok) throw invalidRefreshToken();
    return outcome;
  }

  /** Idempotent: unknown, expired or revoked tokens are fine. */
  async revoke(presented: string): Promise<void> {
    await this.transactions.run(['tokens'], (manager) =>
      manager.update(
        RefreshToken,
        { tokenHash: hashToken(presented), revokedAt: IsNull() },
        { revokedAt: this.clock.now() },
      ),
    );
  }

  private async rotateWithin(manager: EntityManager, presented: string): Promise<RotationOutcome> {
    const now = this.clock.now();
    const stored = await manager.findOne(RefreshToken, {
      where: { tokenHash: hashToken(presented) },
      relations: { user: true },
    });
    if (!stored) return { ok: false };
    if (stored.revokedAt !== null) {
      await this.revokeFamily(manager, stored.familyId, now);
      return { ok: false };
    }
    if (stored.expiresAt <= now || !stored.user?.isActive) return { ok: false };

    // The conditional update is the atomic step: of concurrent rotations only one changes a row.
    const claimed = await manager.update(
      RefreshToken,
      { id: stored.id, revokedAt: IsNull() },
      { revokedAt: now },
    );
    if (claimed.affected !== 1) {
      await this.revokeFamily(manager, stored.familyId, now);
      return { ok: false };
    }
    const token = await this.insert(manager, stored.userId, stored.familyId);
    return { ok: true, user: stored.user, token };
  }

  private async revokeFamily(manager: EntityManager, familyId: string, now: Date): Promise<void> {
    await manager.update(RefreshToken, { familyId, revokedAt: IsNull() }, { revokedAt: now });
  }

  private async insert(manager: EntityManager, userId: number, familyId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await manager.insert(RefreshToken, {
      userId,
      familyId,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + this.ttlMs),
      revokedAt: null,
      createdAt: now,
    });
    return token;
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
