import type { Server } from 'node:http';
import request from 'supertest';
import { RefreshToken } from '../src/users/entities/refresh-token.entity.js';
import { User } from '../src/users/entities/user.entity.js';
import {
  authHeader,
  craftJwt,
  decodeJwt,
  expectValidationError,
  ISO_TIMESTAMP,
  login,
  newCredentials,
  nowSeconds,
  outcome,
  registerAndLogin,
  registerUser,
  SECOND_MS,
  SELF_USER_KEYS,
  TOKEN_PAIR_KEYS,
  withoutSecrets,
  type SelfUserBody,
  type TokenPairBody,
} from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const INVALID_LOGIN = { detail: 'Invalid username or password' };
const INACTIVE = { detail: 'User account is inactive' };
const INVALID_REFRESH = { detail: 'Invalid or expired refresh token' };
const USERNAME_TAKEN = { detail: 'Username already registered' };
const EMAIL_TAKEN = { detail: 'Email already registered' };
/** Opaque, at least 256 random bits, base64url (contract §3.3). */
const REFRESH_TOKEN_FORMAT = /^[A-Za-z0-9_-]{43,}$/;
const DAY_MS = 24 * 60 * 60 * SECOND_MS;

/** Every auth call of this file, each response checked for secrets before the test sees it. */
function authApi(server: Server) {
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const pending = request(server).post(path).set(headers);
    return withoutSecrets(body === undefined ? pending : pending.send(body as object));
  };
  return {
    register: (body?: unknown, headers?: Record<string, string>) =>
      post('/api/auth/register', body, headers),
    login: (body?: unknown, headers?: Record<string, string>) =>
      post('/api/auth/login', body, headers),
    loginForm: (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      withoutSecrets(
        request(server)
          .post('/api/auth/login')
          .set(headers)
          .type('form')
          .send(new URLSearchParams(fields).toString()),
      ),
    refresh: (refreshToken: unknown, headers?: Record<string, string>) =>
      post('/api/auth/refresh', { refresh_token: refreshToken }, headers),
    logout: (refreshToken: unknown, headers?: Record<string, string>) =>
      post('/api/auth/logout', { refresh_token: refreshToken }, headers),
    me: (accessToken: string) =>
      withoutSecrets(request(server).get('/api/auth/me').set(authHeader(accessToken))),
  };
}

type AuthApi = ReturnType<typeof authApi>;

function expectSelfUser(body: unknown, expected: { username: string; email: string }): void {
  expect(Object.keys(body as object).sort()).toEqual(SELF_USER_KEYS);
  expect(body).toEqual({
    id: expect.any(Number),
    username: expected.username,
    email: expected.email,
    is_active: true,
    created_at: expect.stringMatching(ISO_TIMESTAMP),
  });
  expect(Number.isInteger((body as SelfUserBody).id)).toBe(true);
}

function expectTokenPair(body: unknown, expiresIn = 1800): void {
  expect(Object.keys(body as object).sort()).toEqual(TOKEN_PAIR_KEYS);
  expect(body).toEqual({
    access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    token_type: 'bearer',
    expires_in: expiresIn,
    refresh_token: expect.stringMatching(REFRESH_TOKEN_FORMAT),
  });
}

async function setActive(t: TestApp, userId: number, isActive: boolean): Promise<void> {
  await t.dataSource.getRepository(User).update({ id: userId }, { isActive });
}

async function deleteUser(t: TestApp, userId: number): Promise<void> {
  await t.dataSource.getRepository(User).delete({ id: userId });
}

/** An address of exactly `total` characters with a `local`-character local part. */
function emailOfLength(total: number, localChar: string, local = 64): string {
  const domainLength = total - local - 1;
  // Labels of at most 61 characters, then ".com".
  const labels: string[] = [];
  let remaining = domainLength - '.com'.length;
  while (remaining > 0) {
    const size = Math.min(61, remaining === 62 ? 60 : remaining);
    labels.push('d'.repeat(size));
    remaining -= size + 1;
  }
  return `${localChar.repeat(local)}@${labels.join('.')}.com`;
}

describe('Auth (contract §3)', () => {
  let t: TestApp;
  let clock: FakeClock;
  let api: AuthApi;

  beforeAll(async () => {
    clock = new FakeClock();
    t = await createTestApp({ clock });
    api = authApi(t.server);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/auth/register', () => {
    it('answers 201 with exactly the SelfUser view, created now, and issues no tokens', async () => {
      const credentials = newCredentials();
      const res = await api.register(credentials);
      expect(res.status).toBe(201);
      expectSelfUser(res.body, { username: credentials.username, email: credentials.email });
      expect(res.body.created_at).toBe(clock.now().toISOString());
    });

    it('reads back the same SelfUser from GET /api/auth/me', async () => {
      const { user, credentials } = await registerUser(t.server);
      const tokens = await login(t.server, credentials.username, credentials.password);
      const res = await api.me(tokens.access_token);
      expect(outcome(res)).toEqual({ status: 200, body: user });
    });

    it('stores the username lowercased', async () => {
      const res = await api.register(newCredentials({ username: 'NewUser_MiXeD' }));
      expect(res.status).toBe(201);
      expect(res.body.username).toBe('newuser_mixed');
    });

    it('trims the email and stores it fully lowercased', async () => {
      const res = await api.register(
        newCredentials({ email: ' \t Alice.Smith+Tag@Example.ORG \n' }),
      );
      expect(res.status).toBe(201);
      expect(res.body.email).toBe('alice.smith+tag@example.org');
    });

    it('does not trim the password', async () => {
      const credentials = newCredentials({ password: '  padded password  ' });
      await registerUser(t.server, credentials);
      const trimmed = await api.login({
        username: credentials.username,
        password: 'padded password',
      });
      expect(outcome(trimmed)).toEqual({ status: 401, body: INVALID_LOGIN });
      const exact = await api.login({
        username: credentials.username,
        password: credentials.password,
      });
      expect(exact.status).toBe(200);
    });

    describe('username: 3-50 characters from A-Z a-z 0-9 _ -, at least one letter or digit', () => {
      it.each([
        ['3 characters', 'abc', 'abc'],
        ['50 characters', 'b'.repeat(50), 'b'.repeat(50)],
        ['underscore and hyphen around a letter', '_a-', '_a-'],
        ['digits only', '123', '123'],
        ['upper case', 'ZED-9', 'zed-9'],
      ])('accepts %s', async (_case, username, stored) => {
        const res = await api.register(newCredentials({ username }));
        expect(res.status).toBe(201);
        expect(res.body.username).toBe(stored);
      });

      it.each([
        ['2 characters', 'ab'],
        ['51 characters', 'c'.repeat(51)],
        ['empty', ''],
        ['a dot', 'bad.name'],
        ['an @', 'bad@name'],
        ['a slash', 'bad/name'],
        ['a non-ASCII letter', 'nïcolas'],
        ['an emoji', 'smile😀'],
        ['only underscores', '___'],
        ['only hyphens', '---'],
        ['only _ and -', '_-_-'],
        ['a leading space', ' leading'],
        ['a trailing space', 'trailing '],
        ['an inner space', 'in side'],
        ['only spaces', '     '],
      ])('rejects %s with 422', async (_case, username) => {
        const res = await api.register(newCredentials({ username }));
        expectValidationError(res, ['username']);
      });
    });

    describe('email: trimmed, at most 254 characters, a valid address', () => {
      it('accepts exactly 254 characters with a 64-character local part', async () => {
        const email = emailOfLength(254, 'a');
        expect(email).toHaveLength(254);
        const res = await api.register(newCredentials({ email }));
        expect(res.status).toBe(201);
        expect(res.body.email).toBe(email);
      });

      it('rejects 255 characters', async () => {
        const email = emailOfLength(255, 'b');
        expect(email).toHaveLength(255);
        expectValidationError(await api.register(newCredentials({ email })), ['email']);
      });

      it('applies the 254 bound after trimming', async () => {
        const email = emailOfLength(254, 'E');
        const res = await api.register(newCredentials({ email: `   ${email}\t\n` }));
        expect(res.status).toBe(201);
        expect(res.body.email).toBe(email.toLowerCase());
      });

      it.each([
        ['a 64-character local part', `${'m'.repeat(64)}@example.org`],
        ['a 1-character local part', 'x@example.org'],
        ['a 64-code-point local part of astral characters', `${'😀'.repeat(64)}@example.org`],
        ['hyphens and digits in labels', 'who@mail-1.sub-2.example.io'],
      ])('accepts %s', async (_case, email) => {
        const res = await api.register(newCredentials({ email }));
        expect(res.status).toBe(201);
        expect(res.body.email).toBe(email.toLowerCase());
      });

      it.each([
        ['a 65-character local part', `${'n'.repeat(65)}@example.org`],
        ['a 65-code-point local part', `${'😀'.repeat(65)}@example.org`],
        ['no TLD', 'someone@localhost'],
        ['a 1-letter TLD', 'someone@example.c'],
        ['a TLD with a digit', 'someone@example.c0m'],
        ['two @', 'some@one@example.org'],
        ['no @', 'someone.example.org'],
        ['an empty local part', '@example.org'],
        ['an empty domain', 'someone@'],
        ['a space in the local part', 'some one@example.org'],
        ['an empty label', 'someone@example..org'],
        ['an underscore in the domain', 'someone@exa_mple.org'],
        ['a display name', 'Some One <someone@example.org>'],
        ['only whitespace', '   '],
        ['empty', ''],
      ])('rejects %s with 422', async (_case, email) => {
        expectValidationError(await api.register(newCredentials({ email })), ['email']);
      });
    });

    describe('password: 8-100 code points, not trimmed, every length works', () => {
      it.each([
        ['8 ASCII characters', 'p'.repeat(8)],
        ['100 ASCII characters', 'p'.repeat(100)],
        ['8 astral characters (16 UTF-16 units)', '😀'.repeat(8)],
        ['100 astral characters (400 bytes)', '😀'.repeat(100)],
        ['100 three-byte characters', '€'.repeat(100)],
        ['8 spaces', ' '.repeat(8)],
      ])('accepts %s, and it logs in', async (_case, password) => {
        const credentials = newCredentials({ password });
        const res = await api.register(credentials);
        expect(res.status).toBe(201);
        const loggedIn = await api.login({ username: credentials.username, password });
        expect(loggedIn.status).toBe(200);
      });

      it.each([
        ['7 ASCII characters', 'p'.repeat(7)],
        ['7 astral characters (14 UTF-16 units)', '😀'.repeat(7)],
        ['7 three-byte characters (21 bytes)', '€'.repeat(7)],
        ['101 ASCII characters', 'p'.repeat(101)],
        ['101 astral characters', '😀'.repeat(101)],
        ['101 three-byte characters', '€'.repeat(101)],
        ['empty', ''],
      ])('rejects %s with 422', async (_case, password) => {
        expectValidationError(await api.register(newCredentials({ password })), ['password']);
      });
    });

    it('reports every invalid field together', async () => {
      expectValidationError(await api.register({}), ['username', 'email', 'password']);
      expectValidationError(await api.register(undefined), ['username', 'email', 'password']);
      expectValidationError(await api.register({ username: 'x', email: 'y', password: 'z' }), [
        'username',
        'email',
        'password',
      ]);
    });

    it('does not coerce non-string values', async () => {
      const res = await api.register({ username: 12345, email: null, password: 12345678 });
      expectValidationError(res, ['username', 'email', 'password']);
    });

    it('forbids unknown fields such as is_active', async () => {
      const res = await api.register({ ...newCredentials(), is_active: false });
      expectValidationError(res, ['is_active']);
    });

    it('takes only JSON', async () => {
      const res = await withoutSecrets(
        request(t.server)
          .post('/api/auth/register')
          .type('form')
          .send(new URLSearchParams({ ...newCredentials() }).toString()),
      );
      expect(outcome(res)).toEqual({
        status: 415,
        body: { detail: 'Content-Type must be application/json' },
      });
    });

    describe('duplicates', () => {
      it('answers 409 Username already registered for a taken username', async () => {
        const { credentials } = await registerUser(t.server);
        const res = await api.register(newCredentials({ username: credentials.username }));
        expect(outcome(res)).toEqual({ status: 409, body: USERNAME_TAKEN });
      });

      it('answers 409 Email already registered for a taken email', async () => {
        const { credentials } = await registerUser(t.server);
        const res = await api.register(newCredentials({ email: credentials.email }));
        expect(outcome(res)).toEqual({ status: 409, body: EMAIL_TAKEN });
      });

      it('lets the username message win when both collide', async () => {
        const first = await registerUser(t.server);
        const second = await registerUser(t.server);
        const sameUser = await api.register(newCredentials({ ...first.credentials }));
        expect(outcome(sameUser)).toEqual({ status: 409, body: USERNAME_TAKEN });
        const twoUsers = await api.register(
          newCredentials({
            username: first.credentials.username,
            email: second.credentials.email,
          }),
        );
        expect(outcome(twoUsers)).toEqual({ status: 409, body: USERNAME_TAKEN });
      });

      it('compares usernames case-insensitively', async () => {
        await registerUser(t.server, { username: 'CaseUser' });
        for (const username of ['caseuser', 'CASEUSER', 'cAsEuSeR']) {
          const res = await api.register(newCredentials({ username }));
          expect(outcome(res)).toEqual({ status: 409, body: USERNAME_TAKEN });
        }
      });

      it('compares emails case- and whitespace-insensitively', async () => {
        await registerUser(t.server, { email: 'Mixed.Case@Example.org' });
        for (const email of ['mixed.case@example.org', '  MIXED.CASE@EXAMPLE.ORG\t']) {
          const res = await api.register(newCredentials({ email }));
          expect(outcome(res)).toEqual({ status: 409, body: EMAIL_TAKEN });
        }
      });

      it('gives 10 concurrent registrations of one username one 201 and nine 409s', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            api.register(newCredentials({ username: 'racer', email: `racer${i}@example.org` })),
          ),
        );
        expect(results.map((res) => res.status).sort()).toEqual([201, ...Array(9).fill(409)]);
        expect(results.filter((res) => res.status === 409).map((res) => res.body)).toEqual(
          Array(9).fill(USERNAME_TAKEN),
        );
        await expect(t.dataSource.getRepository(User).countBy({ username: 'racer' })).resolves.toBe(
          1,
        );
      });

      it('gives 10 concurrent registrations of one email one 201 and nine 409s', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            api.register(newCredentials({ email: 'race@example.org' })),
          ),
        );
        expect(results.map((res) => res.status).sort()).toEqual([201, ...Array(9).fill(409)]);
        expect(results.filter((res) => res.status === 409).map((res) => res.body)).toEqual(
          Array(9).fill(EMAIL_TAKEN),
        );
        await expect(
          t.dataSource.getRepository(User).countBy({ email: 'race@example.org' }),
        ).resolves.toBe(1);
      });
    });
  });

  describe('POST /api/auth/login', () => {
    const password = 'login-user password';
    let user: SelfUserBody;

    beforeAll(async () => {
      ({ user } = await registerUser(t.server, {
        username: 'LoginUser',
        email: 'Login.User@Example.ORG',
        password,
      }));
    });

    it('answers 200 with a TokenPair whose access token authenticates the user', async () => {
      const res = await api.login({ username: 'loginuser', password });
      expect(res.status).toBe(200);
      expectTokenPair(res.body);
      expect(decodeJwt(res.body.access_token).payload.sub).toBe(String(user.id));
      const me = await api.me(res.body.access_token);
      expect(outcome(me)).toEqual({ status: 200, body: user });
    });

    it.each([
      ['the username', 'loginuser'],
      ['the username in another case', 'LOGINUSER'],
      ['the username with surrounding whitespace', ' \tLoginUser  '],
      ['the email', 'login.user@example.org'],
      ['the email in another case, with whitespace', '  LOGIN.User@EXAMPLE.org\n'],
    ])('accepts %s', async (_case, username) => {
      const res = await api.login({ username, password });
      expect(res.status).toBe(200);
      expectTokenPair(res.body);
      expect(decodeJwt(res.body.access_token).payload.sub).toBe(String(user.id));
    });

    it('issues a new refresh token on every login', async () => {
      const first = await login(t.server, 'loginuser', password);
      const second = await login(t.server, 'loginuser', password);
      expect(second.refresh_token).not.toBe(first.refresh_token);
    });

    describe('the OAuth2 password form', () => {
      it('accepts username and password', async () => {
        const res = await api.loginForm({ username: 'LoginUser', password });
        expect(res.status).toBe(200);
        expectTokenPair(res.body);
      });

      it('accepts grant_type=password with scope, client_id and client_secret', async () => {
        const res = await api.loginForm({
          grant_type: 'password',
          username: 'login.user@example.org',
          password,
          scope: 'read write',
          client_id: 'swagger-ui',
          client_secret: 'not-checked',
        });
        expect(res.status).toBe(200);
        expectTokenPair(res.body);
      });

      it('accepts empty scope, client_id and client_secret', async () => {
        const res = await api.loginForm({
          username: 'loginuser',
          password,
          scope: '',
          client_id: '',
          client_secret: '',
        });
        expect(res.status).toBe(200);
      });

      it.each(['client_credentials', 'PASSWORD', 'refresh_token'])(
        'rejects grant_type=%s with 422',
        async (grantType) => {
          const res = await api.loginForm({
            grant_type: grantType,
            username: 'loginuser',
            password,
          });
          expectValidationError(res, ['grant_type']);
        },
      );

      it('answers 401 for a wrong password, as JSON does', async () => {
        const res = await api.loginForm({ username: 'loginuser', password: 'wrong password' });
        expect(outcome(res)).toEqual({ status: 401, body: INVALID_LOGIN });
      });

      it('rejects unknown form fields with 422', async () => {
        const res = await api.loginForm({ username: 'loginuser', password, role: 'admin' });
        expectValidationError(res, ['role']);
      });
    });

    it('answers 415 for a body that is neither JSON nor a form', async () => {
      const res = await withoutSecrets(
        request(t.server)
          .post('/api/auth/login')
          .set('Content-Type', 'text/plain')
          .send(`username=loginuser&password=${password}`),
      );
      expect(outcome(res)).toEqual({
        status: 415,
        body: { detail: 'Content-Type must be application/json' },
      });
    });

    it('answers the same 401 for an unknown user and for a wrong password', async () => {
      const unknown = await api.login({ username: 'nobody-here', password });
      const wrong = await api.login({ username: 'loginuser', password: `${password}!` });
      const wrongCase = await api.login({
        username: 'loginuser',
        password: password.toUpperCase(),
      });
      expect(outcome(unknown)).toEqual({ status: 401, body: INVALID_LOGIN });
      expect(outcome(wrong)).toEqual({ status: 401, body: INVALID_LOGIN });
      expect(outcome(wrongCase)).toEqual({ status: 401, body: INVALID_LOGIN });
    });

    it('answers 403 User account is inactive only when the password is right', async () => {
      const { user: inactive, credentials } = await registerUser(t.server);
      await setActive(t, inactive.id, false);
      const right = await api.login({
        username: credentials.username,
        password: credentials.password,
      });
      expect(outcome(right)).toEqual({ status: 403, body: INACTIVE });
      const wrong = await api.login({ username: credentials.username, password: 'wrong-password' });
      expect(outcome(wrong)).toEqual({ status: 401, body: INVALID_LOGIN });
      const byEmail = await api.login({ username: credentials.email, password: 'wrong-password' });
      expect(outcome(byEmail)).toEqual({ status: 401, body: INVALID_LOGIN });
    });

    describe('bounds: username 1-254 after trimming, password 1-1024', () => {
      it.each([
        ['a 254-character username', 'u'.repeat(254), password],
        ['a 254-character username inside whitespace', `  ${'u'.repeat(254)}\t `, password],
        ['a 1-character username', 'u', password],
        ['a 1024-character password', 'loginuser', 'p'.repeat(1024)],
        ['a 1024-code-point astral password', 'loginuser', '😀'.repeat(1024)],
        ['a 1-character password', 'loginuser', 'p'],
      ])('lets %s through validation (401)', async (_case, username, pass) => {
        const res = await api.login({ username, password: pass });
        expect(outcome(res)).toEqual({ status: 401, body: INVALID_LOGIN });
      });

      it.each([
        ['a 255-character username', 'u'.repeat(255), password, 'username'],
        ['an empty username', '', password, 'username'],
        ['a whitespace-only username', ' \t\n ', password, 'username'],
        ['a 1025-character password', 'loginuser', 'p'.repeat(1025), 'password'],
        ['a 1025-code-point astral password', 'loginuser', '😀'.repeat(1025), 'password'],
        ['an empty password', 'loginuser', '', 'password'],
      ])('rejects %s with 422', async (_case, username, pass, field) => {
        expectValidationError(await api.login({ username, password: pass }), [field]);
      });

      it('rejects a missing or non-string username and password together', async () => {
        expectValidationError(await api.login({}), ['username', 'password']);
        expectValidationError(await api.login(undefined), ['username', 'password']);
        expectValidationError(await api.login({ username: 42, password: true }), [
          'username',
          'password',
        ]);
      });
    });

    describe('passwords', () => {
      it('does not confuse passwords that differ only after their 72nd byte', async () => {
        const credentials = newCredentials({ password: `${'a'.repeat(80)}x` });
        await registerUser(t.server, credentials);
        const other = await api.login({
          username: credentials.username,
          password: `${'a'.repeat(80)}y`,
        });
        expect(outcome(other)).toEqual({ status: 401, body: INVALID_LOGIN });
        const same = await api.login({
          username: credentials.username,
          password: credentials.password,
        });
        expect(same.status).toBe(200);
      });

      it('does not confuse multi-byte passwords that differ only after their 72nd byte', async () => {
        // 30 × 3 bytes = 90 bytes before the difference.
        const credentials = newCredentials({ password: `${'€'.repeat(30)}x` });
        await registerUser(t.server, credentials);
        const other = await api.login({
          username: credentials.username,
          password: `${'€'.repeat(30)}y`,
        });
        expect(outcome(other)).toEqual({ status: 401, body: INVALID_LOGIN });
      });

      it('logs in with a 100-character multi-byte password', async () => {
        const password100 = `${'😀'.repeat(50)}${'é'.repeat(25)}${'€'.repeat(25)}`;
        expect(Array.from(password100)).toHaveLength(100);
        const credentials = newCredentials({ password: password100 });
        await registerUser(t.server, credentials);
        const res = await api.login({ username: credentials.email, password: password100 });
        expect(res.status).toBe(200);
        expectTokenPair(res.body);
      });
    });
  });

  describe('POST /api/auth/refresh', () => {
    it('rotates: a new pair for the same user, and the presented token is then refused', async () => {
      const { user, tokens } = await registerAndLogin(t.server);
      const res = await api.refresh(tokens.refresh_token);
      expect(res.status).toBe(200);
      expectTokenPair(res.body);
      expect(res.body.refresh_token).not.toBe(tokens.refresh_token);
      expect(decodeJwt(res.body.access_token).payload.sub).toBe(String(user.id));
      const me = await api.me(res.body.access_token);
      expect(outcome(me)).toEqual({ status: 200, body: user });

      const again = await api.refresh(tokens.refresh_token);
      expect(outcome(again)).toEqual({ status: 401, body: INVALID_REFRESH });
    });

    it('keeps rotating along a chain', async () => {
      const { tokens } = await registerAndLogin(t.server);
      let current = tokens.refresh_token;
      for (let step = 0; step < 4; step += 1) {
        const res = await api.refresh(current);
        expect(res.status).toBe(200);
        current = (res.body as TokenPairBody).refresh_token;
      }
    });

    it('revokes the whole family when a rotated token is presented again', async () => {
      const { credentials, tokens } = await registerAndLogin(t.server);
      const otherSession = await login(t.server, credentials.username, credentials.password);
      const second = (await api.refresh(tokens.refresh_token)).body as TokenPairBody;
      const third = (await api.refresh(second.refresh_token)).body as TokenPairBody;

      const reuse = await api.refresh(second.refresh_token);
      expect(outcome(reuse)).toEqual({ status: 401, body: INVALID_REFRESH });
      const newest = await api.refresh(third.refresh_token);
      expect(outcome(newest)).toEqual({ status: 401, body: INVALID_REFRESH });
      const first = await api.refresh(tokens.refresh_token);
      expect(outcome(first)).toEqual({ status: 401, body: INVALID_REFRESH });

      const unrelated = await api.refresh(otherSession.refresh_token);
      expect(unrelated.status).toBe(200);
    });

    it('lets exactly one of 10 concurrent refreshes of one token succeed', async () => {
      const { tokens } = await registerAndLogin(t.server);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => api.refresh(tokens.refresh_token)),
      );
      expect(results.map((res) => res.status).sort()).toEqual([200, ...Array(9).fill(401)]);
      expect(results.filter((res) => res.status === 401).map((res) => res.body)).toEqual(
        Array(9).fill(INVALID_REFRESH),
      );
      // The losers count as reuse, which revokes the family, the winner's new token included.
      const winner = results.find((res) => res.status === 200)!.body as TokenPairBody;
      const afterwards = await api.refresh(winner.refresh_token);
      expect(outcome(afterwards)).toEqual({ status: 401, body: INVALID_REFRESH });
    });

    it('refuses the token of a deactivated user', async () => {
      const { user, tokens } = await registerAndLogin(t.server);
      await setActive(t, user.id, false);
      const res = await api.refresh(tokens.refresh_token);
      expect(outcome(res)).toEqual({ status: 401, body: INVALID_REFRESH });
    });

    it('refuses the token of a deleted user', async () => {
      const { user, tokens } = await registerAndLogin(t.server);
      await deleteUser(t, user.id);
      const res = await api.refresh(tokens.refresh_token);
      expect(outcome(res)).toEqual({ status: 401, body: INVALID_REFRESH });
    });

    it('stores the token only as a hash', async () => {
      const { user, tokens } = await registerAndLogin(t.server);
      const rows = await t.dataSource.getRepository(RefreshToken).findBy({ userId: user.id });
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(tokens.refresh_token);
    });

    it.each<[string, () => Promise<string> | string]>([
      ['an unknown token', () => 'x'.repeat(43)],
      ['a 512-character token', () => 'r'.repeat(512)],
      ['a 1-character token', () => 'r'],
      ['an access token', async () => (await registerAndLogin(t.server)).tokens.access_token],
    ])('answers 401 for %s', async (_case, token) => {
      const res = await api.refresh(await token());
      expect(outcome(res)).toEqual({ status: 401, body: INVALID_REFRESH });
    });

    it.each([
      ['an empty token', ''],
      ['a 513-character token', 'r'.repeat(513)],
      ['a number', 12345],
      ['null', null],
    ])('rejects %s with 422', async (_case, token) => {
      expectValidationError(await api.refresh(token), ['refresh_token']);
    });

    it('rejects a missing refresh_token with 422', async () => {
      expectValidationError(await api.refresh(undefined), ['refresh_token']);
      expectValidationError(await withoutSecrets(request(t.server).post('/api/auth/refresh')), [
        'refresh_token',
      ]);
    });
  });

  describe('POST /api/auth/logout', () => {
    it('answers 204 with no body and ends that session', async () => {
      const { tokens } = await registerAndLogin(t.server);
      const res = await api.logout(tokens.refresh_token);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const refresh = await api.refresh(tokens.refresh_token);
      expect(outcome(refresh)).toEqual({ status: 401, body: INVALID_REFRESH });
    });

    it('leaves the user’s other sessions alone', async () => {
      const { credentials, tokens } = await registerAndLogin(t.server);
      const other = await login(t.server, credentials.username, credentials.password);
      expect((await api.logout(tokens.refresh_token)).status).toBe(204);
      const refresh = await api.refresh(other.refresh_token);
      expect(refresh.status).toBe(200);
    });

    it('is idempotent: already revoked, rotated and unknown tokens still get 204', async () => {
      const { tokens } = await registerAndLogin(t.server);
      expect((await api.logout(tokens.refresh_token)).status).toBe(204);
      expect((await api.logout(tokens.refresh_token)).status).toBe(204);

      const rotating = await registerAndLogin(t.server);
      expect((await api.refresh(rotating.tokens.refresh_token)).status).toBe(200);
      expect((await api.logout(rotating.tokens.refresh_token)).status).toBe(204);

      expect((await api.logout('never-issued-token')).status).toBe(204);
    });

    it('rejects a missing refresh_token with 422', async () => {
      expectValidationError(await api.logout(undefined), ['refresh_token']);
      expectValidationError(await withoutSecrets(request(t.server).post('/api/auth/logout')), [
        'refresh_token',
      ]);
    });
  });

  describe('GET /api/auth/me', () => {
    it('answers 200 with the SelfUser of the token’s user', async () => {
      const { user, tokens } = await registerAndLogin(t.server, {
        username: 'MeMyself',
        email: 'Me@Example.org',
      });
      const res = await api.me(tokens.access_token);
      expect(res.status).toBe(200);
      expectSelfUser(res.body, { username: 'memyself', email: 'me@example.org' });
      expect(res.body).toEqual(user);
    });
  });

  describe('public routes ignore the Authorization header', () => {
    const expiredToken = () =>
      craftJwt({ sub: '1', iat: nowSeconds() - 3600, exp: nowSeconds() - 1800 });

    it.each([
      ['an expired bearer token', () => `Bearer ${expiredToken()}`],
      ['a garbage bearer token', () => 'Bearer not.a.jwt'],
      ['a non-bearer scheme', () => 'Basic dXNlcjpwYXNz'],
    ])('with %s, register, login, refresh and logout still work', async (_case, header) => {
      const headers = { Authorization: header() };
      const credentials = newCredentials();
      const registered = await api.register(credentials, headers);
      expect(registered.status).toBe(201);
      const loggedIn = await api.login(
        { username: credentials.username, password: credentials.password },
        headers,
      );
      expect(loggedIn.status).toBe(200);
      const refreshed = await api.refresh(loggedIn.body.refresh_token, headers);
      expect(refreshed.status).toBe(200);
      const loggedOut = await api.logout(refreshed.body.refresh_token, headers);
      expect(loggedOut.status).toBe(204);
    });
  });
});

describe('Refresh token expiry (JWT_REFRESH_TTL)', () => {
  let t: TestApp | undefined;
  let clock: FakeClock;

  async function start(env: Record<string, string>): Promise<AuthApi> {
    clock = new FakeClock();
    t = await createTestApp({ env, clock });
    return authApi(t.server);
  }

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('refuses a token past its lifetime, and each rotation gets a fresh lifetime', async () => {
    const api = await start({ JWT_REFRESH_TTL: '60s' });
    const { tokens } = await registerAndLogin(t!.server);

    clock.advance(59 * SECOND_MS);
    const second = await api.refresh(tokens.refresh_token);
    expect(second.status).toBe(200);

    clock.advance(59 * SECOND_MS);
    const third = await api.refresh(second.body.refresh_token);
    expect(third.status).toBe(200);

    clock.advance(60 * SECOND_MS + 1);
    const expired = await api.refresh(third.body.refresh_token);
    expect(outcome(expired)).toEqual({ status: 401, body: INVALID_REFRESH });
    expect((await api.logout(third.body.refresh_token)).status).toBe(204);
  });

  it('lasts 14 days by default', async () => {
    const api = await start({});
    const { tokens } = await registerAndLogin(t!.server);

    clock.advance(14 * DAY_MS - SECOND_MS);
    const fresh = await api.refresh(tokens.refresh_token);
    expect(fresh.status).toBe(200);

    clock.advance(14 * DAY_MS + SECOND_MS);
    const expired = await api.refresh(fresh.body.refresh_token);
    expect(outcome(expired)).toEqual({ status: 401, body: INVALID_REFRESH });
  });
});

describe('Login and register throttling (contract §3.7)', () => {
  let t: TestApp | undefined;
  let clock: FakeClock;

  async function start(env: Record<string, string | undefined>): Promise<AuthApi> {
    clock = new FakeClock();
    t = await createTestApp({
      env: { THROTTLE_LIMIT: '3', THROTTLE_TTL: '60s', ...env },
      clock,
    });
    return authApi(t.server);
  }

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** Asserts the contract's 429 and returns its N. */
  function expectThrottled(res: request.Response): number {
    expect(res.status).toBe(429);
    const match = /^Too many requests; try again in (\d+) seconds$/.exec(String(res.body.detail));
    expect(match).not.toBeNull();
    const seconds = Number(match![1]);
    expect(res.body).toEqual({ detail: `Too many requests; try again in ${seconds} seconds` });
    expect(res.headers['retry-after']).toBe(String(seconds));
    expect(seconds).toBeGreaterThanOrEqual(1);
    return seconds;
  }

  it('allows THROTTLE_LIMIT logins per window whatever their outcome, then answers 429', async () => {
    const api = await start({});
    const { credentials } = await registerUser(t!.server);
    const ok = { username: credentials.username, password: credentials.password };

    expect((await api.login(ok)).status).toBe(200);
    expect((await api.login({ ...ok, password: 'wrong-password' })).status).toBe(401);
    expect((await api.login({ username: 'nobody', password: 'x' })).status).toBe(401);

    expect(expectThrottled(await api.login(ok))).toBe(60);
    expect(expectThrottled(await api.loginForm(ok))).toBe(60);
  });

  it.each([
    [0, 60],
    [30 * SECOND_MS, 30],
    [59.5 * SECOND_MS, 1],
  ])('%d ms into the window, announces N = %d seconds', async (elapsed, seconds) => {
    const api = await start({});
    for (let i = 0; i < 3; i += 1) {
      expect((await api.login({ username: 'nobody', password: 'x' })).status).toBe(401);
    }
    clock.advance(elapsed);
    expect(expectThrottled(await api.login({ username: 'nobody', password: 'x' }))).toBe(seconds);
  });

  it('lets requests through again once THROTTLE_TTL has passed, with a full new budget', async () => {
    const api = await start({ THROTTLE_TTL: '5s' });
    const attempt = () => api.login({ username: 'nobody', password: 'x' });
    for (let i = 0; i < 3; i += 1) expect((await attempt()).status).toBe(401);
    const seconds = expectThrottled(await attempt());
    expect(seconds).toBe(5);

    clock.advance(seconds * SECOND_MS);
    for (let i = 0; i < 3; i += 1) expect((await attempt()).status).toBe(401);
    expect(expectThrottled(await attempt())).toBe(5);
  });

  it('counts login and register separately, and never throttles refresh, logout or me', async () => {
    const api = await start({});
    const { credentials, tokens } = await registerAndLogin(t!.server);
    const ok = { username: credentials.username, password: credentials.password };
    expect((await api.login(ok)).status).toBe(200);
    expect((await api.login(ok)).status).toBe(200);
    expectThrottled(await api.login(ok));

    expect((await api.register(newCredentials())).status).toBe(201);
    expect((await api.register(newCredentials())).status).toBe(201);
    expectThrottled(await api.register(newCredentials()));

    for (let i = 0; i < 5; i += 1) {
      expect((await api.refresh(`unknown-${i}`)).status).toBe(401);
      expect((await api.logout(`unknown-${i}`)).status).toBe(204);
      expect((await api.me(tokens.access_token)).status).toBe(200);
    }
  });

  it('throttles before validation: invalid bodies count and get 429 when over the limit', async () => {
    const api = await start({});
    for (let i = 0; i < 3; i += 1)
      expectValidationError(await api.login({}), ['username', 'password']);
    expectThrottled(await api.login({}));
    expectThrottled(await api.login({ username: 'nobody', password: 'x' }));

    for (let i = 0; i < 3; i += 1) {
      expectValidationError(await api.register({ username: 'x', email: 'y', password: 'z' }), [
        'username',
        'email',
        'password',
      ]);
    }
    expectThrottled(await api.register({ username: 'x' }));
    expectThrottled(await api.register(newCredentials()));
  });

  it('with TRUST_PROXY=true, counts per first X-Forwarded-For hop', async () => {
    const api = await start({ TRUST_PROXY: 'true' });
    const attempt = (forwardedFor?: string) =>
      api.login(
        { username: 'nobody', password: 'x' },
        forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor },
      );
    for (const hops of ['203.0.113.5', '203.0.113.5, 10.0.0.1', '203.0.113.5, 10.0.0.2']) {
      expect((await attempt(hops)).status).toBe(401);
    }
    expectThrottled(await attempt('203.0.113.5'));
    expectThrottled(await attempt('203.0.113.5, 10.9.9.9'));

    expect((await attempt('198.51.100.7')).status).toBe(401);
    expect((await attempt('198.51.100.7, 203.0.113.5')).status).toBe(401);
    expect((await attempt()).status).toBe(401);
  });

  it('with TRUST_PROXY=false, ignores X-Forwarded-For', async () => {
    const api = await start({ TRUST_PROXY: 'false' });
    const attempt = (forwardedFor: string) =>
      api.login({ username: 'nobody', password: 'x' }, { 'X-Forwarded-For': forwardedFor });
    expect((await attempt('203.0.113.1')).status).toBe(401);
    expect((await attempt('203.0.113.2')).status).toBe(401);
    expect((await attempt('203.0.113.3')).status).toBe(401);
    expectThrottled(await attempt('203.0.113.4'));
  });

  it('never throttles with THROTTLE_LIMIT=0', async () => {
    const api = await start({ THROTTLE_LIMIT: '0' });
    for (let i = 0; i < 12; i += 1) {
      expect((await api.login({ username: 'nobody', password: 'x' })).status).toBe(401);
      expect((await api.register(newCredentials())).status).toBe(201);
    }
  });

  it('allows 10 requests per window by default', async () => {
    const api = await start({ THROTTLE_LIMIT: undefined });
    for (let i = 0; i < 10; i += 1) {
      expect((await api.login({ username: 'nobody', password: 'x' })).status).toBe(401);
    }
    expectThrottled(await api.login({ username: 'nobody', password: 'x' }));
  });
});
