import request from 'supertest';
import {
  authHeader,
  expectNoSecrets,
  ISO_TIMESTAMP,
  login,
  signUp,
  type TestUser,
} from './support/auth-helpers.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const SELF_KEYS = ['created_at', 'email', 'id', 'is_active', 'username'];
const PUBLIC_KEYS = ['created_at', 'id', 'username'];

describe('Users (contract §4)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let seen: request.Response[] = [];
  let counter = 0;

  /** Sends and remembers the response, so afterEach can scan every body for secrets. */
  async function call(test: request.Test): Promise<request.Response> {
    const res = await test;
    seen.push(res);
    return res;
  }

  const get = (id: number | string, user: TestUser) =>
    call(request(t.server).get(`/api/users/${id}`).set(authHeader(user.accessToken)));
  const patch = (id: number | string, user: TestUser, body: unknown) =>
    call(
      request(t.server)
        .patch(`/api/users/${id}`)
        .set(authHeader(user.accessToken))
        .send(body as object),
    );

  /** A fresh user per test keeps the tests independent of one another. */
  async function freshUser(prefix = 'user'): Promise<TestUser> {
    counter += 1;
    return signUp(t.server, `${prefix}${counter}`);
  }

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signUp(t.server, 'alice');
    bob = await signUp(t.server, 'bob');
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(() => {
    const bodies = seen.map((res) => res.body);
    seen = [];
    expectNoSecrets(bodies);
  });

  describe('GET /api/users/{user_id}', () => {
    it('returns the SelfUser view for yourself', async () => {
      const res = await get(alice.id, alice);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(SELF_KEYS);
      expect(res.body).toEqual({
        id: alice.id,
        username: 'alice',
        email: 'alice@example.org',
        is_active: true,
        created_at: expect.stringMatching(ISO_TIMESTAMP),
      });
      expect(Number.isInteger(res.body.id)).toBe(true);
    });

    it('matches /api/auth/me for yourself', async () => {
      const own = await get(alice.id, alice);
      const me = await call(
        request(t.server).get('/api/auth/me').set(authHeader(alice.accessToken)),
      );
      expect(me.status).toBe(200);
      expect(own.body).toEqual(me.body);
    });

    it('returns the PublicUser view for someone else', async () => {
      const res = await get(bob.id, alice);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(PUBLIC_KEYS);
      expect(res.body).toEqual({
        id: bob.id,
        username: 'bob',
        created_at: expect.stringMatching(ISO_TIMESTAMP),
      });
    });

    it('reads back the same created_at as register returned', async () => {
      const registered = await call(
        request(t.server)
          .post('/api/auth/register')
          .send({ username: 'stamp', email: 'stamp@example.org', password: 'password-123' }),
      );
      expect(registered.status).toBe(201);
      expect(registered.body.created_at).toMatch(ISO_TIMESTAMP);
      const other = await get(registered.body.id, alice);
      expect(other.body.created_at).toBe(registered.body.created_at);
    });

    it('answers 404 User not found for an unknown id', async () => {
      const res = await get(987654, alice);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'User not found' });
    });

    it('needs a token', async () => {
      const res = await call(request(t.server).get(`/api/users/${alice.id}`));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Not authenticated' });
    });
  });

  describe('PATCH /api/users/{user_id}', () => {
    it('accepts {} and changes nothing', async () => {
      const before = await get(alice.id, alice);
      const res = await patch(alice.id, alice, {});
      expect(res.status).toBe(200);
      expect(res.body).toEqual(before.body);
      expect((await get(alice.id, alice)).body).toEqual(before.body);
    });

    it('changes the username, stored lowercased', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, { username: 'Renamed-One' });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(SELF_KEYS);
      expect(res.body).toEqual({
        id: user.id,
        username: 'renamed-one',
        email: user.email,
        is_active: true,
        created_at: expect.stringMatching(ISO_TIMESTAMP),
      });
      expect((await get(user.id, alice)).body.username).toBe('renamed-one');
      await login(t.server, 'renamed-one', user.password);
      const old = await call(
        request(t.server)
          .post('/api/auth/login')
          .send({ username: user.username, password: user.password }),
      );
      expect(old.status).toBe(401);
    });

    it("answers 409 for another user's username, case-insensitively", async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, { username: 'BoB' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ detail: 'Username already registered' });
      expect((await get(user.id, user)).body.username).toBe(user.username);
    });

    it("answers 409 for another user's email, case-insensitively and trimmed", async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, {
        email: '  BOB@Example.ORG ',
        current_password: user.password,
      });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ detail: 'Email already registered' });
      expect((await get(user.id, user)).body.email).toBe(user.email);
    });

    it('prefers the username message when both collide', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, {
        username: 'bob',
        email: 'bob@example.org',
        current_password: user.password,
      });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ detail: 'Username already registered' });
    });

    it('treats your own current username (any case) as a no-op', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, { username: user.username.toUpperCase() });
      expect(res.status).toBe(200);
      expect(res.body.username).toBe(user.username);
    });

    it('treats your own current email (any case) as a no-op', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, {
        email: user.email.toUpperCase(),
        current_password: user.password,
      });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe(user.email);
    });

    it('changes the email, trimmed and lowercased', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, {
        email: '  New.Address@Example.ORG ',
        current_password: user.password,
      });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe('new.address@example.org');
      await login(t.server, 'new.address@example.org', user.password);
    });

    it.each([
      ['email', { email: 'changed@example.org' }],
      ['password', { password: 'brand-new-password' }],
      ['email and password', { email: 'changed@example.org', password: 'brand-new-password' }],
    ])('requires current_password to change %s', async (_name, body) => {
      const user = await freshUser();
      const res = await patch(user.id, user, body);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        detail: 'current_password is required to change email or password',
        errors: [
          {
            field: 'current_password',
            location: 'body',
            message: 'current_password is required to change email or password',
          },
        ],
      });
    });

    it('answers 403 Current password is incorrect (not 401) for a wrong current_password', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, {
        email: 'other@example.org',
        current_password: 'not-the-password',
      });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ detail: 'Current password is incorrect' });
      expect((await get(user.id, user)).body.email).toBe(user.email);
    });

    it('verifies current_password whenever it is present, even for a username change', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, {
        username: `${user.username}-x`,
        current_password: 'not-the-password',
      });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ detail: 'Current password is incorrect' });
      expect((await get(user.id, user)).body.username).toBe(user.username);
    });

    it('accepts a correct current_password with a username change', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, {
        username: `${user.username}-y`,
        current_password: user.password,
      });
      expect(res.status).toBe(200);
      expect(res.body.username).toBe(`${user.username}-y`);
    });

    it('verifies current_password even when {current_password} is all there is', async () => {
      const user = await freshUser();
      const wrong = await patch(user.id, user, { current_password: 'not-the-password' });
      expect(wrong.status).toBe(403);
      expect(wrong.body).toEqual({ detail: 'Current password is incorrect' });
      const right = await patch(user.id, user, { current_password: user.password });
      expect(right.status).toBe(200);
      expect(right.body.username).toBe(user.username);
    });

    it("answers 403 You can only modify your own account for another user's id", async () => {
      const res = await patch(bob.id, alice, { username: 'hijacked' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ detail: 'You can only modify your own account' });
      expect((await get(bob.id, alice)).body.username).toBe('bob');
    });

    it('answers 403 for another user even with {}', async () => {
      const res = await patch(bob.id, alice, {});
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ detail: 'You can only modify your own account' });
    });

    it('checks ownership before the current password', async () => {
      const res = await patch(bob.id, alice, {
        password: 'brand-new-password',
        current_password: 'wrong-for-everyone',
      });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ detail: 'You can only modify your own account' });
    });

    it('checks existence (404) before ownership (403)', async () => {
      const res = await patch(987654, alice, {
        password: 'brand-new-password',
        current_password: 'wrong-for-everyone',
      });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'User not found' });
    });

    it('checks the current password (403) before conflicts (409)', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, {
        username: 'bob',
        current_password: 'not-the-password',
      });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ detail: 'Current password is incorrect' });
    });

    it.each([
      ['username', { username: null }],
      ['email', { email: null, current_password: 'irrelevant-here' }],
      ['password', { password: null, current_password: 'irrelevant-here' }],
      ['current_password', { current_password: null }],
    ])('refuses null for %s with 422', async (field, body) => {
      const res = await patch(alice.id, alice, body);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { field, location: 'body', message: expect.stringMatching(new RegExp(`^${field} `)) },
      ]);
      expect(res.body.detail).toBe(res.body.errors[0].message);
    });

    it.each([
      ['username', 42],
      ['email', ['a@example.org']],
      ['password', 12345678],
      ['current_password', true],
    ])('does not coerce %s from %j', async (field, value) => {
      const body =
        field === 'current_password'
          ? { current_password: value }
          : { [field]: value, current_password: alice.password };
      const res = await patch(alice.id, alice, body);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        detail: `${field} must be a string`,
        errors: [{ field, location: 'body', message: `${field} must be a string` }],
      });
    });

    it.each([
      ['too short', 'ab'],
      ['too long', 'a'.repeat(51)],
      ['with a space', 'two words'],
      ['with other punctuation', 'dot.name'],
      ['without a letter or digit', '_-_'],
      ['empty', ''],
    ])('refuses a username %s', async (_name, username) => {
      const res = await patch(alice.id, alice, { username });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { field: 'username', location: 'body', message: expect.stringMatching(/^username /) },
      ]);
    });

    it.each([
      ['3 characters', 'a_1'],
      ['50 characters', 'z'.repeat(50)],
      ['hyphens and underscores', 'Mixed_Case-Name'],
    ])('accepts a username of %s', async (_name, username) => {
      const user = await freshUser();
      const res = await patch(user.id, user, { username });
      expect(res.status).toBe(200);
      expect(res.body.username).toBe(username.toLowerCase());
    });

    it.each([
      ['without @', 'not-an-email'],
      ['with two @', 'a@b@example.org'],
      ['without a dot in the domain', 'a@localhost'],
      ['with a one-letter TLD', 'a@example.o'],
      ['with a display name', 'Alice <alice@example.org>'],
      ['with a space in the local part', 'a b@example.org'],
      ['with a 65-character local part', `${'l'.repeat(65)}@example.org`],
      [
        'over 254 characters',
        `${'l'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(60)}.org`,
      ],
    ])('refuses an email %s', async (_name, email) => {
      const res = await patch(alice.id, alice, { email, current_password: alice.password });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { field: 'email', location: 'body', message: expect.stringMatching(/^email /) },
      ]);
    });

    it.each([
      ['7 characters', 'x'.repeat(7)],
      ['101 characters', 'x'.repeat(101)],
      ['empty', ''],
    ])('refuses a new password of %s', async (_name, password) => {
      const res = await patch(alice.id, alice, { password, current_password: alice.password });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { field: 'password', location: 'body', message: expect.stringMatching(/^password /) },
      ]);
    });

    it.each([
      ['8 characters', 'p'.repeat(8)],
      ['100 characters', 'p'.repeat(100)],
      ['8 code points of 4 bytes each', '😀'.repeat(8)],
      ['surrounding spaces (not trimmed)', '  padded  '],
    ])('accepts a new password of %s', async (_name, password) => {
      const user = await freshUser();
      const res = await patch(user.id, user, { password, current_password: user.password });
      expect(res.status).toBe(200);
      await login(t.server, user.username, password);
    });

    it('reports every body problem together', async () => {
      const res = await patch(alice.id, alice, {
        username: 'ab',
        email: 'nope',
        password: 'short',
        current_password: alice.password,
      });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'username',
        'email',
        'password',
      ]);
      expect(res.body.detail).toBe(
        res.body.errors.map((e: { message: string }) => e.message).join('; '),
      );
    });

    it('changes the password: old one refused, new one works, refresh tokens revoked, access token kept', async () => {
      const user = await freshUser('pw');
      const otherSession = await login(t.server, user.username, user.password);

      const res = await patch(user.id, user, {
        password: 'the-new-password',
        current_password: user.password,
      });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(SELF_KEYS);

      const oldLogin = await call(
        request(t.server)
          .post('/api/auth/login')
          .send({ username: user.username, password: user.password }),
      );
      expect(oldLogin.status).toBe(401);
      expect(oldLogin.body).toEqual({ detail: 'Invalid username or password' });

      for (const refreshToken of [user.refreshToken, otherSession.refresh_token]) {
        const refreshed = await call(
          request(t.server).post('/api/auth/refresh').send({ refresh_token: refreshToken }),
        );
        expect(refreshed.status).toBe(401);
        expect(refreshed.body).toEqual({ detail: 'Invalid or expired refresh token' });
      }

      const me = await call(
        request(t.server).get('/api/auth/me').set(authHeader(user.accessToken)),
      );
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(user.id);

      const fresh = await login(t.server, user.username, 'the-new-password');
      const refreshed = await call(
        request(t.server).post('/api/auth/refresh').send({ refresh_token: fresh.refresh_token }),
      );
      expect(refreshed.status).toBe(200);
    });

    it('keeps refresh tokens when only the username changes', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, { username: `${user.username}-r` });
      expect(res.status).toBe(200);
      const refreshed = await call(
        request(t.server).post('/api/auth/refresh').send({ refresh_token: user.refreshToken }),
      );
      expect(refreshed.status).toBe(200);
    });

    it('does not change the password when current_password is wrong', async () => {
      const user = await freshUser();
      const res = await patch(user.id, user, {
        password: 'the-new-password',
        current_password: 'not-the-password',
      });
      expect(res.status).toBe(403);
      await login(t.server, user.username, user.password);
      const refreshed = await call(
        request(t.server).post('/api/auth/refresh').send({ refresh_token: user.refreshToken }),
      );
      expect(refreshed.status).toBe(200);
    });

    it('settles concurrent renames to one username: exactly one 200 and one 409', async () => {
      for (let round = 0; round < 5; round += 1) {
        const [first, second] = [await freshUser('race'), await freshUser('race')];
        const target = `taken-${round}`;
        const results = await Promise.all([
          patch(first.id, first, { username: target }),
          patch(second.id, second, { username: target }),
        ]);
        const statuses = results.map((res) => res.status).sort();
        expect(statuses).toEqual([200, 409]);
        const loser = results.find((res) => res.status === 409)!;
        expect(loser.body).toEqual({ detail: 'Username already registered' });
        const winner = results.find((res) => res.status === 200)!;
        expect(winner.body.username).toBe(target);
      }
    });

    it('settles concurrent email changes to one address: exactly one 200 and one 409', async () => {
      const [first, second] = [await freshUser('mail'), await freshUser('mail')];
      const results = await Promise.all([
        patch(first.id, first, { email: 'shared@example.org', current_password: first.password }),
        patch(second.id, second, {
          email: 'shared@example.org',
          current_password: second.password,
        }),
      ]);
      expect(results.map((res) => res.status).sort()).toEqual([200, 409]);
      expect(results.find((res) => res.status === 409)!.body).toEqual({
        detail: 'Email already registered',
      });
    });

    it('needs a token', async () => {
      const res = await call(request(t.server).patch(`/api/users/${alice.id}`).send({}));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Not authenticated' });
    });
  });
});
