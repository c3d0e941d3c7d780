// Helpers for the catalog e2e suites: an authenticated app on a real loopback port, a health
// probe, a port nobody listens on, and a tiny scripted upstream for replies the shared fake
// upstream has no fixture for (e.g. total_pages above 500, a 302).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import request, { type Response, type Test } from 'supertest';
import { authHeader, lastingToken, registerUser } from './auth-helpers.js';
import { createTestApp, type TestApp, type TestAppOptions } from './test-app.js';

export interface CatalogApp {
  t: TestApp;
  accessToken: string;
  /** An authenticated GET. */
  get(path: string): Test;
  close(): Promise<void>;
}

/**
 * The full app, listening on a loopback port (so concurrent supertest calls share one server), with
 * one registered and logged-in user.
 */
export async function startCatalogApp(
  options: Omit<TestAppOptions, 'listen'>,
): Promise<CatalogApp> {
  const t = await createTestApp({ ...options, listen: true });
  const { user } = await registerUser(t.server);
  const accessToken = lastingToken(user.id);
  return {
    t,
    accessToken,
    get: (path) => request(t.server).get(path).set(authHeader(accessToken)),
    close: () => t.close(),
  };
}

/** The server still answers `GET /health` after whatever just happened (upstream.md §6). */
export async function expectHealthy(server: Server): Promise<void> {
  const res = await request(server).get('/health');
  expect({ status: res.status, body: res.body }).toEqual({
    status: 200,
    body: { status: 'healthy', version: '0.1.0' },
  });
}

/** Status, body and the given headers together, so a failing assertion shows all of them. */
export function reply(
  res: Response,
  headers: string[] = [],
): { status: number; body: unknown; headers: Record<string, unknown> } {
  return {
    status: res.status,
    body: res.body,
    headers: Object.fromEntries(headers.map((name) => [name, res.headers[name]])),
  };
}

/** A loopback port that was free a moment ago and has nothing listening on it now. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ScriptedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
}

export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  /** Sent with JSON.stringify unless it is already a string. */
  body?: unknown;
}

/** A loopback HTTP server answering every request with `script(call)`, recording each call. */
export class ScriptedUpstream {
  readonly calls: ScriptedCall[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(script: (call: ScriptedCall) => ScriptedReply): Promise<ScriptedUpstream> {
    const server = createServer();
    const upstream = new ScriptedUpstream(server);
    server.on('connection', (socket) => {
      upstream.sockets.add(socket);
      socket.on('close', () => upstream.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://scripted.invalid');
      const call: ScriptedCall = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
      };
      upstream.calls.push(call);
      const answer = script(call);
      const body =
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string'
            ? answer.body
            : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        ...answer.headers,
        'content-length': String(Buffer.byteLength(body)),
      });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return upstream;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}
