import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
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
 * The same fixed windows in the `throttle_windows` table, for PostgreSQL, where several instances
 * share one database and must share one count per client (issue #14). One atomic upsert per attempt
 * starts, continues or restarts the window, so racing instances never lose a count. It bypasses
 * TransactionRunner: one statement is its own transaction, and no read cache shows these rows.
 */
export class SharedWindowCounter {
  private hits = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  async hit(key: string, now: number): Promise<number> {
    const [window] = await this.dataSource.query<{ count: number; resets_at: Date }[]>(
      `INSERT INTO "throttle_windows" ("key", "count", "resets_at") VALUES ($1, 1, $2)
       ON CONFLICT ("key") DO UPDATE SET
         "count" = CASE WHEN "throttle_windows"."resets_at" <= $3 THEN 1
                        ELSE "throttle_windows"."count" + 1 END,
         "resets_at" = CASE WHEN "throttle_windows"."resets_at" <= $3 THEN EXCLUDED."resets_at"
                            ELSE "throttle_windows"."resets_at" END
       RETURNING "count", "resets_at"`,
      [key, new Date(now + this.windowMs), new Date(now)],
    );
    if (++this.hits % SWEEP_THRESHOLD === 0) {
      await this.dataSource.query('DELETE FROM "throttle_windows" WHERE "resets_at" <= $1', [
        new Date(now),
      ]);
    }
    if (window.count <= this.limit) return 0;
    return Math.max(1, Math.ceil((new Date(window.resets_at).getTime() - now) / 1000));
  }
}

/**
 * Limits login and register to THROTTLE_LIMIT requests per client IP per THROTTLE_TTL, whatever
 * their outcome (contract §3.7). `req.ip` is the socket address, or the first X-Forwarded-For hop
 * when TRUST_PROXY makes Express trust the header. Counted in memory on SQLite (one process), in
 * the database on PostgreSQL (every instance).
 */
@Injectable()
export class LoginThrottleGuard implements CanActivate {
  private readonly counter: FixedWindowCounter | SharedWindowCounter | null;

  constructor(
    config: ConfigService<Configuration, true>,
    private readonly clock: Clock,
    dataSource: DataSource,
  ) {
    const { throttleLimit, throttleTtlMs } = config.get('auth', { infer: true });
    this.counter =
      throttleLimit === 0
        ? null
        : dataSource.options.type === 'postgres'
          ? new SharedWindowCounter(dataSource, throttleLimit, throttleTtlMs)
          : new FixedWindowCounter(throttleLimit, throttleTtlMs);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.counter) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const key = `${context.getClass().name}.${context.getHandler().name}:${client}`.slice(0, 200);
    const retryAfter = await this.counter.hit(key, this.clock.now().getTime());
    if (retryAfter === 0) return true;
    throw new ApiError(429, `Too many requests; try again in ${retryAfter} seconds`, {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}
