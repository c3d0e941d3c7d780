/**
 * npm run bench:export — the streamed exports (issue #11) on the 10,000-week data set with verdicts.
 *
 * Seeds a SQLite file (bench/seed-reads.ts), adds verdicts to it (most members judge most picks;
 * some with a review that CSV must quote), starts the built app (`node dist/src/main.js`, the flags of
 * `npm start`) as a child process, then downloads `GET /api/export.json` and
 * `GET /api/export/picks.csv` (one warm-up, then BENCH_RUNS runs each) while sampling the app's
 * resident memory every few milliseconds. For each it prints the time to the first byte, the total
 * time, the bytes, the peak RSS growth of the app over its resting RSS and the app's CPU time (the
 * figure that moves least with the machine's other load; the load average is printed), next to the targets
 * (first byte ≤ 200 ms, total ≤ 3 s, RSS growth ≤ 50 MB), judged on the worst run, with MET/MISSED.
 * It reports; it never fails a build. Only 127.0.0.1 is contacted.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqliteConstructor } from './reference-server.js';
import { seedReadsDatabase, sqliteDatetime } from './seed-reads.js';

const WEEKS = 10_000;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const TARGETS = { firstByteMs: 200, totalMs: 3000, rssGrowthMb: 50 };
const SAMPLE_MS = 5;
const SECRET_KEY = 'export-bench-secret-key-7c1e9a3b5d2f4e6a8c0b';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START_FLAGS = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));

/** Verdicts on most picks by the four active members; returns how many were added. */
function seedVerdicts(file: string): number {
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
  const db = new Database(file, { fileMustExist: true });
  const insert = db.prepare(
    `INSERT OR IGNORE INTO verdicts (week_movie_id, week_album_id, user_id, rating, review, spoiler,
       consumed_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const picks = (table: string) =>
    (db.prepare(`SELECT id FROM ${table} ORDER BY id`).all() as { id: number }[]).map(
      (row) => row.id,
    );
  let added = 0;
  db.transaction(() => {
    for (const [table, movie] of [
      ['week_movies', true],
      ['week_albums', false],
    ] as const) {
      for (const pickId of picks(table)) {
        for (const userId of [1, 2, 3, 4]) {
          if ((pickId + userId) % 4 === 0) continue;
          const at = sqliteDatetime(new Date(Date.UTC(2024, 0, 1) + pickId * 60_000 + userId));
          const review =
            (pickId + userId) % 5 === 0 ? `Pick ${pickId}: "fine", really,\nsecond line` : null;
          const rating = review !== null && pickId % 2 === 0 ? null : ((pickId * userId) % 10) + 1;
          const result = insert.run(
            movie ? pickId : null,
            movie ? null : pickId,
            userId,
            rating,
            review,
            pickId % 7 === 0 ? 1 : 0,
            pickId % 3 === 0 ? '2024-05-06' : null,
            at,
            at,
          ) as { changes: number };
          added += result.changes;
        }
      }
    }
  })();
  db.close();
  return added;
}

function token(sub: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', SECRET_KEY).update(unsigned).digest('base64url')}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** CPU time (user and system) a process has used, in ms (Linux: clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident memory of a process in MB (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
}

interface Download {
  firstByteMs: number;
  totalMs: number;
  bytes: number;
  rssGrowthMb: number;
  /** The app's CPU time: unlike the total, it hardly moves with the machine's other load. */
  cpuMs: number;
}

/** Downloads `url` while sampling the app's RSS; growth is over its RSS just before. */
async function download(url: string, pid: number, auth: string): Promise<Download> {
  const resting = rssMb(pid);
  let peak = resting;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, SAMPLE_MS);
  try {
    const cpuBefore = cpuMs(pid);
    const started = performance.now();
    const res = await fetch(url, { headers: { Authorization: auth } });
    if (!res.ok || !res.body) throw new Error(`${url} → ${res.status}`);
    let firstByteMs = -1;
    let bytes = 0;
    for await (const chunk of res.body) {
      if (firstByteMs < 0) firstByteMs = performance.now() - started;
      bytes += (chunk as Uint8Array).byteLength;
    }
    const totalMs = performance.now() - started;
    peak = Math.max(peak, rssMb(pid));
    return {
      firstByteMs,
      totalMs,
      bytes,
      rssGrowthMb: peak - resting,
      cpuMs: cpuMs(pid) - cpuBefore,
    };
  } finally {
    clearInterval(sampler);
  }
}

const dir = await mkdtemp(join(tmpdir(), 'wo-export-bench-'));
const app = { proc: null as ReturnType<typeof spawn> | null };
let met = 0;
let missed = 0;
try {
  const t0 = performance.now();
  const seed = await seedReadsDatabase(join(dir, 'export.db'), WEEKS, 1900);
  const verdicts = seedVerdicts(seed.file);
  console.log(
    `Seeded ${WEEKS.toLocaleString('en-US')} weeks: ${seed.moviePicks.toLocaleString('en-US')} movie ` +
      `picks, ${seed.albumPicks.toLocaleString('en-US')} album picks, ` +
      `${verdicts.toLocaleString('en-US')} verdicts added, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...START_FLAGS, join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      NODE_ENV: 'production',
      DATABASE_URL: seed.file,
      PORT: String(port),
      SECRET_KEY,
      LOG_LEVEL: 'error',
      THROTTLE_LIMIT: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  app.proc = child;
  const auth = `Bearer ${token(String(seed.tokenUserId))}`;
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`${baseUrl}/api/weeks`, { headers: { Authorization: auth } })).ok) break;
    } catch {
      // not listening yet
    }
    if (tries > 600 || child.exitCode !== null) throw new Error('the app did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  console.log(
    `\nApp: node ${[...START_FLAGS, 'dist/src/main.js'].join(' ')} (NODE_ENV=production); ` +
      `1 warm-up and ${RUNS} runs per export, judged on the worst run; ` +
      `load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(', ')}\n`,
  );
  for (const path of ['/api/export.json', '/api/export/picks.csv']) {
    await download(`${baseUrl}${path}`, child.pid!, auth);
    const runs: Download[] = [];
    for (let run = 0; run < RUNS; run++)
      runs.push(await download(`${baseUrl}${path}`, child.pid!, auth));
    console.log(`  ${path}`);
    for (const run of runs) {
      console.log(
        `      first byte ${run.firstByteMs.toFixed(1)} ms, total ${run.totalMs.toFixed(0)} ms, ` +
          `${(run.bytes / 2 ** 20).toFixed(1)} MiB, RSS +${run.rssGrowthMb.toFixed(1)} MB, ` +
          `app CPU ${run.cpuMs} ms`,
      );
    }
    const worst = (key: keyof Download) => Math.max(...runs.map((run) => run[key]));
    const report = (label: string, value: string, target: string, ok: boolean) => {
      if (ok) met++;
      else missed++;
      console.log(
        `${ok ? 'MET   ' : 'MISSED'}  ${`${path} ${label}`.padEnd(44)} ${value.padStart(12)}   target ${target}`,
      );
    };
    report(
      'first byte',
      `${worst('firstByteMs').toFixed(1)} ms`,
      `≤ ${TARGETS.firstByteMs} ms`,
      worst('firstByteMs') <= TARGETS.firstByteMs,
    );
    report(
      'total',
      `${worst('totalMs').toFixed(0)} ms`,
      `≤ ${TARGETS.totalMs} ms`,
      worst('totalMs') <= TARGETS.totalMs,
    );
    report(
      'RSS growth',
      `${worst('rssGrowthMb').toFixed(1)} MB`,
      `≤ ${TARGETS.rssGrowthMb} MB`,
      worst('rssGrowthMb') <= TARGETS.rssGrowthMb,
    );
    console.log(`        bytes ${worst('bytes').toLocaleString('en-US')}`);
  }
  console.log(
    `\n${met} targets met, ${missed} missed; load average ` +
      `${loadavg()
        .map((load) => load.toFixed(2))
        .join(', ')}. ` +
      '(A benchmark reports; it does not fail the build.)',
  );
} finally {
  app.proc?.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
