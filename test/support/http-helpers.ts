import { once } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';

export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** Registers `username` (email `<username>@example.org`) and logs in once. */
export async function signUp(
  server: Server,
  username: string,
  password = `${username}-password-1`,
): Promise<TestUser> {
  const email = `${username}@example.org`;
  const registered = await request(server)
    .post('/api/auth/register')
    .send({ username, email, password });
  expect(registered.status).toBe(201);
  const tokens = await logIn(server, username, password);
  return {
    id: registered.body.id,
    username: registered.body.username,
    email: registered.body.email,
    password,
    ...tokens,
  };
}

export async function logIn(
  server: Server,
  username: string,
  password: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await request(server).post('/api/auth/login').send({ username, password });
  expect(res.status).toBe(200);
  return { accessToken: res.body.access_token, refreshToken: res.body.refresh_token };
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

const SECRET_KEY_NAME = /password|hash/i;
const BCRYPT_LOOKING = /\$2[abxy]?\$\d{2}\$/;

/** Every key matching /password|hash/i and every bcrypt-looking string in a response body. */
export function secretsIn(value: unknown, path = '$'): string[] {
  if (typeof value === 'string') return BCRYPT_LOOKING.test(value) ? [`${path} = ${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => secretsIn(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      ...(SECRET_KEY_NAME.test(key) ? [`${path}.${key}`] : []),
      ...secretsIn(item, `${path}.${key}`),
    ]);
  }
  return [];
}

/** `YYYY-MM-DDTHH:MM:SS.mmmZ`, the contract's timestamp form (§1.3). */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One request over a plain socket, for what supertest cannot send: a body without any
 * Content-Type, or a chunked body without Content-Length.
 */
export async function rawRequest(
  server: Server,
  options: { method: string; path: string; headers?: Record<string, string>; chunks?: Buffer[] },
): Promise<RawResponse> {
  const listening = server.listening ? null : server.listen(0, '127.0.0.1');
  if (listening) await once(listening, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          agent: false,
          method: options.method,
          path: options.path,
          headers: options.headers,
        },
        (res) => {
          const body: Buffer[] = [];
          res.on('data', (chunk: Buffer) => body.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(body).toString('utf8'),
            }),
          );
        },
      );
      // The server may answer (413) and close before the whole body is written.
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      });
      for (const chunk of options.chunks ?? []) req.write(chunk);
      req.end();
    });
  } finally {
    if (listening) await new Promise((resolve) => listening.close(resolve));
  }
}
