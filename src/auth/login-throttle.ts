import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { Clock } from '../common/clock.js';
import type { Configuration } from '../config/configuration.js';
import { ApiError } from '../common/api-error.js';

interface Window {
  count: number;
  resetsAt: number;
}

/** Past this many tracked clients, expired windows are swept so memory stays bounded. */
const SWEEP_THRESHOLD = 10_000;

/**
 * Fixed-window attempt counter per client and endpoint.
 * (@nestjs/throttler is CommonJS requiring the ESM-only @nestjs/common 12, which Jest cannot load.)
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts an attempt; returns the seconds until one is allowed again, or 0 when allowed now. */
  hit(key: string, now: number): number {
    if (this.windows.size > SWEEP_THRESHOLD) this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.resetsAt <= now) {
      window = { count: 0, resetsAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit) return 0;
    return Math.max(1, Math.ceil((window.resetsAt - now) / 1000));
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetsAt <= now) this.windows.delete(key);
  }
}

/**
 * Limits login and register to THROTTLE_LIMIT requests per client IP per THROTTLE_TTL, whatever
 * their outcome (contract §3.7). `req.ip` is the socket address, or the first X-Forwarded-For hop
 * when TRUST_PROXY makes Express trust the header.
 */
@Injectable()
export class LoginThrottleGuard implements CanActivate {
  private readonly counter: FixedWindowCounter | null;

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly clock: Clock,
  ) {
    const { throttleLimit, throttleTtlMs } = config.get('auth', { infer: true });
    this.counter =
      throttleLimit === 0 ? null : new FixedWindowCounter(throttleLimit, throttleTtlMs);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.counter) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const key = `${context.getClass().name}.${context.getHandler().name}:${client}`;
    const retryAfter = this.counter.hit(key, this.clock.now().getTime());
    if (retryAfter === 0) return true;
    throw new ApiError(429, `Too many requests; try again in ${retryAfter} seconds`, {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}
