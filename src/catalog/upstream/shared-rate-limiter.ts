import type { DataSource } from 'typeorm';
import { PACING_MARGIN_MS } from './rate-limiter.js';
import { sleep } from './sleep.js';
import { UpstreamError, type CatalogName } from './upstream-error.js';

/** "No bound" for the wait, in a form PostgreSQL's interval arithmetic takes (about 11 days). */
const UNBOUNDED_WAIT_MS = 1e9;

/**
 * RateLimiter's pacing (burst 1) for every instance on one PostgreSQL database (issue #14): start
 * slots come from the `upstream_pacing` row, by the database's clock, so two instances never send
 * MusicBrainz two requests within MUSICBRAINZ_MIN_INTERVAL. One conditional upsert reserves the next
 * slot, max(now, next free) — unless it lies more than `maxWaitMs` away: then nothing is reserved and
 * the caller is refused (429), as with the in-process queue. Slots are spaced by the interval plus
 * PACING_MARGIN_MS, which absorbs the difference in the instances' round trips to the database.
 */
export class SharedRateLimiter {
  private readonly spacingMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: CatalogName,
    private readonly upstream: string,
    intervalMs: number,
  ) {
    this.spacingMs = intervalMs > 0 ? intervalMs + PACING_MARGIN_MS : 0;
  }

  async acquire(maxWaitMs = Infinity): Promise<void> {
    // The bound is judged on the nominal schedule, as RateLimiter.reserve judges it: the margin
    // spaces real starts, it does not make a slot one interval away count as too far.
    const margin = this.spacingMs > 0 ? PACING_MARGIN_MS : 0;
    const bound = Math.min(maxWaitMs, UNBOUNDED_WAIT_MS) + margin;
    const reserved = await this.dataSource.query<{ wait_ms: string | number }[]>(
      `INSERT INTO "upstream_pacing" AS "pacing" ("upstream", "next_start_at")
       VALUES ($1, clock_timestamp() + $2 * INTERVAL '1 millisecond')
       ON CONFLICT ("upstream") DO UPDATE
         SET "next_start_at" = GREATEST("pacing"."next_start_at", clock_timestamp())
                               + $2 * INTERVAL '1 millisecond'
         WHERE "pacing"."next_start_at" <= clock_timestamp() + $3 * INTERVAL '1 millisecond'
       RETURNING EXTRACT(EPOCH FROM ("next_start_at" - clock_timestamp())) * 1000 - $2 AS "wait_ms"`,
      [this.upstream, this.spacingMs, bound],
    );
    if (reserved.length === 1) return sleep(Math.max(0, Number(reserved[0].wait_ms)));

    const [next] = await this.dataSource.query<{ wait_ms: string | number }[]>(
      `SELECT EXTRACT(EPOCH FROM ("next_start_at" - clock_timestamp())) * 1000 AS "wait_ms"
       FROM "upstream_pacing" WHERE "upstream" = $1`,
      [this.upstream],
    );
    const waitMs = Math.max(1, Number(next?.wait_ms ?? 1000));
    throw new UpstreamError(this.catalog, 'busy', Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
