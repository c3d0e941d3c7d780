import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import request, { type Response, type Test } from 'supertest';
import { TEST_ENV } from './test-app.js';

/** The user views and token pair of contract §3, as the tests read them off the wire. */
export interface SelfUserBody {
  id: number;
  username: string;
  email: string;
  is_active: boolean;
  created_at: string;
}

export interface TokenPairBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
}

export interface Credentials {
  username: string;
  email: string;
  password: string;
}

export interface RegisteredUser {
  user: SelfUserBody;
  credentials: Credentials;
}

export const SELF_USER_KEYS = ['created_at', 'email', 'id', 'is_active', 'username'];
export const TOKEN_PAIR_KEYS = ['access_token', 'expires_in', 'refresh_token', 'token_type'];
/** ISO 8601 UTC with milliseconds and `Z` (contract §1.3). */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const SECRET_KEY_NAME = /password|hash/i;
/** A string that starts like a bcrypt hash (`$2a$`, `$2b$`, `$2y$`). */
const BCRYPT_PREFIX = /^\$2[aby]\$/;
/** A bcrypt-looking fragment anywhere in a string (`$2$`, `$2a$`, `$2b$`, `$2x$`, `$2y$` + cost). */
const BCRYPT_ANYWHERE = /\$2[abxy]?\$\d{2}\$/;

/** True for any string either bcrypt rule flags. */
function looksLikeBcrypt(value: string): boolean {
  return BCRYPT_PREFIX.test(value) || BCRYPT_ANYWHERE.test(value);
}

/**
 * Fails when a response body carries anything secret-looking (contract §3: never a password or
 * hash field, anywhere): a key matching /password|hash/i at any depth, or a string that starts
 * like a bcrypt hash or holds a bcrypt-looking fragment anywhere. Pass an array to check many.
 */
export function expectNoSecrets(body: unknown): void {
  const leaks: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (looksLikeBcrypt(value)) leaks.push(`${path} holds a bcrypt hash: ${value}`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`));
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (SECRET_KEY_NAME.test(key)) leaks.push(`${path}.${key} is a secret-looking key`);
        visit(item, `${path}.${key}`);
      }
    }
  };
  visit(body, '$');
  expect(leaks).toEqual([]);
}

/** Awaits a request and checks its body (and raw text) for secrets before handing it back. */
export async function withoutSecrets(pending: Test): Promise<Response> {
  const res = await pending;
  expectNoSecrets(res.body);
  expect(res.text ?? '').not.toMatch(BCRYPT_ANYWHERE);
  return res;
}

/** Status and body together, so a failing assertion shows both. */
export function outcome(res: Response): { status: number; body: unknown } {
  return { status: res.status, body: res.body };
}

/**
 * Asserts a contract 422 (§1.4): exactly these fields (any order) at `location`, each message a
 * sentence starting with its field name, and `detail` every message joined with "; ".
 */
export function expectValidationError(
  res: Response,
  fields: (string | null)[],
  location: 'body' | 'query' | 'path' = 'body',
): void {
  expect(outcome(res)).toEqual({
    status: 422,
    body: { detail: expect.any(String), errors: expect.any(Array) },
  });
  const errors = res.body.errors as { field: string | null; location: string; message: string }[];
  expect(errors.map((error) => error.field).sort()).toEqual([...fields].sort());
  for (const error of errors) {
    expect(Object.keys(error).sort()).toEqual(['field', 'location', 'message']);
    expect(error.location).toBe(location);
    expect(typeof error.message).toBe('string');
    if (error.field !== null) expect(error.message.startsWith(`${error.field} `)).toBe(true);
  }
  expect(res.body.detail).toBe(errors.map((error) => error.message).join('; '));
}

let userCounter = 0;

/** Fresh, valid registration fields; each call gives a new username and email. */
export function newCredentials(overrides: Partial<Credentials> = {}): Credentials {
  userCounter += 1;
  const username = `user_${userCounter}_${process.pid}`;
  return {
    username,
    email: `${username}@example.org`,
    password: `pw-${username}-secret`,
    ...overrides,
  };
}

/** Registers through the API and asserts the 201. */
export async function registerUser(
  server: Server,
  overrides: Partial<Credentials> = {},
): Promise<RegisteredUser> {
  const credentials = newCredentials(overrides);
  const res = await withoutSecrets(request(server).post('/api/auth/register').send(credentials));
  expect(res.status).toBe(201);
  return { user: res.body as SelfUserBody, credentials };
}

/** Logs in through the API (JSON) and asserts the 200. */
export async function login(
  server: Server,
  username: string,
  password: string,
): Promise<TokenPairBody> {
  const res = await withoutSecrets(
    request(server).post('/api/auth/login').send({ username, password }),
  );
  expect(res.status).toBe(200);
  return res.body as TokenPairBody;
}

/** Registers a user and logs them in. */
export async function registerAndLogin(
  server: Server,
  overrides: Partial<Credentials> = {},
): Promise<RegisteredUser & { tokens: TokenPairBody }> {
  const registered = await registerUser(server, overrides);
  const tokens = await login(
    server,
    registered.credentials.username,
    registered.credentials.password,
  );
  return { ...registered, tokens };
}

export function authHeader(accessToken: string): { Authorization: string } {
  return { Authorization: `Bearer ${accessToken}` };
}

/** A registered, logged-in user, flattened for suites that act as named users. */
export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/**
 * registerAndLogin as `username` (email `<username>@example.org`), flattened; both responses are
 * checked for secrets on the way.
 */
export async function signUp(
  server: Server,
  username: string,
  password = `${username}-password-1`,
): Promise<TestUser> {
  const { user, credentials, tokens } = await registerAndLogin(server, {
    username,
    email: `${username}@example.org`,
    password,
  });
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    password: credentials.password,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
  };
}

export const SECOND_MS = 1000;

/** Seconds since the epoch, as JWT `iat`/`exp` count them (real time: jsonwebtoken reads Date.now). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

const HMAC_DIGESTS: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
};

export interface CraftOptions {
  /** The `alg` header claim; HS256 by default. */
  alg?: string;
  /** HMAC key; the test app's SECRET_KEY by default. */
  secret?: string;
  /** HMAC digest; follows `alg` for HS256/384/512, else SHA-256. */
  digest?: 'sha256' | 'sha384' | 'sha512';
}

/** A hand-made JWT, HMAC-signed with node:crypto; `payload` may be raw text to craft junk. */
export function craftJwt(
  payload: Record<string, unknown> | string,
  options: CraftOptions = {},
): string {
  const alg = options.alg ?? 'HS256';
  const header = base64url(JSON.stringify({ alg, typ: 'JWT' }));
  const body = base64url(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const signingInput = `${header}.${body}`;
  const signature = createHmac(
    options.digest ?? HMAC_DIGESTS[alg] ?? 'sha256',
    options.secret ?? TEST_ENV.SECRET_KEY,
  )
    .update(signingInput)
    .digest('base64url');
  return `${signingInput}.${signature}`;
}

/** An `alg: none` token: no signature at all. */
export function unsignedJwt(payload: Record<string, unknown>): string {
  return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.`;
}

/** Decodes (without verifying) a JWT's header and payload. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
  };
}

/** 2100-01-01T00:00:00Z, in JWT seconds. */
const FAR_FUTURE_EXP = 4_102_444_800;

/**
 * A valid access token for `userId` that outlives any move of the suite's FakeClock. Suites about
 * weeks and the catalog move the Clock by days or years, and access tokens expire by the Clock; how
 * issued tokens expire is tested in jwt.e2e-spec.ts.
 */
export function lastingToken(userId: number): string {
  return craftJwt({ sub: String(userId), iat: FAR_FUTURE_EXP - 86_400, exp: FAR_FUTURE_EXP });
}
