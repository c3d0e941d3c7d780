/**
 * npm run bench:stats — GET /api/stats/overview and /api/stats/by-year/{year} (issue #10) at 100 and
 * at 10,000 weeks, 2 verdicts per pick, 4 active members and a deactivated one (bench/seed-stats.ts),
 * against the reference server's week detail (bench/reference-server.ts) measured in the same run.
 *
 * For each size, three child processes on the same SQLite file: the built app with the read cache
 * off (READ_CACHE_TTL=0), the built app with its default read cache, and the reference server.
 * - Latency, cache off: requests one after another (so latency is the time a request takes, not
 *   its wait in a queue), each timed to the microsecond (`sequentialLatency`), BENCH_SECONDS per
 *   endpoint, twice; the better run's p50. Targets at 10,000 weeks: overview ≤ 100 ms, a year ≤ 20 ms; and ≤ 20× the 100-week p50 for
 *   100× the data.
 * - Throughput, cache on: BENCH_CONNECTIONS (50) connections, alternating app, reference, app,
 *   reference; the better run of each. Target: the stats ≥ 1× the reference's week detail req/s.
 * - Queries: the statements one overview and one year run (StatsService called in-process on a copy
 *   of the file, statements counted through TypeORM's logger); they must not grow with the data.
 *   The first overview computes every year's figures (YearFigures): counted and timed apart, with
 *   an overview after a write to one year. The HTTP apps compute them during their warm-up, so the
 *   latency runs measure current figures: what every read after the first finds, unless a write
 *   has just changed a year (then it is the "after a write" figure).
 * It reports; it never fails a build. Only 127.0.0.1 is ever contacted.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatsYears } from '../src/database/stats-years.js';
import { StatsService } from '../src/stats/stats.service.js';
import { createTestApp } from '../test/support/test-app.js';
import {
  accessToken,
  APP_MAIN,
  APP_NODE_FLAGS,
  best,
  cautionIfNoisy,
  freePort,
  HOST,
  int,
  load,
  ms,
  ownPids,
  positive,
  REF_MAIN,
  report,
  sequentialLatency,
  start,
  stopAll,
  printTally,
  SIZES,
  waitReady,
  weeksLabel,
  type Run,
} from './harness.js';
import { seedStatsDatabase, type SeededStats } from './seed-stats.js';

const SECONDS = positive('BENCH_SECONDS', 5);
const WARMUP_SECONDS = positive('BENCH_WARMUP_SECONDS', 2);
const CONNECTIONS = Math.round(positive('BENCH_CONNECTIONS', 50));
const SECRET_KEY = 'stats-bench-secret-key-5d2e8c1a9f3b7e4d6a0c';

const TARGET_OVERVIEW_MS = 100;
const TARGET_YEAR_MS = 20;
const TARGET_GROWTH = 20;
const TARGET_RPS_RATIO = 1;

interface Endpoint {
  key: 'overview' | 'year';
  path: (seed: SeededStats) => string;
}
const ENDPOINTS: Endpoint[] = [
  { key: 'overview', path: () => '/api/stats/overview' },
  { key: 'year', path: (seed) => `/api/stats/by-year/${seed.midYear}` },
];

interface Measured {
  seed: SeededStats;
  latency: Record<Endpoint['key'], Run>;
  cached: Record<Endpoint['key'], Run>;
  reference: Record<Endpoint['key'], Run>;
  queries: Record<Endpoint['key'] | 'computing', number>;
  runs: Run[];
}

/** What the overview costs in-process (`inProcess`): the machine's speed, apart from HTTP. */
interface Yardstick {
  /** The overview's statements one after the other on the app's own connection, p50. */
  oneConnection: number;
  /** StatsService.overview() itself: the statements and the answer built from their rows, p50. */
  service: number;
  /** The first overview, which computes the figures of every year (once, after the migration). */
  computingEveryYear: number;
  /** An overview after a write to one year, which recomputes that year, p50. */
  afterAWrite: number;
}

/**
 * The statements StatsService runs for each endpoint, on a copy of the seeded file (the first
 * overview computes every year's figures; the counts after it are those of current figures); what
 * computing them costs, at first and after a write to one year; and, as a
 * yardstick of the machine's speed during this run (it moves by half within an hour here), the
 * overview's statements replayed one after the other, and StatsService.overview(), with no HTTP around them.
 */
async function inProcess(
  seed: SeededStats,
  dir: string,
): Promise<{ queries: Measured['queries']; yardstick: Yardstick }> {
  const file = join(dir, `count-${seed.weeks}.db`);
  await copyFile(seed.file, file);
  const app = await createTestApp({
    env: { DATABASE_URL: file, SECRET_KEY, READ_CACHE_TTL: '0', LOG_LEVEL: 'error' },
  });
  try {
    const stats = app.app.get(StatsService);
    const [{ id: aWeekId }] = await app.dataSource.query<{ id: number }[]>(
      'SELECT id FROM weeks WHERE year = ? ORDER BY week_number LIMIT 1',
      [seed.midYear],
    );
    const logger = app.dataSource.logger;
    const original = logger.logQuery.bind(logger);
    let statements: [string, unknown[]][] = [];
    logger.logQuery = (sql, parameters, ...rest) => {
      statements.push([sql, Array.isArray(parameters) ? parameters : []]);
      return original(sql, parameters, ...rest);
    };
    const count = async (work: () => Promise<unknown>) => {
      statements = [];
      await work();
      return statements.length;
    };
    const computingStarted = performance.now();
    const computing = await count(() => stats.overview());
    const computingEveryYear = performance.now() - computingStarted;
    const queries = {
      computing,
      overview: await count(() => stats.overview()),
      year: await count(() => stats.byYear(seed.midYear)),
    };
    await count(() => stats.overview());
    const overview = statements;
    logger.logQuery = original;
    const p50 = async (work: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        await work();
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b)[3];
    };
    const yardstick = {
      oneConnection: await p50(async () => {
        for (const [sql, parameters] of overview) await app.dataSource.query(sql, parameters);
      }),
      service: await p50(() => stats.overview()),
      computingEveryYear,
      afterAWrite: await p50(async () => {
        await app.dataSource.transaction((manager) => StatsYears.ofWeeks(manager, [aWeekId]));
        return stats.overview();
      }),
    };
    return { queries, yardstick };
  } finally {
    await app.close();
  }
}

/** The app's answers cover what was seeded (a wrong answer fast is no result). */
async function checkAnswers(seed: SeededStats, url: string, headers: Record<string, string>) {
  const get = async (path: string) =>
    (await (await fetch(`${url}${path}`, { headers })).json()) as {
      totals: { weeks: number; verdicts: number };
      members: unknown[];
    };
  const overview = await get('/api/stats/overview');
  const year = await get(`/api/stats/by-year/${seed.midYear}`);
  report(
    `seeded figures seen (weeks, verdicts, members; weeks of ${seed.midYear})`,
    `${overview.totals.weeks}, ${overview.totals.verdicts}, ${overview.members.length}; ${year.totals.weeks}`,
    `${seed.weeks}, ${seed.verdicts}, 5; ${Math.min(52, seed.weeks)}`,
    overview.totals.weeks === seed.weeks &&
      overview.totals.verdicts === seed.verdicts &&
      // The 5 users of the reads seed own weeks and give verdicts (one is deactivated).
      overview.members.length === 5 &&
      year.totals.weeks === Math.min(52, seed.weeks),
  );
}

const runLine = (runs: Run[]) =>
  runs
    .map(
      (r) =>
        `${int(r.rps)} req/s p50 ${ms(r.p50)} p99 ${ms(r.p99)}` +
        (r.foreignCpu === null ? '' : ` (other load ${r.foreignCpu.toFixed(0)}%)`),
    )
    .join(' | ');

if (!existsSync(APP_MAIN)) {
  console.error(`${APP_MAIN} is missing: run \`npm run build\` first (npm run bench:stats does).`);
  process.exit(1);
}

const dir = await mkdtemp(join(tmpdir(), 'wo-stats-bench-'));
const measured: Measured[] = [];
const started = performance.now();

try {
  console.log(
    `Stats benchmark (issue #10): app (node ${[...APP_NODE_FLAGS, 'dist/src/main.js'].join(' ')}, ` +
      `NODE_ENV=production) vs reference week detail (node:http + better-sqlite3)\n` +
      `latency: read cache off, 1 connection, ${SECONDS} s per run; throughput: read cache on, ` +
      `${CONNECTIONS} connections, ${SECONDS} s per run; ${WARMUP_SECONDS} s warm-up each; best of 2 runs.\n`,
  );

  const seeds: SeededStats[] = [];
  for (const { weeks, startYear } of SIZES) {
    const t0 = performance.now();
    const seed = await seedStatsDatabase(join(dir, `stats-${weeks}.db`), weeks, startYear);
    seeds.push(seed);
    console.log(
      `Seeded ${weeksLabel(weeks)} weeks: ${int(seed.moviePicks)} movie and ${int(seed.albumPicks)} album ` +
        `picks, ${int(seed.verdicts)} verdicts by 5 members (one deactivated), in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }

  for (const seed of seeds) {
    console.log(`\n== ${weeksLabel(seed.weeks)} weeks ==`);
    const { queries, yardstick } = await inProcess(seed, dir);
    console.log(
      `  the overview in-process, no HTTP: its ${queries.overview} statements one after the other on one ` +
        `connection ${ms(yardstick.oneConnection)} ms, StatsService.overview() ` +
        `${ms(yardstick.service)} ms (p50 of 7: the machine's speed in this run)\n` +
        `  computing the figures: every year's (the first overview, ${queries.computing} statements) ` +
        `${ms(yardstick.computingEveryYear)} ms, once; one year's after a write to it, with the ` +
        `overview that follows, ${ms(yardstick.afterAWrite)} ms (p50 of 7)`,
    );
    const urls = { uncached: '', cached: '', reference: '' };
    for (const key of Object.keys(urls) as (keyof typeof urls)[]) {
      urls[key] = `http://${HOST}:${await freePort()}`;
    }
    const appEnv = (url: string, readCacheTtl: Record<string, string>) => ({
      DATABASE_URL: seed.file,
      PORT: new URL(url).port,
      SECRET_KEY,
      LOG_LEVEL: 'error',
      THROTTLE_LIMIT: '0',
      ...readCacheTtl,
    });
    const children = [
      start(
        'app uncached',
        [...APP_NODE_FLAGS, APP_MAIN],
        appEnv(urls.uncached, { READ_CACHE_TTL: '0' }),
      ),
      start('app', [...APP_NODE_FLAGS, APP_MAIN], appEnv(urls.cached, {})),
      start('reference', [REF_MAIN], {
        REF_DATABASE: seed.file,
        PORT: new URL(urls.reference).port,
        SECRET_KEY,
      }),
    ];
    for (const child of children) ownPids.add(child.proc.pid!);
    await Promise.all([
      waitReady(children[0], urls.uncached),
      waitReady(children[1], urls.cached),
      waitReady(children[2], urls.reference),
    ]);
    const headers = {
      Authorization: `Bearer ${accessToken(String(seed.tokenUserId), SECRET_KEY)}`,
    };
    await checkAnswers(seed, urls.uncached, headers);

    const runs: Run[] = [];
    const latency = {} as Measured['latency'];
    for (const endpoint of ENDPOINTS) {
      const path = endpoint.path(seed);
      const url = `${urls.uncached}${path}`;
      await sequentialLatency(url, headers, WARMUP_SECONDS);
      const pair = [
        await sequentialLatency(url, headers, SECONDS),
        await sequentialLatency(url, headers, SECONDS),
      ];
      runs.push(...pair);
      console.log(`  ${path}, cache off: ${runLine(pair)}`);
      latency[endpoint.key] = pair.reduce((a, b) => (b.p50 < a.p50 ? b : a));
    }

    // Throughput: app and reference alternate, so that both meet the same machine; each endpoint
    // is compared with the reference runs of its own rounds.
    const refPath = `/api/weeks/${seed.midWeekId}`;
    const cached = {} as Measured['cached'];
    const reference = {} as Measured['reference'];
    await load(`${urls.reference}${refPath}`, headers, WARMUP_SECONDS, CONNECTIONS);
    for (const endpoint of ENDPOINTS) {
      const path = endpoint.path(seed);
      await load(`${urls.cached}${path}`, headers, WARMUP_SECONDS, CONNECTIONS);
      const appRuns: Run[] = [];
      const refRuns: Run[] = [];
      for (let round = 0; round < 2; round++) {
        appRuns.push(await load(`${urls.cached}${path}`, headers, SECONDS, CONNECTIONS));
        refRuns.push(await load(`${urls.reference}${refPath}`, headers, SECONDS, CONNECTIONS));
      }
      runs.push(...appRuns, ...refRuns);
      console.log(`  ${path}, cache on: ${runLine(appRuns)}`);
      console.log(`    reference ${refPath} meanwhile: ${runLine(refRuns)}`);
      cached[endpoint.key] = best(appRuns);
      reference[endpoint.key] = best(refRuns);
    }
    for (const child of children) {
      if (!child.alive)
        console.log(`  WARNING: ${child.name} exited during the runs:\n${child.log}`);
    }
    await stopAll();
    for (const child of children) ownPids.delete(child.proc.pid!);
    measured.push({ seed, latency, cached, reference, queries, runs });
  }

  // ----- Targets
  const [small, large] = measured;
  const labelOf = (m: Measured, key: Endpoint['key']) =>
    key === 'overview' ? 'GET /api/stats/overview' : `GET /api/stats/by-year/${m.seed.midYear}`;
  console.log('\nLatency with the read cache off (p50, one connection)\n');
  report(
    `${labelOf(large, 'overview')} at ${weeksLabel(large.seed.weeks)} weeks`,
    `${ms(large.latency.overview.p50)} ms`,
    `≤ ${TARGET_OVERVIEW_MS} ms`,
    large.latency.overview.p50 <= TARGET_OVERVIEW_MS,
  );
  report(
    `${labelOf(large, 'year')} at ${weeksLabel(large.seed.weeks)} weeks`,
    `${ms(large.latency.year.p50)} ms`,
    `≤ ${TARGET_YEAR_MS} ms`,
    large.latency.year.p50 <= TARGET_YEAR_MS,
  );
  for (const key of ['overview', 'year'] as const) {
    const growth = large.latency[key].p50 / small.latency[key].p50;
    report(
      `${key} p50, ${weeksLabel(large.seed.weeks)} vs ${weeksLabel(small.seed.weeks)} weeks ` +
        `(${ms(small.latency[key].p50)} → ${ms(large.latency[key].p50)} ms)`,
      `${growth.toFixed(2)}×`,
      `≤ ${TARGET_GROWTH}×`,
      growth <= TARGET_GROWTH,
    );
  }

  console.log(
    `\nThroughput with the read cache on, vs the reference's week detail (${CONNECTIONS} connections)\n`,
  );
  for (const m of measured) {
    for (const key of ['overview', 'year'] as const) {
      const ratio = m.cached[key].rps / m.reference[key].rps;
      report(
        `${labelOf(m, key)}, ${weeksLabel(m.seed.weeks)} weeks (${int(m.cached[key].rps)} vs ${int(m.reference[key].rps)} req/s)`,
        `${ratio.toFixed(2)}×`,
        `≥ ${TARGET_RPS_RATIO}×`,
        ratio >= TARGET_RPS_RATIO,
      );
    }
  }

  console.log('\nStatements per answer (StatsService alone, in-process)\n');
  for (const key of ['overview', 'year', 'computing'] as const) {
    report(
      `${key === 'computing' ? 'overview computing every year' : key}: at ${weeksLabel(small.seed.weeks)} and ${weeksLabel(large.seed.weeks)} weeks`,
      `${small.queries[key]}, ${large.queries[key]}`,
      'the same at both sizes',
      small.queries[key] === large.queries[key],
    );
  }

  cautionIfNoisy(measured.flatMap((m) => m.runs));
  printTally(started);
} finally {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
}
