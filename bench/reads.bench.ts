/**
 * npm run bench:reads — read throughput and latency of the three busiest reads (issues #4, #9 and
 * #14), against a minimal reference server (bench/reference-server.ts: node:http + better-sqlite3
 * or node-pg, same database, same JWT check, byte-identical JSON), with 2 verdicts per pick in the
 * replies (week detail: every verdict; selections: rating summaries). Two lanes (BENCH_LANES, a
 * comma-separated list; both by default):
 *
 * - `sqlite`, at 100 and at 10,000 weeks: seed a SQLite file (bench/seed-reads.ts), start the built
 *   app (`node dist/src/main.js`), the same app with READ_CACHE_TTL=0 (the uncached reads) and the
 *   reference server as child processes, check that each app answers every probe as the reference
 *   does, then load each endpoint with autocannon (50 connections, BENCH_SECONDS each, 5 s by
 *   default), alternating app, reference, uncached app, twice.
 * - `postgres`, at 10,000 weeks: the same data copied into a throwaway database on the local
 *   PostgreSQL, two app instances on it (the read cache on; they end each other's caches with
 *   NOTIFY) loaded together, 25 connections each, against the reference server reading the same
 *   database with 50.
 *
 * The better of each server's two runs (by requests/s) is kept, with that run's p50/p99. Each
 * figure is printed next to its target with MET/MISSED. It reports; it never fails a build.
 *
 * Env: BENCH_LANES (default sqlite,postgres), BENCH_SECONDS (default 5), BENCH_WARMUP_SECONDS
 * (default 2), BENCH_CONNECTIONS (default 50), BENCH_READ_CACHE_TTL (the cached apps'
 * READ_CACHE_TTL; unset: the app's default).
 * Only 127.0.0.1 is ever contacted.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  accessToken as signedAccessToken,
  APP_MAIN,
  APP_NODE_FLAGS,
  best,
  cautionIfNoisy,
  freePort,
  HOST,
  int,
  loadTogether,
  memoryOf,
  ms,
  ownPids,
  positive,
  REF_MAIN,
  report,
  signToken as signWith,
  start,
  stopAll,
  printTally,
  SIZES,
  verdict,
  waitReady,
  weeksLabel,
  type Run,
} from './harness.js';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../test/support/throwaway-postgres.js';
import { copyReadsToPostgres, seedReadsDatabase, type SeededReads } from './seed-reads.js';

// ---------------------------------------------------------------------------------------------
// Settings

const SECONDS = positive('BENCH_SECONDS', 5);
const WARMUP_SECONDS = positive('BENCH_WARMUP_SECONDS', 2);
const CONNECTIONS = Math.round(positive('BENCH_CONNECTIONS', 50));
const READ_CACHE_TTL = process.env.BENCH_READ_CACHE_TTL;
const SECRET_KEY = 'reads-bench-secret-key-3f9c1a7e5b2d4c6e8a0b';
const signToken = (claims: Record<string, unknown>, secret = SECRET_KEY) =>
  signWith(claims, secret);
const accessToken = (sub: string, ttlSeconds = 3600) =>
  signedAccessToken(sub, SECRET_KEY, ttlSeconds);
const LANES = new Set(
  (process.env.BENCH_LANES ?? 'sqlite,postgres').split(',').map((l) => l.trim()),
);
for (const lane of LANES) {
  if (lane !== 'sqlite' && lane !== 'postgres')
    throw new Error(`BENCH_LANES: unknown lane ${lane}`);
}
const POSTGRES_WEEKS = 10_000;

/** Issue #9: app req/s ≥ 1× the reference's with the read cache on. */
const TARGET_RPS_RATIO = 1;
/** Issue #14: ≥ 0.5× with READ_CACHE_TTL=0 on SQLite, and two instances on PostgreSQL. */
const TARGET_UNCACHED_RPS_RATIO = 0.5;
const TARGET_POSTGRES_RPS_RATIO = 0.5;
const TARGET_P99_RATIO = 3;
const TARGET_GROWTH = 2;
const TARGET_RSS_MB = 200;

interface Endpoint {
  key: 'detail' | 'list' | 'selections';
  label: string;
  path: (seed: SeededReads) => string;
}
const ENDPOINTS: Endpoint[] = [
  { key: 'detail', label: 'GET /api/weeks/{mid id}', path: (s) => `/api/weeks/${s.midWeekId}` },
  {
    key: 'list',
    label: 'GET /api/weeks?page=3&page_size=20',
    path: () => '/api/weeks?page=3&page_size=20',
  },
  {
    key: 'selections',
    label: 'GET /api/movies/selections?page=3&page_size=20',
    path: () => '/api/movies/selections?page=3&page_size=20',
  },
];

// ---------------------------------------------------------------------------------------------
// Tokens

// ---------------------------------------------------------------------------------------------
// Identity of the two servers' answers

async function fetchText(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text() };
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const around = (text: string) => JSON.stringify(text.slice(Math.max(0, i - 60), i + 60));
  return `at char ${i}: app …${around(a)}… vs reference …${around(b)}…`;
}

// What the probes must show of verdicts (issue #9), found in the app's replies: identity over
// replies that lack a case would prove nothing about it.

interface RatingJson {
  count: number;
  average: number | null;
  spread: number | null;
}
interface VerdictJson {
  user: { id: number };
  rating: number | null;
  review: string | null;
  spoiler: boolean;
  consumed_on: string | null;
  created_at: string;
}
interface SlotJson {
  verdicts?: VerdictJson[];
  rating?: RatingJson;
}
interface SelectionsItemJson {
  selections?: { rating?: RatingJson }[];
  rating?: RatingJson;
}

const VERDICT_CASES = [
  'a pick with 0 verdicts',
  'a pick with 1 verdict',
  'a pick with 2 verdicts',
  'a pick with 3 or more verdicts',
  'average 7.5 (7, 8)',
  'average 8.33, spread 1.25 (7, 8, 10)',
  'a review-only verdict (rating null)',
  'ratings only in reviews: count 0, average null',
  'spoiler true',
  'spoiler false',
  'consumed_on null',
  'consumed_on set',
  'a review JSON must escape (quotes, backslash, control characters)',
  'a review with astral characters',
  'two verdicts with the same created_at (ordered by user id)',
  'a movie selections item pooling 2 picks (8.125 → 8.13)',
  'an album selections item pooling 2 picks',
];

function coverVerdictCases(body: unknown, covered: Set<string>): void {
  const rating = (r: RatingJson | undefined, count: number, average: number | null) =>
    r?.count === count && r.average === average;
  const slots = [
    ...((body as { movies?: SlotJson[] }).movies ?? []),
    ...((body as { albums?: SlotJson[] }).albums ?? []),
  ];
  for (const slot of slots) {
    const verdicts = slot.verdicts ?? [];
    covered.add(
      verdicts.length >= 3
        ? 'a pick with 3 or more verdicts'
        : `a pick with ${verdicts.length} verdict${verdicts.length === 1 ? '' : 's'}`,
    );
    if (rating(slot.rating, 2, 7.5)) covered.add('average 7.5 (7, 8)');
    if (rating(slot.rating, 3, 8.33) && slot.rating?.spread === 1.25)
      covered.add('average 8.33, spread 1.25 (7, 8, 10)');
    if (verdicts.length > 0 && rating(slot.rating, 0, null))
      covered.add('ratings only in reviews: count 0, average null');
    verdicts.forEach((verdict, index) => {
      if (verdict.rating === null) covered.add('a review-only verdict (rating null)');
      covered.add(`spoiler ${verdict.spoiler}`);
      covered.add(verdict.consumed_on === null ? 'consumed_on null' : 'consumed_on set');
      const review = verdict.review ?? '';
      if (JSON.stringify(review) !== `"${review}"`)
        covered.add('a review JSON must escape (quotes, backslash, control characters)');
      if (/[\u{10000}-\u{10ffff}]/u.test(review)) covered.add('a review with astral characters');
      const previous = verdicts[index - 1];
      if (previous?.created_at === verdict.created_at && previous.user.id < verdict.user.id)
        covered.add('two verdicts with the same created_at (ordered by user id)');
    });
  }
  const results = (body as { results?: (SelectionsItemJson & { tmdb_id?: number })[] }).results;
  for (const item of results ?? []) {
    if ((item.selections?.length ?? 0) < 2 || !item.rating) continue;
    if (item.tmdb_id === undefined) covered.add('an album selections item pooling 2 picks');
    else if (rating(item.rating, 8, 8.13))
      covered.add('a movie selections item pooling 2 picks (8.125 → 8.13)');
  }
}

async function checkIdentity(seed: SeededReads, appUrl: string, refUrl: string): Promise<boolean> {
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const auth = bearer(accessToken(String(seed.tokenUserId)));
  const lastSelectionsPage = Math.ceil(seed.selectedMovies / 100);
  const lastAlbumSelectionsPage = Math.ceil(seed.selectedAlbums / 100);
  const probes: { path: string; headers: Record<string, string>; expect: number }[] = [
    ...[seed.midWeekId, 1, seed.weeks, seed.unclaimedWeekId, 4, ...seed.verdictProbeWeekIds].map(
      (id) => ({ path: `/api/weeks/${id}`, headers: auth, expect: 200 }),
    ),
    { path: `/api/weeks/${seed.weeks + 1}`, headers: auth, expect: 404 },
    ...[
      '/api/weeks',
      '/api/weeks/',
      '/api/weeks?page=3&page_size=20',
      '/api/weeks?page_size=50',
      `/api/weeks?page=${Math.ceil(seed.weeks / 100)}&page_size=100`,
      '/api/weeks?page=10000',
      `/api/weeks?year=${seed.someYear}&page_size=100`,
      '/api/movies/selections',
      '/api/movies/selections?page=3&page_size=20',
      '/api/movies/selections?page=2&page_size=100',
      `/api/movies/selections?page=${lastSelectionsPage}&page_size=100`,
      '/api/movies/selections?page=10000',
      ...seed.verdictProbePages.movies.map(
        (page) => `/api/movies/selections?page=${page}&page_size=100`,
      ),
      '/api/albums/selections',
      '/api/albums/selections?page=3&page_size=20',
      `/api/albums/selections?page=${lastAlbumSelectionsPage}&page_size=100`,
      ...seed.verdictProbePages.albums.map(
        (page) => `/api/albums/selections?page=${page}&page_size=100`,
      ),
    ].map((path) => ({ path, headers: auth, expect: 200 })),
    { path: '/api/weeks?page=0&page_size=abc', headers: auth, expect: 422 },
    // The same 401s.
    { path: '/api/weeks', headers: {}, expect: 401 },
    { path: '/api/weeks', headers: { Authorization: 'Basic abc' }, expect: 401 },
    { path: '/api/weeks', headers: bearer('not.a.jwt'), expect: 401 },
    { path: '/api/weeks', headers: bearer(accessToken('1', -10)), expect: 401 },
    { path: '/api/weeks', headers: bearer(accessToken('999')), expect: 401 },
    { path: '/api/weeks', headers: bearer(accessToken('01')), expect: 401 },
    { path: '/api/weeks', headers: bearer(accessToken(String(seed.inactiveUserId))), expect: 401 },
    {
      path: '/api/weeks',
      headers: bearer(signToken({ sub: '1', exp: 4_102_444_800 }, `${SECRET_KEY}-other`)),
      expect: 401,
    },
  ];

  let identical = 0;
  const covered = new Set<string>();
  for (const probe of probes) {
    const [app, ref] = await Promise.all([
      fetchText(`${appUrl}${probe.path}`, probe.headers),
      fetchText(`${refUrl}${probe.path}`, probe.headers),
    ]);
    if (app.status === 200) coverVerdictCases(JSON.parse(app.body), covered);
    const problems: string[] = [];
    if (app.status !== probe.expect)
      problems.push(`app answered ${app.status}, expected ${probe.expect}`);
    if (app.status !== ref.status)
      problems.push(`status app ${app.status} vs reference ${ref.status}`);
    if (app.body !== ref.body) {
      let sameJson = false;
      try {
        sameJson = JSON.stringify(JSON.parse(app.body)) === JSON.stringify(JSON.parse(ref.body));
      } catch {
        // not JSON
      }
      problems.push(
        sameJson
          ? 'bodies are the same JSON but not the same bytes'
          : `bodies differ ${firstDifference(app.body, ref.body)}`,
      );
    }
    if (problems.length === 0) identical++;
    else {
      const who = probe.headers.Authorization ? '' : ' (no Authorization)';
      console.log(`  IDENTITY MISMATCH  ${probe.path}${who}: ${problems.join('; ')}`);
    }
  }
  report(
    `identical answers, app vs reference (${probes.length} probes)`,
    `${identical}/${probes.length}`,
    `${probes.length}/${probes.length}`,
    identical === probes.length,
  );
  const uncovered = VERDICT_CASES.filter((name) => !covered.has(name));
  report(
    `verdict cases in the probed replies (${VERDICT_CASES.length})`,
    `${VERDICT_CASES.length - uncovered.length}/${VERDICT_CASES.length}`,
    `${VERDICT_CASES.length}/${VERDICT_CASES.length}`,
    uncovered.length === 0,
  );
  if (uncovered.length > 0) console.log(`  not covered: ${uncovered.join('; ')}`);

  // Sanity: the listings cover what was seeded.
  const list = JSON.parse((await fetchText(`${appUrl}/api/weeks`, auth)).body) as { total: number };
  const selections = JSON.parse(
    (await fetchText(`${appUrl}/api/movies/selections`, auth)).body,
  ) as {
    total: number;
  };
  report(
    'seeded totals seen by the app (weeks, selected movies)',
    `${list.total}, ${selections.total}`,
    `${seed.weeks}, ${seed.selectedMovies}`,
    list.total === seed.weeks && selections.total === seed.selectedMovies,
  );
  return identical === probes.length;
}

type Variant = 'cached' | 'uncached' | 'postgres';

interface Measured {
  endpoint: Endpoint;
  weeks: number;
  app: Run;
  ref: Run;
  appRuns: Run[];
  refRuns: Run[];
  /** cached: the app as configured; uncached: READ_CACHE_TTL=0; postgres: two instances on PostgreSQL. */
  variant: Variant;
}

const VARIANT_LABELS: Record<Variant, string> = {
  cached: '',
  uncached: ' uncached',
  postgres: ' PG ×2',
};

/** Servers loaded in turn: each name's URLs are loaded together. */
interface Contender {
  name: string;
  urls: string[];
}

/**
 * Every endpoint, each contender warmed up, then two rounds in which the contenders take turns;
 * prints each run. Returns the runs, by endpoint and contender.
 */
async function measureEndpoints(
  seed: SeededReads,
  contenders: Contender[],
  headers: Record<string, string>,
): Promise<Map<Endpoint, Map<string, Run[]>>> {
  const byEndpoint = new Map<Endpoint, Map<string, Run[]>>();
  for (const endpoint of ENDPOINTS) {
    const path = endpoint.path(seed);
    const load = (contender: Contender, seconds: number) =>
      loadTogether(
        contender.urls.map((url) => `${url}${path}`),
        headers,
        seconds,
        CONNECTIONS,
      );
    for (const contender of contenders) await load(contender, WARMUP_SECONDS);
    const runs = new Map(contenders.map((contender) => [contender.name, [] as Run[]]));
    for (let round = 0; round < 2; round++) {
      for (const contender of contenders)
        runs.get(contender.name)!.push(await load(contender, SECONDS));
    }
    console.log(`  ${endpoint.label} (${path})`);
    for (const [name, contenderRuns] of runs) {
      const line = contenderRuns
        .map(
          (r) =>
            `${int(r.rps)} req/s p50 ${ms(r.p50)} p99 ${ms(r.p99)}` +
            (r.foreignCpu === null ? '' : ` (other load ${r.foreignCpu.toFixed(0)}%)`),
        )
        .join(' | ');
      console.log(`      ${name} ${line}`);
      const failed = contenderRuns.reduce((sum, r) => sum + r.failed, 0);
      if (failed > 0)
        console.log(`      WARNING: ${name} had ${failed} non-2xx/errored/timed-out requests`);
    }
    byEndpoint.set(endpoint, runs);
  }
  return byEndpoint;
}

// ---------------------------------------------------------------------------------------------
// Main

if (!existsSync(APP_MAIN)) {
  console.error(`${APP_MAIN} is missing: run \`npm run build\` first (npm run bench:reads does).`);
  process.exit(1);
}

const dir = await mkdtemp(join(tmpdir(), 'wo-reads-bench-'));
const measured: Measured[] = [];
const memory: { weeks: number; rss: number; peak: number }[] = [];
const started = performance.now();
let postgres: ThrowawayDatabase | null = null;

const appEnv = (database: string, port: number, readCacheTtl: string | undefined) => ({
  DATABASE_URL: database,
  PORT: String(port),
  SECRET_KEY,
  LOG_LEVEL: 'error',
  THROTTLE_LIMIT: '0',
  ...(readCacheTtl === undefined ? {} : { READ_CACHE_TTL: readCacheTtl }),
});

/** Starts the app (each env) and the reference server, and waits until all answer /health. */
async function startServers(
  appEnvs: { name: string; env: Record<string, string> }[],
  refDatabase: string,
): Promise<{
  apps: { name: string; url: string; pid: number }[];
  refUrl: string;
  stop(): Promise<void>;
}> {
  const apps = appEnvs.map(({ name, env }) => ({
    name,
    url: `http://${HOST}:${env.PORT}`,
    child: start(name, [...APP_NODE_FLAGS, APP_MAIN], env),
  }));
  const refPort = await freePort();
  const refUrl = `http://${HOST}:${refPort}`;
  const ref = start('reference', [REF_MAIN], {
    REF_DATABASE: refDatabase,
    PORT: String(refPort),
    SECRET_KEY,
  });
  const pids = [ref.proc.pid!, ...apps.map((app) => app.child.proc.pid!)];
  for (const pid of pids) ownPids.add(pid);
  await Promise.all([waitReady(ref, refUrl), ...apps.map((app) => waitReady(app.child, app.url))]);
  return {
    apps: apps.map(({ name, url, child }) => ({ name, url, pid: child.proc.pid! })),
    refUrl,
    async stop() {
      for (const app of apps) {
        if (!app.child.alive)
          console.log(`  WARNING: ${app.name} exited during the runs:\n${app.child.log}`);
      }
      await stopAll();
      for (const pid of pids) ownPids.delete(pid);
    },
  };
}

try {
  console.log(
    `Reads benchmark (issues #4, #9, #14; 2 verdicts per pick; lanes ${[...LANES].join(', ')}): app ` +
      `(node ${[...APP_NODE_FLAGS, 'dist/src/main.js'].join(' ')}, NODE_ENV=production, ` +
      `READ_CACHE_TTL ${READ_CACHE_TTL ?? 'default'}; on SQLite also an app with READ_CACHE_TTL=0) ` +
      `vs reference (node:http + better-sqlite3 or node-pg)\n` +
      `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per run, ${WARMUP_SECONDS} s warm-up per ` +
      `server and endpoint; runs alternate between the servers, twice, and the better run of each ` +
      `server (by req/s) is kept, with that run's p50/p99. Load average at the start: ` +
      `${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}.\n`,
  );

  const seeds: SeededReads[] = [];
  const sizes = LANES.has('sqlite') ? SIZES : SIZES.filter((size) => size.weeks === POSTGRES_WEEKS);
  for (const { weeks, startYear } of sizes) {
    const t0 = performance.now();
    const seed = await seedReadsDatabase(join(dir, `reads-${weeks}.db`), weeks, startYear);
    seeds.push(seed);
    console.log(
      `Seeded ${weeksLabel(weeks)} weeks: ${int(seed.movies)} movies (${int(seed.moviePicks)} picks ` +
        `of ${int(seed.selectedMovies)}), ${int(seed.albums)} albums (${int(seed.albumPicks)} picks ` +
        `of ${int(seed.selectedAlbums)}), ${int(seed.verdicts)} verdicts, 5 users ` +
        `in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }

  const headersOf = (seed: SeededReads) => ({
    Authorization: `Bearer ${accessToken(String(seed.tokenUserId))}`,
  });

  if (LANES.has('sqlite')) {
    for (const seed of seeds) {
      console.log(`\n== SQLite, ${weeksLabel(seed.weeks)} weeks ==`);
      const servers = await startServers(
        [
          { name: 'app', env: appEnv(seed.file, await freePort(), READ_CACHE_TTL) },
          { name: 'app uncached', env: appEnv(seed.file, await freePort(), '0') },
        ],
        seed.file,
      );
      const [app, uncached] = servers.apps;
      await checkIdentity(seed, app.url, servers.refUrl);
      await checkIdentity(seed, uncached.url, servers.refUrl);
      const runs = await measureEndpoints(
        seed,
        [
          { name: 'app', urls: [app.url] },
          { name: 'ref', urls: [servers.refUrl] },
          { name: 'app uncached', urls: [uncached.url] },
        ],
        headersOf(seed),
      );
      for (const [endpoint, byName] of runs) {
        const refRuns = byName.get('ref')!;
        for (const [name, variant] of [
          ['app', 'cached'],
          ['app uncached', 'uncached'],
        ] as const) {
          const appRuns = byName.get(name)!;
          measured.push({
            endpoint,
            weeks: seed.weeks,
            app: best(appRuns),
            ref: best(refRuns),
            appRuns,
            refRuns: variant === 'cached' ? refRuns : [],
            variant,
          });
        }
      }
      const mem = memoryOf(app.pid);
      if (mem) memory.push({ weeks: seed.weeks, ...mem });
      await servers.stop();
    }
  }

  if (LANES.has('postgres')) {
    const seed = seeds.find((s) => s.weeks === POSTGRES_WEEKS)!;
    console.log(`\n== PostgreSQL, ${weeksLabel(seed.weeks)} weeks, two app instances ==`);
    const t0 = performance.now();
    postgres = await createThrowawayDatabase('wo_bench_reads');
    await copyReadsToPostgres(seed.file, postgres.url);
    console.log(
      `Copied into a throwaway database in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const servers = await startServers(
      [
        { name: 'app A', env: appEnv(postgres.url, await freePort(), READ_CACHE_TTL) },
        { name: 'app B', env: appEnv(postgres.url, await freePort(), READ_CACHE_TTL) },
      ],
      postgres.url,
    );
    for (const app of servers.apps) await checkIdentity(seed, app.url, servers.refUrl);
    const runs = await measureEndpoints(
      seed,
      [
        { name: 'apps A+B', urls: servers.apps.map((app) => app.url) },
        { name: 'ref', urls: [servers.refUrl] },
      ],
      headersOf(seed),
    );
    for (const [endpoint, byName] of runs) {
      const appRuns = byName.get('apps A+B')!;
      const refRuns = byName.get('ref')!;
      measured.push({
        endpoint,
        weeks: seed.weeks,
        app: best(appRuns),
        ref: best(refRuns),
        appRuns,
        refRuns,
        variant: 'postgres',
      });
    }
    await servers.stop();
  }

  // ----- Table
  console.log(
    `\nThroughput and latency, 2 verdicts per pick in the replies (best of 2 runs each; targets: ` +
      `with the read cache on, app req/s ≥ ${TARGET_RPS_RATIO}× reference and app p99 ≤ ` +
      `${TARGET_P99_RATIO}× reference p99 (issue #9); uncached, req/s ≥ ` +
      `${TARGET_UNCACHED_RPS_RATIO}× (issue #14, p99 tracked); PG ×2, two instances with the cache ` +
      `on against the reference on the same PostgreSQL, req/s ≥ ${TARGET_POSTGRES_RPS_RATIO}× ` +
      `(issue #14, p99 tracked))\n`,
  );
  const header = [
    'endpoint'.padEnd(55),
    'weeks'.padStart(6),
    'app req/s'.padStart(10),
    'ref req/s'.padStart(10),
    '  app/ref       ',
    'app p50/p99 ms'.padStart(16),
    'ref p50/p99 ms'.padStart(16),
    '  p99 app/ref',
  ].join(' ');
  console.log(header);
  console.log('-'.repeat(header.length));
  const rpsTargets: Record<Variant, number> = {
    cached: TARGET_RPS_RATIO,
    uncached: TARGET_UNCACHED_RPS_RATIO,
    postgres: TARGET_POSTGRES_RPS_RATIO,
  };
  for (const m of measured) {
    const ratio = m.app.rps / m.ref.rps;
    const p99Judged = (ok: boolean) => (m.variant === 'cached' ? verdict(ok) : 'tracked');
    const p99Ratio = m.app.p99 / m.ref.p99;
    console.log(
      [
        `${m.endpoint.label}${VARIANT_LABELS[m.variant]}`.padEnd(55),
        weeksLabel(m.weeks).padStart(6),
        int(m.app.rps).padStart(10),
        int(m.ref.rps).padStart(10),
        `  ${ratio.toFixed(2).padStart(5)} ${verdict(ratio >= rpsTargets[m.variant])}`,
        `${ms(m.app.p50)} / ${ms(m.app.p99)}`.padStart(16),
        `${ms(m.ref.p50)} / ${ms(m.ref.p99)}`.padStart(16),
        `  ${p99Ratio.toFixed(2).padStart(5)} ${p99Judged(p99Ratio <= TARGET_P99_RATIO)}`,
      ].join(' '),
    );
  }

  // ----- Growth
  const [small, large] = SIZES.map((size) => size.weeks);
  if (LANES.has('sqlite')) {
    console.log(
      `\nApp latency at ${weeksLabel(large)} weeks vs ${weeksLabel(small)} weeks, same page size ` +
        `(target ≤ ${TARGET_GROWTH}×; reference shown for comparison)\n`,
    );
  }
  for (const endpoint of LANES.has('sqlite') ? ENDPOINTS : []) {
    const at = (weeks: number) =>
      measured.find((m) => m.endpoint === endpoint && m.weeks === weeks && m.variant === 'cached')!;
    const [a, b] = [at(small), at(large)];
    for (const quantile of ['p50', 'p99'] as const) {
      const growth = b.app[quantile] / a.app[quantile];
      const refGrowth = b.ref[quantile] / a.ref[quantile];
      report(
        `${endpoint.label} ${quantile} (${ms(a.app[quantile])} → ${ms(b.app[quantile])} ms; ref ${refGrowth.toFixed(2)}×)`,
        `${growth.toFixed(2)}×`,
        `≤ ${TARGET_GROWTH}×`,
        growth <= TARGET_GROWTH,
      );
    }
  }

  // ----- Memory
  if (memory.length > 0)
    console.log(`\nApp resident memory after its runs (VmRSS; peak VmHWM in brackets)\n`);
  for (const m of memory) {
    report(
      `app RSS after the ${weeksLabel(m.weeks)}-week runs (peak ${m.peak.toFixed(0)} MB)`,
      `${m.rss.toFixed(1)} MB`,
      `< ${TARGET_RSS_MB} MB`,
      m.rss < TARGET_RSS_MB,
    );
  }

  // PostgreSQL's own processes count as other load: only the SQLite lane's runs can tell.
  const runs = measured
    .filter((m) => m.variant !== 'postgres')
    .flatMap((m) => [...m.appRuns, ...m.refRuns]);
  cautionIfNoisy(runs);
  console.log(
    `\nLoad average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}.`,
  );
  printTally(started);
} finally {
  await stopAll();
  await postgres?.drop();
  await rm(dir, { recursive: true, force: true });
}
