// Plumbing shared by the three fake upstreams: what a handler returns, and how a fault turns a
// normal answer into a failure. Handlers are synchronous and pure apart from their own counters,
// so the server knows a request's status the moment it arrives (and can log it right away).
import type { Fault, FakeUpstreamSettings, UpstreamName } from './fake-upstream.js';

/** What one fake upstream wants sent back. The server adds Content-Length and the delays. */
export interface FakeReply {
  /** 0 when `reset` is set: no status line is ever sent. */
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Delay on top of settings.latencyMs (the "slow" fault). */
  extraDelayMs?: number;
  /** Destroy the socket instead of answering (after the delays). */
  reset?: boolean;
}

/** A request as the handlers see it: the path is already stripped of the upstream's prefix. */
export interface IncomingCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** performance.now() at arrival. */
  arrivedAt: number;
}

/** A fault attached to a fixture: always, or only on the first request of each route. */
export interface FaultSpec {
  fault: Fault;
  once?: boolean;
  /** Retry-After sent with status429/status503; none when absent. */
  retryAfter?: string;
}

export interface UpstreamContext {
  readonly settings: FakeUpstreamSettings;
  /**
   * The fault in effect for fixture `id` (a movie id, an MBID, or a search query) on `route`:
   * a setFault() switch wins, else the fixture's own spec from `fixtureFaults`. A `once` spec is
   * consumed per route, so "429 once" hits details and credits once each.
   */
  faultFor(
    id: string | number,
    route: string,
    fixtureFaults: ReadonlyMap<string, FaultSpec>,
  ): FaultSpec | null;
}

export interface Upstream {
  readonly name: UpstreamName;
  /** Path prefix on the shared server, e.g. '/tmdb/3'. */
  readonly prefix: string;
  handle(call: IncomingCall, ctx: UpstreamContext): FakeReply;
  /** Forget per-upstream state (e.g. the MusicBrainz rate clock). */
  reset(): void;
}

/** The upstream-specific bodies a fault produces. */
export interface FaultBodies {
  status500(): FakeReply;
  status503(retryAfter: string | undefined): FakeReply;
  status429(retryAfter: string | undefined): FakeReply;
  /** A 200 that is not JSON. */
  xml(): FakeReply;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}) {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  } satisfies FakeReply;
}

export function textReply(
  status: number,
  body: string | Buffer,
  contentType = 'text/plain; charset=utf-8',
  headers: Record<string, string> = {},
): FakeReply {
  return { status, headers: { 'content-type': contentType, ...headers }, body };
}

export function retryAfterHeader(retryAfter: string | undefined): Record<string, string> {
  return retryAfter === undefined ? {} : { 'retry-after': retryAfter };
}

/**
 * Cuts a JSON body short while keeping a correct Content-Length: the HTTP message is complete
 * (so clients see a malformed body, not a dropped connection) but the JSON never parses.
 */
export function truncateReply(reply: FakeReply): FakeReply {
  const text = reply.body.toString();
  return { ...reply, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
}

/** Applies `spec` to the answer `ok` would have given. */
export function faultReply(
  spec: FaultSpec,
  ok: () => FakeReply,
  bodies: FaultBodies,
  settings: FakeUpstreamSettings,
): FakeReply {
  switch (spec.fault) {
    case 'status500':
      return bodies.status500();
    case 'status503':
      return bodies.status503(spec.retryAfter);
    case 'status429':
      return bodies.status429(spec.retryAfter ?? '1');
    case 'slow':
      return { ...ok(), extraDelayMs: settings.slowMs };
    case 'truncated':
      return truncateReply(ok());
    case 'xml':
      return bodies.xml();
    case 'reset':
      return { status: 0, headers: {}, body: '', reset: true };
  }
}

/** Accent- and case-insensitive form used by both search fakes ("amelie" finds "Amélie"). */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
