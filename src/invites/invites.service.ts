import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository, type EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import type { Configuration } from '../config/configuration.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import type { User } from '../users/entities/user.entity.js';
import { Invite } from './entities/invite.entity.js';

export const INVALID_INVITE = 'This invite code is invalid, used or expired';
const INVITE_NOT_FOUND = 'Invite not found';
/** 128 random bits, URL-safe (22 characters of base64url). */
const CODE_BYTES = 16;

const hashOf = (code: string) => createHash('sha256').update(code, 'utf8').digest('hex');

/**
 * Single-use registration codes (issue #13). A code is shown once, when it is made; only its SHA-256
 * is stored, so a database copy cannot be used to join. Invites are private to their creator: the
 * list shows only the caller's, and someone else's invite is "not found" rather than forbidden.
 */
@Injectable()
export class InvitesService {
  private readonly ttlMs: number;

  constructor(
    @InjectRepository(Invite) private readonly invites: Repository<Invite>,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
    config: ConfigService<Configuration, true>,
  ) {
    this.ttlMs = config.get('auth', { infer: true }).inviteTtlMs;
  }

  /** `creator` null: made by the operator. Returns the invite and its code, never stored. */
  async create(creator: User | null): Promise<{ invite: Invite; code: string }> {
    const code = randomBytes(CODE_BYTES).toString('base64url');
    const now = this.clock.now();
    const invite = await this.transactions.run(['users'], (manager) =>
      manager.save(
        manager.create(Invite, {
          codeHash: hashOf(code),
          createdById: creator?.id ?? null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.ttlMs),
          usedById: null,
          usedAt: null,
        }),
      ),
    );
    return { invite, code };
  }

  /** The creator's invites, newest first, with who used each: two queries. */
  async list(creator: User, page: number, pageSize: number): Promise<[Invite[], number]> {
    return this.invites.findAndCount({
      where: { createdById: creator.id },
      relations: { usedBy: true },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: pageSize,
      skip: (page - 1) * pageSize,
    });
  }

  /** Deletes an unused invite of the creator's: 404 if it is not theirs, 409 once it is used. */
  async revoke(creator: User, id: number): Promise<void> {
    await this.transactions.run(['users'], async (manager) => {
      const invite = await manager.findOneBy(Invite, { id, createdById: creator.id });
      if (!invite) throw new ApiError(404, INVITE_NOT_FOUND);
      if (invite.usedAt !== null) throw new ApiError(409, 'This invite has already been used');
      await manager.delete(Invite, { id });
    });
  }

  /** Whether the code names an unused, unexpired invite now (spend() decides for good). */
  isSpendable(code: string): Promise<boolean> {
    return this.invites.existsBy({
      codeHash: hashOf(code),
      usedAt: IsNull(),
      expiresAt: MoreThan(this.clock.now()),
    });
  }

  /**
   * Spends the code on `user`, inside the registration's own transaction, so a failed registration
   * leaves the code unspent. The conditional UPDATE decides races: of concurrent registrations with
   * one code, exactly one changes the row (SQLite runs them one after another; PostgreSQL's row
   * lock makes the others re-check `used_at` and find it set).
   */
  async spend(manager: EntityManager, code: string, user: User): Promise<void> {
    const now = this.clock.now();
    const { affected } = await manager.update(
      Invite,
      { codeHash: hashOf(code), usedAt: IsNull(), expiresAt: MoreThan(now) },
      { usedById: user.id, usedAt: now },
    );
    if (affected !== 1) throw new ApiError(403, INVALID_INVITE);
  }
}
