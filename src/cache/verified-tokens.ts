import { Inject, Injectable } from '@nestjs/common';
import type { LRUCache } from 'lru-cache';
import { Clock, epochSeconds } from '../common/clock.js';
import { Metrics, UNCOUNTED, type CacheLookups } from '../metrics/metrics.js';
import { clockedLru } from './clocked-lru.js';

/** The claims we rely on once a token's signature has been checked. */
export interface VerifiedClaims {
  sub: string;
  exp: number;
}

export const MAX_VERIFIED_TOKENS = 5000;

/**
 * Access tokens whose signature AccessTokens has already checked. A client sends the same token on
 * every request for up to JWT_ACCESS_TTL, and on a cached read the token check and the HMAC were a
 * quarter of the CPU (bench:reads). Only the signature check is skipped: expiry is checked here, and the
 * user (exists, active) by the caller, on every request.
 */
@Injectable()
export class VerifiedTokens {
  private readonly tokens: LRUCache<string, VerifiedClaims>;

  constructor(
    private readonly clock: Clock,
    @Inject(Metrics) private readonly lookups: CacheLookups = UNCOUNTED,
  ) {
    this.tokens = clockedLru(clock, { max: MAX_VERIFIED_TOKENS, ttlMs: 0 });
  }

  /** Kept until `exp` by the Clock; a token already expired by it is not kept. */
  remember(token: string, claims: VerifiedClaims): void {
    const ttl = claims.exp * 1000 - this.clock.now().getTime();
    if (ttl > 0) this.tokens.set(token, claims, { ttl });
    else this.tokens.delete(token);
  }

  /** Expired once the Clock's current second reaches `exp`, as AccessTokens judges it. */
  recall(token: string): VerifiedClaims | undefined {
    const claims = this.tokens.get(token);
    this.lookups.cacheLookup('verified_tokens', claims !== undefined);
    if (claims === undefined) return undefined;
    if (epochSeconds(this.clock) >= claims.exp) {
      this.tokens.delete(token);
      return undefined;
    }
    return claims;
  }
}
