import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, Repository, type EntityManager } from 'typeorm';
import { CompiledQuery, valueReader } from '../database/compiled-query.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/errors.js';
import { ReadCaches, type ReadCache } from '../cache/read-cache.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { ApiError } from '../common/api-error.js';
import { normalizeEmail, normalizeUsername } from './dto/credential-fields.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import { User } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { revokeSessions } from './sessions.js';

export const USERNAME_TAKEN = 'Username already registered';
export const EMAIL_TAKEN = 'Email already registered';
export const USER_NOT_FOUND = 'User not found';

/** Users signed in at once, more or less: each is a few hundred bytes. */
const SIGNED_IN_CACHE_ENTRIES = 1000;
/**
 * The API cannot deactivate or delete a user, so that is always done in the database directly:
 * a token must stop working within a second of it, whatever READ_CACHE_TTL is (contract §3.6).
 */
const SIGNED_IN_MAX_TTL_MS = 1000;

interface UserRow {
  id: number;
  username: string;
  email: string;
  password_hash: string;
  is_active: unknown;
  created_at: unknown;
  updated_at: unknown;
}

export interface NewUser {
  username: string;
  email: string;
  password: string;
}

@Injectable()
export class UsersService {
  private readonly signedIn: ReadCache<Readonly<User>> | null;
  /**
   * The signed-in user read raw: with READ_CACHE_TTL=0 every authenticated request asks, and
   * `findOneBy` spent ten times as long building its query and the entity as SQLite took to answer.
   */
  private readonly signedInById: CompiledQuery<{ id: number }, UserRow>;
  private readonly userFromRow: (row: UserRow) => User;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly transactions: TransactionRunner,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    caches: ReadCaches,
  ) {
    this.signedIn = caches.create({
      name: 'signed_in_users',
      domains: ['users'],
      maxEntries: SIGNED_IN_CACHE_ENTRIES,
      maxTtlMs: SIGNED_IN_MAX_TTL_MS,
    });
    const dataSource = users.manager.connection;
    this.signedInById = new CompiledQuery(dataSource, ['id'], () =>
      users
        .createQueryBuilder('user')
        .select('user.id', 'id')
        .addSelect('user.username', 'username')
        .addSelect('user.email', 'email')
        .addSelect('user.password_hash', 'password_hash')
        .addSelect('user.is_active', 'is_active')
        .addSelect('user.created_at', 'created_at')
        .addSelect('user.updated_at', 'updated_at')
        .where('user.id = :id'),
    );
    const readActive = valueReader<boolean>(dataSource, User, 'isActive');
    const readCreatedAt = valueReader<Date>(dataSource, User, 'createdAt');
    const readUpdatedAt = valueReader<Date>(dataSource, User, 'updatedAt');
    this.userFromRow = (row) =>
      Object.assign(new User(), {
        id: Number(row.id),
        username: row.username,
        email: row.email,
        passwordHash: row.password_hash,
        isActive: readActive(row.is_active),
        createdAt: readCreatedAt(row.created_at),
        updatedAt: readUpdatedAt(row.updated_at),
      });
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /**
   * The user an access token names, asked on every authenticated request: from memory until the
   * next write, for at most a second. The entity may be shared between requests, hence frozen
   * (always, so that a handler mutating it fails in every test, not only with the cache on).
   */
  async findSignedIn(id: number): Promise<Readonly<User> | null> {
    const load = async () => {
      const [row] = await this.signedInById.run({ id });
      return row ? Object.freeze(this.userFromRow(row)) : undefined;
    };
    const user = this.signedIn ? await this.signedIn.getOrLoad(String(id), load) : await load();
    return user ?? null;
  }

  async getById(id: number): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new ApiError(404, USER_NOT_FOUND);
    return user;
  }

  /** By username or email; `login` is already trimmed and lowercased. */
  findByLogin(login: string): Promise<User | null> {
    return this.users.findOne({ where: [{ username: login }, { email: login }] });
  }

  /**
   * The unique indexes decide races: a lost one is a 409, never a 500. `alongside` runs in the same
   * transaction once the user is inserted (spending an invite): if it throws, no user is created.
   */
  async create(
    input: NewUser,
    alongside?: (manager: EntityManager, user: User) => Promise<void>,
  ): Promise<User> {
    const username = normalizeUsername(input.username);
    const email = normalizeEmail(input.email);
    await this.assertAvailable(this.users.manager, { username, email });
    const passwordHash = await this.hasher.hash(input.password);
    const now = this.clock.now();
    try {
      return await this.transactions.run(['users'], async (manager) => {
        const user = await manager.save(
          manager.create(User, {
            username,
            email,
            passwordHash,
            isActive: true,
            createdAt: now,
            updatedAt: now,
          }),
        );
        await alongside?.(manager, user);
        return user;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.assertAvailable(this.users.manager, { username, email });
      throw error;
    }
  }

  /** Contract §4.2: 404, then 403 not yourself, then 403 wrong current password, then 409. */
  async update(id: number, actor: User, changes: UpdateUserDto): Promise<User> {
    const user = await this.getById(id);
    if (user.id !== actor.id) throw new ApiError(403, 'You can only modify your own account');
    if (
      changes.current_password !== undefined &&
      !(await this.hasher.verify(changes.current_password, user.passwordHash))
    ) {
      throw new ApiError(403, 'Current password is incorrect');
    }

    const username =
      changes.username === undefined ? undefined : normalizeUsername(changes.username);
    const email = changes.email === undefined ? undefined : normalizeEmail(changes.email);
    const passwordHash =
      changes.password === undefined ? undefined : await this.hasher.hash(changes.password);
    const patch: Partial<User> = {};
    if (username !== undefined && username !== user.username) patch.username = username;
    if (email !== undefined && email !== user.email) patch.email = email;
    if (passwordHash !== undefined) patch.passwordHash = passwordHash;
    if (Object.keys(patch).length === 0) return user;

    const now = this.clock.now();
    try {
      await this.transactions.run(['users', 'tokens'], async (manager) => {
        await this.assertAvailable(manager, patch, user.id);
        await manager.update(User, { id: user.id }, { ...patch, updatedAt: now });
        if (passwordHash !== undefined) {
          // A new password ends every session that could otherwise keep refreshing.
          await revokeSessions(manager, user.id, now);
        }
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.assertAvailable(this.users.manager, patch, user.id);
      throw error;
    }
    return this.getById(user.id);
  }

  /** Throws the contract's 409; the username message wins when both collide. */
  private async assertAvailable(
    manager: EntityManager,
    wanted: { username?: string; email?: string },
    exceptUserId?: number,
  ): Promise<void> {
    const others = exceptUserId === undefined ? {} : { id: Not(exceptUserId) };
    if (
      wanted.username !== undefined &&
      (await manager.existsBy(User, { username: wanted.username, ...others }))
    ) {
      throw new ApiError(409, USERNAME_TAKEN);
    }
    if (
      wanted.email !== undefined &&
      (await manager.existsBy(User, { email: wanted.email, ...others }))
    ) {
      throw new ApiError(409, EMAIL_TAKEN);
    }
  }
}
