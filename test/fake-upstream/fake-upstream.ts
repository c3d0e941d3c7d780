// A loopback HTTP server that plays TMDB, MusicBrainz and the Cover Art Archive for tests
// (upstream.md §7). One server, three path prefixes; every request is logged with its arrival
// time so tests can count calls and measure the gaps between them.
//
// Typical use in an e2e test:
//   const fake = await FakeUpstream.start();
//   const app = await createTestApp({ env: { ...fake.env(), MUSICBRAINZ_USER_AGENT: 'WrongOpinions/0.1.0 ( t@x.org )' } });
//   beforeEach(() => fake.clear());   afterAll(() => fake.stop());
// Fixture ids and expected mapped values: fixtures/tmdb.ts, fixtures/musicbrainz.ts,
// fixtures/coverart.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CoverArtFake } from './coverart.js';
import { FAKE_TMDB_KEY } from './fixtures/tmdb.js';
import { MusicBrainzFake } from './musicbrainz.js';
import type { FakeReply, FaultSpec, IncomingCall, Upstream, UpstreamContext } from './reply.js';
import { TmdbFake } from './tmdb.js';

export { FAKE_TMDB_KEY, FAKE_TMDB_READ_TOKEN } from './fixtures/tmdb.js';

export type UpstreamName = 'tmdb' | 'musicbrainz' | 'coverart';

export type Fault =
  | 'status500'
  | 'status503'
  | 'status429'
  | 'slow'
  | 'truncated'
  | 'xml'
  /** destroy the socket before any response */
  | 'reset';

export interface RecordedRequest {
  upstream: UpstreamName;
  method: string;
  /** After the prefix, e.g. '/movie/27205'. */
  path: string;
  /** Decoded, so a raw `inc=a+b` reads 'a b' here; see `url` for the raw form. */
  query: Record<string, string>;
  /** Lowercased names. */
  headers: Record<string, string | undefined>;
  /** 0 when the socket was reset without an answer. */
  status: number;
  /** performance.now() in ms, 0.1 ms precision, at arrival. */
  startedAt: number;
  /** The raw request target, prefix and query string included. */
  url: string;
}

export interface FakeUpstreamSettings {
  /** Added to every answer. */
  latencyMs: number;
  /** Delay of the "slow" fault fixtures. */
  slowMs: number;
  /** Accepted as `Authorization: Bearer <key>` or `api_key=<key>`. */
  tmdbApiKey: string;
  /** A MusicBrainz request arriving too soon after the previous one gets 503 + Retry-After: 1. */
  enforceMusicBrainzRate: boolean;
  /** The minimum gap; 50 ms of tolerance is subtracted. */
  musicbrainzMinGapMs: number;
}

export const DEFAULT_SETTINGS: Readonly<FakeUpstreamSettings> = {
  latencyMs: 0,
  slowMs: 3000,
  tmdbApiKey: FAKE_TMDB_KEY,
  enforceMusicBrainzRate: true,
  musicbrainzMinGapMs: 1000,
};

export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  private readonly upstreams: Upstream[] = [
    new TmdbFake(),
    new MusicBrainzFake(),
    new CoverArtFake(),
  ];
  /** setFault() switches, keyed `${upstream}:${id}`. */
  private readonly switchedFaults = new Map<string, Fault>();
  /** `once` fault specs already consumed, keyed `${upstream}:${route}:${id}`. */
  private readonly consumedOnce = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private readonly pendingTimers = new Set<NodeJS.Timeout>();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly settings: FakeUpstreamSettings,
  ) {}

  static async start(settings: Partial<FakeUpstreamSettings> = {}): Promise<FakeUpstream> {
    const server = createServer();
    const fake = new FakeUpstream(server, { ...DEFAULT_SETTINGS, ...settings });
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('request', (req, res) => fake.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Config for the app under test, pointing every upstream at this server. */
  env(): Record<string, string> {
    return {
      TMDB_BASE_URL: `${this.url}/tmdb/3`,
      TMDB_API_KEY: this.settings.tmdbApiKey,
      TMDB_IMAGE_BASE_URL: 'https://image.tmdb.org/t/p',
      MUSICBRAINZ_BASE_URL: `${this.url}/mb/ws/2`,
      COVERART_BASE_URL: `${this.url}/caa`,
    };
  }

  requestsTo(upstream: UpstreamName): RecordedRequest[] {
    return this.requests.filter((request) => request.upstream === upstream);
  }

  /** Empties the log and forgets setFault() switches, "once" counters and the MB rate clock. */
  clear(): void {
    this.requests.length = 0;
    this.switchedFaults.clear();
    this.consumedOnce.clear();
    for (const upstream of this.upstreams) upstream.reset();
  }

  /**
   * Switches a fault on (or off, with null) for one fixture id: a TMDB movie id (details and
   * credits), an MBID (lookup; for 'coverart' a release or release-group id), or a search query
   * (compared trimmed and case-insensitively). It wins over the fixture's own fault.
   */
  setFault(upstream: UpstreamName, id: string | number, fault: Fault | null): void {
    const key = `${upstream}:${normalizeId(id)}`;
    if (fault === null) this.switchedFaults.delete(key);
    else this.switchedFaults.set(key, fault);
  }

  private resolveFault(
    upstream: UpstreamName,
    id: string | number,
    route: string,
    fixtureFaults: ReadonlyMap<string, FaultSpec>,
  ): FaultSpec | null {
    const normalized = normalizeId(id);
    const switched = this.switchedFaults.get(`${upstream}:${normalized}`);
    if (switched) return { fault: switched };
    const spec = fixtureFaults.get(normalized);
    if (!spec) return null;
    if (spec.once) {
      const onceKey = `${upstream}:${route}:${normalized}`;
      if (this.consumedOnce.has(onceKey)) return null;
      this.consumedOnce.add(onceKey);
    }
    return spec;
  }

  /** Closes the server and every socket, keep-alive ones included, and drops pending answers. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      for (const timer of this.pendingTimers) clearTimeout(timer);
      this.pendingTimers.clear();
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    return this.stopping;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const arrivedAt = performance.now();
    const rawUrl = req.url ?? '/';
    const parsed = new URL(rawUrl, 'http://fake.invalid');
    const upstream = this.upstreams.find(
      (candidate) =>
        parsed.pathname === candidate.prefix || parsed.pathname.startsWith(`${candidate.prefix}/`),
    );
    if (!upstream) {
      // Not one of ours: answer, but do not log (RecordedRequest.upstream has no value for it).
      res.writeHead(404, { 'content-type': 'text/plain' }).end('No such fake upstream');
      return;
    }
    const call: IncomingCall = {
      method: req.method ?? 'GET',
      path: parsed.pathname.slice(upstream.prefix.length) || '/',
      query: Object.fromEntries(parsed.searchParams),
      headers: flattenHeaders(req.headers),
      arrivedAt,
    };
    const context: UpstreamContext = {
      settings: this.settings,
      faultFor: (id, route, fixtureFaults) =>
        this.resolveFault(upstream.name, id, route, fixtureFaults),
    };
    const reply = upstream.handle(call, context);
    this.requests.push({
      upstream: upstream.name,
      method: call.method,
      path: call.path,
      query: call.query,
      headers: call.headers,
      status: reply.reset ? 0 : reply.status,
      startedAt: Math.round(arrivedAt * 10) / 10,
      url: rawUrl,
    });
    this.send(req, res, reply);
  }

  private send(req: IncomingMessage, res: ServerResponse, reply: FakeReply): void {
    const write = () => {
      if (res.destroyed || this.stopping) return;
      if (reply.reset) {
        req.socket.destroy();
        return;
      }
      const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
      res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
      res.end(body); // Node drops the body itself on HEAD.
    };
    const delay = this.settings.latencyMs + (reply.extraDelayMs ?? 0);
    if (delay <= 0) {
      write();
      return;
    }
    const timer = setTimeout(() => {
      this.pendingTimers.delete(timer);
      write();
    }, delay);
    this.pendingTimers.add(timer);
    // A client that gives up (its timeout) should not leave a timer behind.
    res.on('close', () => {
      clearTimeout(timer);
      this.pendingTimers.delete(timer);
    });
  }
}

function normalizeId(id: string | number): string {
  return String(id).trim().toLowerCase();
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
