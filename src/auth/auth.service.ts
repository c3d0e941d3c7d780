import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { Configuration, RegistrationMode } from '../config/configuration.js';
import { ApiError } from '../common/api-error.js';
import { INVALID_INVITE, InvitesService } from '../invites/invites.service.js';
import { normalizeEmail } from '../users/dto/credential-fields.js';
import type { User } from '../users/entities/user.entity.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { UsersService } from '../users/users.service.js';
import { inactiveAccount, invalidLogin } from './auth-errors.js';
import type { RegisterDto, TokenPairDto } from './dto/auth.dto.js';
import { RefreshTokensService } from './refresh-tokens.service.js';
import { Clock, epochSeconds } from '../common/clock.js';

@Injectable()
export class AuthService {
  private readonly accessTtlSeconds: number;
  private readonly registration: RegistrationMode;
  private readonly allowedEmails: ReadonlySet<string> | null;

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokensService,
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    private readonly invites: InvitesService,
  ) {
    const auth = config.get('auth', { infer: true });
    this.accessTtlSeconds = auth.accessTtlSeconds;
    this.registration = auth.registration;
    this.allowedEmails = auth.registrationEmails && new Set(auth.registrationEmails);
  }

  /**
   * Who may join (issue #13), decided before anything is looked up or created, so a refused
   * registration reveals nothing and creates nothing; the throttle has counted it already.
   */
  async register({ invite_code, ...input }: RegisterDto): Promise<User> {
    switch (this.registration) {
      case 'closed':
        throw new ApiError(403, 'Registration is closed');
      case 'invite': {
        if (invite_code === undefined) throw new ApiError(403, 'An invite code is required');
        if (!(await this.invites.isSpendable(invite_code))) throw new ApiError(403, INVALID_INVITE);
        return this.users.create(input, (manager, user) =>
          this.invites.spend(manager, invite_code, user),
        );
      }
      case 'open': {
        const email = normalizeEmail(input.email);
        if (this.allowedEmails && !this.allowedEmails.has(email)) {
          throw new ApiError(403, 'This email address is not invited');
        }
        return this.users.create(input);
      }
    }
  }

  /** Unknown users and wrong passwords look alike, in answer and in time (a bcrypt runs for both). */
  async login(login: string, password: string): Promise<TokenPairDto> {
    const user = await this.users.findByLogin(login.trim().toLowerCase());
    const passwordMatches = await this.hasher.verify(password, user?.passwordHash);
    if (!user || !passwordMatches) throw invalidLogin();
    if (!user.isActive) throw inactiveAccount(403);
    return this.tokenPair(user, await this.refreshTokens.issue(user.id));
  }

  async refresh(presented: string): Promise<TokenPairDto> {
    const { user, token } = await this.refreshTokens.rotate(presented);
    return this.tokenPair(user, token);
  }

  logout(presented: string): Promise<void> {
    return this.refreshTokens.revoke(presented);
  }

  private async tokenPair(user: User, refreshToken: string): Promise<TokenPairDto> {
    // `iat` from the Clock (jsonwebtoken would read the system clock), and `exp` follows from it.
    const accessToken = await this.jwt.signAsync(
      { sub: String(user.id), iat: epochSeconds(this.clock) },
      { expiresIn: this.accessTtlSeconds },
    );
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: this.accessTtlSeconds,
      refresh_token: refreshToken,
    };
  }
}
