import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, Repository } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { validateArgument } from '../common/validation/validate-arguments.js';
import { isUniqueViolation } from '../database/errors.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { AdminEmailDto, AdminPasswordDto } from './dto/admin-user.dto.js';
import { normalizeEmail, normalizeUsername } from './dto/credential-fields.js';
import { User } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { revokeSessions } from './sessions.js';
import { EMAIL_TAKEN } from './users.service.js';

/**
 * Account administration for the operator (portability.md §2.5), by username. Every change that can
 * end a session revokes the user's refresh tokens in the same transaction; access tokens stop at once
 * because every request checks the user (the running server learns of the write via OutsideWrites).
 */
@Injectable()
export class UserAdminService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly transactions: TransactionRunner,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  /** Every account, by id. */
  list(): Promise<User[]> {
    return this.users.find({ order: { id: 'ASC' } });
  }

  /** Deactivating also revokes every refresh token, so no session can come back. */
  async setActive(username: string, active: boolean): Promise<User> {
    const user = await this.byUsername(username);
    const now = this.clock.now();
    await this.transactions.run(['users', 'tokens'], async (manager) => {
      await manager.update(User, { id: user.id }, { isActive: active, updatedAt: now });
      if (!active) await revokeSessions(manager, user.id, now);
    });
    return { ...user, isActive: active };
  }

  /** The register rules apply; every session ends, as with a password change over the API. */
  async setPassword(username: string, password: string): Promise<void> {
    const user = await this.byUsername(username);
    await assertValid({ password }, AdminPasswordDto);
    const passwordHash = await this.hasher.hash(password);
    const now = this.clock.now();
    await this.transactions.run(['users', 'tokens'], async (manager) => {
      await manager.update(User, { id: user.id }, { passwordHash, updatedAt: now });
      await revokeSessions(manager, user.id, now);
    });
  }

  async setEmail(username: string, email: string): Promise<string> {
    const user = await this.byUsername(username);
    await assertValid({ email }, AdminEmailDto);
    const normalized = normalizeEmail(email);
    if (await this.users.existsBy({ email: normalized, id: Not(user.id) })) {
      throw new ApiError(409, EMAIL_TAKEN);
    }
    try {
      await this.transactions.run(['users'], (manager) =>
        manager.update(User, { id: user.id }, { email: normalized, updatedAt: this.clock.now() }),
      );
    } catch (error) {
      throw isUniqueViolation(error) ? new ApiError(409, EMAIL_TAKEN) : error;
    }
    return normalized;
  }

  private async byUsername(username: string): Promise<User> {
    const user = await this.users.findOneBy({ username: normalizeUsername(username) });
    if (!user) throw new ApiError(404, `No user named ${JSON.stringify(username)}`);
    return user;
  }
}

async function assertValid(value: object, dto: new () => object): Promise<void> {
  const { issues } = await validateArgument(value, 'body', dto);
  if (issues.length > 0) throw new ApiError(422, issues.map((issue) => issue.message).join('; '));
}
