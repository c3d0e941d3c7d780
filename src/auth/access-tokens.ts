import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { Clock, epochSeconds } from '../common/clock.js';
import type { Configuration } from '../config/configuration.js';
import type { User } from '../users/entities/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { inactiveAccount, invalidCredentials, notAuthenticated } from './auth-errors.js';
import { VerifiedTokens, type VerifiedClaims } from '../cache/verified-tokens.js';

export const JWT_ALGORITHM = 'HS256';

const USER_ID_SUBJECT = /^[1-9]\d{0,9}$/;
/** A scheme and a credential separated by whitespace; the scheme is matched case-insensitively. */
const AUTHORIZATION = /(\S+)\s+(\S+)/;

/**
 * The signed-in user of a request's bearer token (contract §3.6): HS256 only, no leeway, and the
 * user must still exist and be active.
 *
 * This is an injectable service rather than a passport strategy on purpose: passport keeps its
 * strategies in one process-wide registry, so with two apps in one process (the two-instance tests,
 * the benches) every token was checked by whichever app registered last, against that app's users.
 */
@Injectable()
export class AccessTokens {
  // A KeyObject, so jsonwebtoken does not first try (and fail) to parse the secret as a PEM key on
  // every request: a quarter of the CPU of a cheap read, measured by bench:reads.
  private readonly key: KeyObject;

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly verifiedTokens: VerifiedTokens,
    private readonly clock: Clock,
  ) {
    this.key = createSecretKey(Buffer.from(config.get('auth', { infer: true }).secretKey, 'utf8'));
  }

  /** 401 `notAuthenticated` without a bearer token, `invalidCredentials` for a bad one. */
  async userOf(authorization: string | undefined): Promise<Readonly<User>> {
    const token = bearerToken(authorization);
    if (token === null) throw notAuthenticated();
    const recalled = this.verifiedTokens.recall(token);
    const claims = recalled ?? this.verify(token);
    const user = await this.users.findSignedIn(Number(claims.sub));
    if (!user) throw invalidCredentials();
    if (!user.isActive) throw inactiveAccount(401);
    if (!recalled) this.verifiedTokens.remember(token, claims);
    return user;
  }

  private verify(token: string): VerifiedClaims {
    let claims: { sub?: unknown; exp?: unknown };
    try {
      claims = this.jwt.verify(token, {
        // @nestjs/jwt's types predate KeyObject; it hands the key to jsonwebtoken, which takes one.
        secret: this.key as unknown as string,
        algorithms: [JWT_ALGORITHM],
        // Expiry is judged below by the Clock, as the verified-token shortcut judges it.
        ignoreExpiration: true,
      });
    } catch {
      throw invalidCredentials();
    }
    // Expired once the current second reaches `exp`, with no leeway; a token without one is refused.
    if (typeof claims.exp !== 'number' || epochSeconds(this.clock) >= claims.exp) {
      throw invalidCredentials();
    }
    if (typeof claims.sub !== 'string' || !USER_ID_SUBJECT.test(claims.sub)) {
      throw invalidCredentials();
    }
    return { sub: claims.sub, exp: claims.exp };
  }
}

/** The token of a `Bearer <token>` header, read as passport-jwt read it before (contract §3.6). */
function bearerToken(authorization: string | undefined): string | null {
  const parts = authorization === undefined ? null : AUTHORIZATION.exec(authorization);
  if (parts === null || parts[1].toLowerCase() !== 'bearer') return null;
  return parts[2];
}
