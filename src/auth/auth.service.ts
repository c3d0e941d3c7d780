import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { Configuration } from '../config/configuration.js';
import type { User } from '../users/entities/user.entity.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { UsersService, type NewUser } from '../users/users.service.js';
import { inactiveAccount, invalidLogin } from './auth-errors.js';
import type { TokenPairDto } from './dto/auth.dto.js';
import { RefreshTokensService } from './refresh-tokens.service.js';
import { Clock, epochSeconds } from '../common/clock.js';

@Injectable()
export class AuthService {
  private readonly accessTtlSeconds: number;

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokensService,
    private readonly jwt: JwtService,
    private readonly clock: Clock,
  ) {
    this.accessTtlSeconds = config.get('auth', { infer: true }).accessTtlSeconds;
  }

  register(input: NewUser): Promise<User> {
    return this.users.create(input);
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
