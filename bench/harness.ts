/**
 * What the benchmarks that load servers share: starting and stopping child processes (the built app,
 * the reference server), signing access tokens, loading an endpoint with autocannon while measuring
 * what else the machine does, and printing each figure next to its target with MET/MISSED.
 * Only 127.0.0.1 is ever contacted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// autocannon has no bundled types (and the project has no @types/autocannon): the part we use.

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// ---------------------------------------------------------------------------------------------
// Settings

export const positive = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
};
export const HOST = '127.0.0.1';
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const APP_MAIN = join(ROOT, 'dist/src/main.js');
/** The Node flags `npm start` gives the app (package.json), so a bench measures what runs. */
export const APP_NODE_FLAGS = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));
export const REF_MAIN = fileURLToPath(new URL('./reference-server.js', import.meta.url));
/** The two data sets the read benchmarks compare: 100× the data. */
export const SIZES = [
  { weeks: 100, startYear: 2024 },
  { weeks: 10_000, startYear: 1900 },
];
/** Other processes' CPU use (in % of one CPU) above which a run is flagged as noisy. */
export const NOISY_CPU = 15;

// ---------------------------------------------------------------------------------------------
// Child processes

export class Child {
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-4000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get log(): string {
    return this.output.trim();
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

const children = new Set<Child>();

export function start(name: string, args: string[], env: Record<string, string>): Child {
  const child = new Child(
    name,
    spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  children.add(child);
  return child;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => child.stop()));
  children.clear();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitReady(child: Child, baseUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!child.alive) throw new Error(`${child.name} exited during startup:\n${child.log}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${child.name} did not answer ${baseUrl}/health within 60 s:\n${child.log}`);
}

/** Resident and peak resident memory of a process, in MB (Linux). */
export function memoryOf(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens

export function signToken(claims: Record<string, unknown>, secret: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

export function accessToken(sub: string, secret: string, ttlSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ sub, iat: now, exp: now + ttlSeconds }, secret);
}

// ---------------------------------------------------------------------------------------------
// Load

export interface Run {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failed: number;
  /** CPU used meanwhile by processes other than the bench, app and reference, in % of one CPU. */
  foreignCpu: number | null;
}

/** Busy CPU ticks of the whole machine (all CPUs), from /proc/stat; null off Linux. */
function machineBusyTicks(): number | null {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return user + nice + system + irq + softirq + (steal || 0);
  } catch {
    return null;
  }
}

/** utime + stime of a process, in ticks. */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

const TICKS_PER_SECOND = 100;
/** The bench and its own servers: their CPU is not "other load". */
export const ownPids = new Set<number>([process.pid]);
const ownTicks = () => [...ownPids].reduce((sum, pid) => sum + processTicks(pid), 0);

export async function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<Run> {
  return loadTogether([url], headers, seconds, connections);
}

/**
 * Loads several servers at once (instances behind one imaginary proxy), `connections` in all,
 * shared between them: requests/s add up; p50 and p99 are the worst server's.
 */
export async function loadTogether(
  urls: string[],
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<Run> {
  const each = Math.max(1, Math.round(connections / urls.length));
  const started = cpuMark();
  const results = await Promise.all(
    urls.map((url) => autocannon({ url, connections: each, duration: seconds, headers })),
  );
  const foreignCpu = foreignCpuSince(started);
  const sum = (pick: (result: AutocannonResult) => number) =>
    results.reduce((total, result) => total + pick(result), 0);
  return {
    rps: sum((r) => r.requests.average),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    requests: sum((r) => r.requests.total),
    failed: sum((r) => r.non2xx + r.errors + r.timeouts),
    foreignCpu,
  };
}

/**
 * One request after another for `seconds`, each timed with performance.now(): latency to the
 * microsecond. autocannon's histogram counts whole milliseconds, which at 1–2 ms made the ratio of
 * two p50s jump between 6× and 15× from one run to the next.
 */
export async function sequentialLatency(
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<Run> {
  // node:http on one kept-alive socket: fetch (undici) added about 2 ms a request of its own.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<number>((resolve, reject) => {
      http
        .get(url, { headers, agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        })
        .on('error', reject);
    });
  const started = cpuMark();
  const times: number[] = [];
  let failed = 0;
  while (performance.now() - started.at < seconds * 1000) {
    const t0 = performance.now();
    const status = await get();
    times.push(performance.now() - t0);
    if (status !== 200) failed++;
  }
  agent.destroy();
  const foreignCpu = foreignCpuSince(started);
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return {
    rps: times.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    requests: times.length,
    failed,
    foreignCpu,
  };
}

interface CpuMark {
  busy: number | null;
  own: number;
  at: number;
}

const cpuMark = (): CpuMark => ({
  busy: machineBusyTicks(),
  own: ownTicks(),
  at: performance.now(),
});

/** What other processes used of the CPUs since `start`, in % of one CPU; null without /proc. */
function foreignCpuSince(start: CpuMark): number | null {
  const end = cpuMark();
  if (start.busy === null || end.busy === null) return null;
  const busy = end.busy - start.busy - (end.own - start.own);
  return Math.max(0, (100 * busy) / TICKS_PER_SECOND / ((end.at - start.at) / 1000));
}

export function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.rps > a.rps ? b : a));
}

// ---------------------------------------------------------------------------------------------
// Reporting

export const tally = { met: 0, missed: 0 };
export const verdict = (ok: boolean) => {
  if (ok) tally.met++;
  else tally.missed++;
  return ok ? 'MET   ' : 'MISSED';
};

export function report(label: string, value: string, target: string, ok: boolean): void {
  console.log(`${verdict(ok)}  ${label.padEnd(62)} ${value.padStart(16)}   target ${target}`);
}

export const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
export const int = (value: number) => Math.round(value).toLocaleString('en-US');
export const weeksLabel = (weeks: number) => weeks.toLocaleString('en-US');

/** Says so when other processes used the machine during some of `runs`. */
export function cautionIfNoisy(runs: Run[]): void {
  const busiest = Math.max(0, ...runs.map((r) => r.foreignCpu ?? 0));
  if (busiest < NOISY_CPU) return;
  const noisy = runs.filter((r) => (r.foreignCpu ?? 0) >= NOISY_CPU).length;
  console.log(
    `\nCAUTION: other processes on this machine (${os.availableParallelism()} CPUs) used ≥ ${NOISY_CPU}% of a CPU ` +
      `during ${noisy} of ${runs.length} runs (up to ${busiest.toFixed(0)}%): those figures are noisy; rerun on a quiet machine.`,
  );
}

/** The closing line: targets met and missed, and the time it all took. */
export function printTally(started: number): void {
  console.log(
    `\n${tally.met} targets met, ${tally.missed} missed; total ${((performance.now() - started) / 1000).toFixed(0)} s. ` +
      `(A benchmark reports; it does not fail the build.)`,
  );
}
