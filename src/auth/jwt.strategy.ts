import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Clock, epochSeconds } from '../common/clock.js';
import type { Configuration } from '../config/configuration.js';
import type { User } from '../users/entities/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { inactiveAccount, invalidCredentials } from './auth-errors.js';
import { VerifiedTokens, type VerifiedClaims } from '../cache/verified-tokens.js';

export const JWT_ALGORITHM = 'HS256';

interface AccessTokenClaims {
  sub?: unknown;
  exp?: unknown;
}

const USER_ID_SUBJECT = /^[1-9]\d{0,9}$/;
const extractBearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();
const EXACT_BEARER_PREFIX = 'Bearer ';

/** Verifies HS256 only, with no leeway; the user must still exist and be active (contract §3.6). */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    config: ConfigService<Configuration, true>,
    private readonly users: UsersService,
    private readonly verifiedTokens: VerifiedTokens,
    private readonly clock: Clock,
  ) {
    super({
      jwtFromRequest: extractBearerToken,
      // A KeyObject, so jsonwebtoken does not first try (and fail) to parse the secret as a PEM key on
      // every request: a quarter of the CPU of a cheap read, measured by bench:reads.
      // passport-jwt's types predate KeyObject; it hands the key to jsonwebtoken.verify, which takes one.
      secretOrKey: createSecretKey(
        Buffer.from(config.get('auth', { infer: true }).secretKey, 'utf8'),
      ) as unknown as string,
      algorithms: [JWT_ALGORITHM],
      // Expiry is judged in validate(), by the Clock, as the verified-token shortcut judges it.
      ignoreExpiration: true,
      passReqToCallback: true,
    });
  }

  /** Called by passport-jwt once the signature is good. */
  async validate(request: Request, claims: AccessTokenClaims): Promise<Readonly<User>> {
    // Expired once the current second reaches `exp`, with no leeway; a token without one is refused.
    if (typeof claims.exp !== 'number' || epochSeconds(this.clock) >= claims.exp) {
      throw invalidCredentials();
    }
    if (typeof claims.sub !== 'string' || !USER_ID_SUBJECT.test(claims.sub)) {
      throw invalidCredentials();
    }
    const verified = { sub: claims.sub, exp: claims.exp };
    const user = await this.userFor(verified);
    this.verifiedTokens.remember(extractBearerToken(request)!, verified);
    return user;
  }

  /**
   * The claims of the request's token when this process has verified it before and it has not
   * expired. Only an exact `Bearer <token>` header is looked up; anything else goes through
   * passport.
   */
  recall(request: Request): VerifiedClaims | undefined {
    const header = request.headers.authorization;
    if (header === undefined || !header.startsWith(EXACT_BEARER_PREFIX)) return undefined;
    return this.verifiedTokens.recall(header.slice(EXACT_BEARER_PREFIX.length));
  }

  async userFor(claims: VerifiedClaims): Promise<Readonly<User>> {
    const user = await this.users.findSignedIn(Number(claims.sub));
    if (!user) throw invalidCredentials();
    if (!user.isActive) throw inactiveAccount(401);
    return user;
  }
}
