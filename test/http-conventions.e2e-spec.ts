import { jest } from '@jest/globals';
import request from 'supertest';
import { HealthService } from '../src/health/health.service.js';
import { authHeader, signUp, type TestUser } from './support/auth-helpers.js';
import { rawRequest } from './support/raw-request.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const JSON_TYPE = /^application\/json\b/;
const KIB_100 = 100 * 1024;

/** A login body of exactly `bytes` bytes (the password pads it out). */
function loginBodyOfSize(bytes: number): string {
  const empty = JSON.stringify({ username: 'alice', password: '' });
  return JSON.stringify({ username: 'alice', password: 'x'.repeat(bytes - empty.length) });
}

describe('HTTP conventions (contract §1)', () => {
  let t: TestApp;
  let alice: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signUp(t.server, 'alice');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('routing (§1.1)', () => {
    it.each([
      ['get', '/api/nope'],
      ['post', '/api/nope'],
      ['get', '/nope'],
      ['post', '/nope'],
      ['get', '/api'],
      ['get', '/api/users'],
      ['get', '/api/users/1/extra'],
      ['delete', '/api/no-such-resource/1'],
    ] as const)('%s %s → 404 Not Found as JSON', async (method, path) => {
      const res = await request(t.server)[method](path).set(authHeader(alice.accessToken));
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.body).toEqual({ detail: 'Not Found' });
    });

    it('answers 404 for unknown routes without a token too', async () => {
      const res = await request(t.server).get('/api/nope');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'Not Found' });
    });

    it.each([
      ['put', '/api/auth/me', 'GET, HEAD'],
      ['post', '/api/auth/me', 'GET, HEAD'],
      ['put', '/api/auth/me/', 'GET, HEAD'],
      ['delete', '/api/users/1', 'GET, HEAD, PATCH'],
      ['put', '/api/users/abc', 'GET, HEAD, PATCH'],
      ['post', '/health', 'GET, HEAD'],
      ['delete', '/health/ready', 'GET, HEAD'],
      ['get', '/api/auth/login', 'POST'],
      ['patch', '/api/auth/register', 'POST'],
    ] as const)('%s %s → 405 Method Not Allowed with Allow: %s', async (method, path, allow) => {
      const res = await request(t.server)[method](path).set(authHeader(alice.accessToken));
      expect(res.status).toBe(405);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.headers.allow).toBe(allow);
      expect(res.body).toEqual({ detail: 'Method Not Allowed' });
    });

    it('answers 405 before authentication', async () => {
      const res = await request(t.server).delete('/api/users/1');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, PATCH');
      expect(res.body).toEqual({ detail: 'Method Not Allowed' });
    });

    it('HEAD /health has the status and headers of GET, and no body', async () => {
      const get = await request(t.server).get('/health');
      const head = await request(t.server).head('/health');
      expect(get.status).toBe(200);
      expect(head.status).toBe(200);
      expect(head.headers['content-type']).toBe(get.headers['content-type']);
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      expect(head.text ?? '').toBe('');
    });

    it('HEAD /health/ready answers 200 with no body', async () => {
      const head = await request(t.server).head('/health/ready');
      expect(head.status).toBe(200);
      expect(head.headers['content-type']).toMatch(JSON_TYPE);
      expect(head.text ?? '').toBe('');
    });

    it('HEAD on a protected route without a token → 401 with no body', async () => {
      const head = await request(t.server).head('/api/auth/me');
      expect(head.status).toBe(401);
      expect(head.headers['content-type']).toMatch(JSON_TYPE);
      expect(head.headers['www-authenticate']).toBe('Bearer');
      expect(head.text ?? '').toBe('');
    });

    it('HEAD on a protected route with a token → 200 with no body', async () => {
      const get = await request(t.server).get('/api/auth/me').set(authHeader(alice.accessToken));
      const head = await request(t.server).head('/api/auth/me').set(authHeader(alice.accessToken));
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      expect(head.text ?? '').toBe('');
    });

    it('HEAD on a parameter route validates like GET', async () => {
      const ok = await request(t.server)
        .head(`/api/users/${alice.id}`)
        .set(authHeader(alice.accessToken));
      expect(ok.status).toBe(200);
      const missing = await request(t.server)
        .head('/api/users/999')
        .set(authHeader(alice.accessToken));
      expect(missing.status).toBe(404);
      const invalid = await request(t.server)
        .head('/api/users/abc')
        .set(authHeader(alice.accessToken));
      expect(invalid.status).toBe(422);
    });

    it('HEAD on an unknown path → 404', async () => {
      const head = await request(t.server).head('/api/nope');
      expect(head.status).toBe(404);
      expect(head.text ?? '').toBe('');
    });

    it('serves /health/ with the /health handler, no redirect', async () => {
      const res = await request(t.server).get('/health/').redirects(0);
      expect(res.status).toBe(200);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).toEqual({ status: 'healthy', version: '0.1.0' });
    });

    it('serves /api/auth/me/ with the /api/auth/me handler, no redirect', async () => {
      const res = await request(t.server)
        .get('/api/auth/me/')
        .set(authHeader(alice.accessToken))
        .redirects(0);
      expect(res.status).toBe(200);
      expect(res.headers.location).toBeUndefined();
      expect(res.body.id).toBe(alice.id);
      expect(res.body.username).toBe('alice');
    });

    it('accepts a trailing slash on body routes (login, as JSON and as a form)', async () => {
      const json = await request(t.server)
        .post('/api/auth/login/')
        .send({ username: 'alice', password: alice.password });
      expect(json.status).toBe(200);
      expect(json.body.token_type).toBe('bearer');
      const form = await request(t.server)
        .post('/api/auth/login/')
        .type('form')
        .send({ username: 'alice', password: alice.password });
      expect(form.status).toBe(200);
      expect(form.body.token_type).toBe('bearer');
    });
  });

  describe('request bodies (§1.2)', () => {
    it('accepts application/json with a charset', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ username: 'alice', password: alice.password }));
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('bearer');
    });

    it('accepts application/*+json on login', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .set('Content-Type', 'application/vnd.api+json')
        .send(JSON.stringify({ username: 'alice', password: alice.password }));
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('bearer');
    });

    it.each(['application/json; charset=utf-8', 'application/merge-patch+json'])(
      'accepts %s on PATCH /api/users/{id}',
      async (contentType) => {
        const res = await request(t.server)
          .patch(`/api/users/${alice.id}`)
          .set(authHeader(alice.accessToken))
          .set('Content-Type', contentType)
          .send(JSON.stringify({ username: 'alice' }));
        expect(res.status).toBe(200);
        expect(res.body.username).toBe('alice');
      },
    );

    it('ignores an empty body with Content-Type: application/json on GET', async () => {
      const res = await request(t.server)
        .get('/api/auth/me')
        .set(authHeader(alice.accessToken))
        .set('Content-Type', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(alice.id);
    });

    it('ignores an explicit 0-byte body with Content-Type: application/json on GET and DELETE', async () => {
      const get = await rawRequest(t.server, {
        method: 'GET',
        path: `/api/users/${alice.id}`,
        headers: {
          ...authHeader(alice.accessToken),
          'Content-Type': 'application/json',
          'Content-Length': '0',
        },
      });
      expect(get.status).toBe(200);
      expect(JSON.parse(get.text).id).toBe(alice.id);
      // No DELETE route exists yet: the answer must be the routing one, not a body error.
      const del = await rawRequest(t.server, {
        method: 'DELETE',
        path: `/api/users/${alice.id}`,
        headers: {
          ...authHeader(alice.accessToken),
          'Content-Type': 'application/json',
          'Content-Length': '0',
        },
      });
      expect(del.status).toBe(405);
      expect(JSON.parse(del.text)).toEqual({ detail: 'Method Not Allowed' });
    });

    it('validates a missing body on a body route as {} (422 listing the required fields)', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json');
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        detail: 'username is required; password is required',
        errors: [
          { field: 'username', location: 'body', message: 'username is required' },
          { field: 'password', location: 'body', message: 'password is required' },
        ],
      });
    });

    it('treats an empty body as absent whatever the Content-Type', async () => {
      const res = await request(t.server)
        .post('/api/auth/logout')
        .set('Content-Type', 'text/plain');
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        detail: 'refresh_token is required',
        errors: [
          { field: 'refresh_token', location: 'body', message: 'refresh_token is required' },
        ],
      });
    });

    it('treats a missing PATCH body as {} (200, nothing changes)', async () => {
      const res = await request(t.server)
        .patch(`/api/users/${alice.id}`)
        .set(authHeader(alice.accessToken))
        .set('Content-Type', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body.username).toBe('alice');
    });

    it('refuses a non-empty text/plain body with 415', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ username: 'alice', password: alice.password }));
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.body).toEqual({ detail: 'Content-Type must be application/json' });
    });

    it('refuses a non-empty body without a Content-Type with 415', async () => {
      const res = await rawRequest(t.server, {
        method: 'POST',
        path: '/api/auth/login',
        chunks: [Buffer.from(JSON.stringify({ username: 'alice', password: alice.password }))],
      });
      expect(res.status).toBe(415);
      expect(JSON.parse(res.text)).toEqual({ detail: 'Content-Type must be application/json' });
    });

    it('refuses 415 on PATCH /api/users/{id} with text/plain', async () => {
      const res = await request(t.server)
        .patch(`/api/users/${alice.id}`)
        .set(authHeader(alice.accessToken))
        .set('Content-Type', 'text/plain')
        .send('{}');
      expect(res.status).toBe(415);
      expect(res.body).toEqual({ detail: 'Content-Type must be application/json' });
    });

    it('accepts the OAuth2 password form on login', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .type('form')
        .send({ username: 'alice', password: alice.password });
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('bearer');
    });

    it('refuses a form body on register with 415', async () => {
      const res = await request(t.server)
        .post('/api/auth/register')
        .type('form')
        .send({ username: 'formuser', email: 'formuser@example.org', password: 'password-123' });
      expect(res.status).toBe(415);
      expect(res.body).toEqual({ detail: 'Content-Type must be application/json' });
    });

    it('refuses a form body on PATCH /api/users/{id} with 415', async () => {
      const res = await request(t.server)
        .patch(`/api/users/${alice.id}`)
        .set(authHeader(alice.accessToken))
        .type('form')
        .send({ username: 'alice' });
      expect(res.status).toBe(415);
      expect(res.body).toEqual({ detail: 'Content-Type must be application/json' });
    });

    it('refuses a body over 100 KiB with 413', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(loginBodyOfSize(KIB_100 + 1));
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.body).toEqual({ detail: 'Request body too large' });
    });

    it('refuses a chunked body over 100 KiB (no Content-Length) with 413', async () => {
      const body = Buffer.from(loginBodyOfSize(KIB_100 + 10));
      const chunks = [];
      for (let start = 0; start < body.length; start += 8 * 1024) {
        chunks.push(body.subarray(start, start + 8 * 1024));
      }
      const res = await rawRequest(t.server, {
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        chunks,
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.text)).toEqual({ detail: 'Request body too large' });
    });

    it('reads a body of exactly 100 KiB (then validates it: 422, not 413)', async () => {
      const body = loginBodyOfSize(KIB_100);
      expect(Buffer.byteLength(body)).toBe(KIB_100);
      const res = await request(t.server)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(body);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        detail: 'password must be at most 1024 characters',
        errors: [
          {
            field: 'password',
            location: 'body',
            message: 'password must be at most 1024 characters',
          },
        ],
      });
    });

    it.each(['{"username":', '{username: "alice"}', "{'a':1}", '{"a":1,}'])(
      'answers 400 Malformed JSON body for %s',
      async (raw) => {
        const res = await request(t.server)
          .post('/api/auth/login')
          .set('Content-Type', 'application/json')
          .send(raw);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(JSON_TYPE);
        expect(res.body).toEqual({ detail: 'Malformed JSON body' });
      },
    );

    it.each(['[]', '[{"username":"alice"}]', '"alice"', 'null', '42', 'true'])(
      'answers 422 with field null for the non-object JSON body %s',
      async (raw) => {
        const res = await request(t.server)
          .post('/api/auth/login')
          .set('Content-Type', 'application/json')
          .send(raw);
        expect(res.status).toBe(422);
        expect(res.body.errors).toEqual([
          { field: null, location: 'body', message: expect.any(String) },
        ]);
        expect(res.body.detail).toBe(res.body.errors[0].message);
      },
    );

    it('answers 422 with field null for a non-object body on PATCH too', async () => {
      const res = await request(t.server)
        .patch(`/api/users/${alice.id}`)
        .set(authHeader(alice.accessToken))
        .set('Content-Type', 'application/json')
        .send('null');
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { field: null, location: 'body', message: expect.any(String) },
      ]);
    });

    it('forbids unknown body fields', async () => {
      const res = await request(t.server).post('/api/auth/register').send({
        username: 'bob',
        email: 'bob@example.org',
        password: 'password-123',
        is_admin: true,
      });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        detail: 'is_admin is not allowed',
        errors: [{ field: 'is_admin', location: 'body', message: 'is_admin is not allowed' }],
      });
      const me = await request(t.server)
        .post('/api/auth/login')
        .send({ username: 'bob', password: 'password-123' });
      expect(me.status).toBe(401);
    });

    it('forbids unknown fields on PATCH /api/users/{id}', async () => {
      const res = await request(t.server)
        .patch(`/api/users/${alice.id}`)
        .set(authHeader(alice.accessToken))
        .send({ is_active: false });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        detail: 'is_active is not allowed',
        errors: [{ field: 'is_active', location: 'body', message: 'is_active is not allowed' }],
      });
    });

    it.each([123, true, ['alice'], { name: 'alice' }])(
      'does not coerce username %j to a string',
      async (username) => {
        const res = await request(t.server)
          .post('/api/auth/register')
          .send({ username, email: 'carol@example.org', password: 'password-123' });
        expect(res.status).toBe(422);
        expect(res.body).toEqual({
          detail: 'username must be a string',
          errors: [{ field: 'username', location: 'body', message: 'username must be a string' }],
        });
      },
    );

    it('does not coerce a numeric password on login', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .send({ username: 'alice', password: 12345678 });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        detail: 'password must be a string',
        errors: [{ field: 'password', location: 'body', message: 'password must be a string' }],
      });
    });
  });

  describe('order of checks (§1.5)', () => {
    it('404 for an unknown route comes before body parsing', async () => {
      const res = await request(t.server)
        .post('/api/nope')
        .set('Content-Type', 'application/json')
        .send('{"broken":');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'Not Found' });
    });

    it('405 comes before body parsing', async () => {
      const res = await request(t.server)
        .put('/api/auth/me')
        .set('Content-Type', 'text/plain')
        .send('{"broken":');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.body).toEqual({ detail: 'Method Not Allowed' });
    });

    it('400 Malformed JSON comes before 401 on a protected route', async () => {
      const res = await request(t.server)
        .patch('/api/users/1')
        .set('Content-Type', 'application/json')
        .send('{"broken":');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: 'Malformed JSON body' });
    });

    it('415 comes before 401 on a protected route', async () => {
      const res = await request(t.server)
        .patch('/api/users/1')
        .set('Content-Type', 'text/plain')
        .send('username=x');
      expect(res.status).toBe(415);
      expect(res.body).toEqual({ detail: 'Content-Type must be application/json' });
    });

    it('413 comes before 401 on a protected route', async () => {
      const res = await request(t.server)
        .patch('/api/users/1')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ username: 'x'.repeat(KIB_100) }));
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ detail: 'Request body too large' });
    });

    it('401 comes before 422 (invalid path id and unknown field, no token)', async () => {
      const res = await request(t.server).patch('/api/users/abc').send({ foo: 1 });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body).toEqual({ detail: 'Not authenticated' });
    });

    it('401 with a bad token comes before 422', async () => {
      const res = await request(t.server).get('/api/users/abc').set(authHeader('not-a-jwt'));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Could not validate credentials' });
    });

    it('422 comes before 404 (an invalid body on an unknown user)', async () => {
      const res = await request(t.server)
        .patch('/api/users/999')
        .set(authHeader(alice.accessToken))
        .send({ username: 'x' });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { field: 'username', location: 'body', message: 'username must be at least 3 characters' },
      ]);
    });
  });

  describe('422 shape (§1.4)', () => {
    it('reports path and body problems together in one response', async () => {
      const res = await request(t.server)
        .patch('/api/users/abc')
        .set(authHeader(alice.accessToken))
        .send({ foo: 1 });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.body).toEqual({
        detail: 'user_id must be an integer; foo is not allowed',
        errors: [
          { field: 'user_id', location: 'path', message: 'user_id must be an integer' },
          { field: 'foo', location: 'body', message: 'foo is not allowed' },
        ],
      });
    });

    it('joins every message with "; " in order', async () => {
      const res = await request(t.server)
        .post('/api/auth/register')
        .send({ username: 'ab', email: 'not-an-email', password: 'short' });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'username',
        'email',
        'password',
      ]);
      for (const error of res.body.errors) {
        expect(error.location).toBe('body');
        expect(typeof error.message).toBe('string');
        expect(error.message.startsWith(`${error.field} `)).toBe(true);
      }
      expect(res.body.detail).toBe(
        res.body.errors.map((e: { message: string }) => e.message).join('; '),
      );
      expect(Object.keys(res.body).sort()).toEqual(['detail', 'errors']);
    });

    it.each(['abc', '1.5', '1e3', '0x10', '+1', ' 1'])(
      'GET /api/users/%s → 422 user_id must be an integer',
      async (id) => {
        const res = await request(t.server)
          .get(`/api/users/${encodeURIComponent(id)}`)
          .set(authHeader(alice.accessToken));
        expect(res.status).toBe(422);
        expect(res.body).toEqual({
          detail: 'user_id must be an integer',
          errors: [{ field: 'user_id', location: 'path', message: 'user_id must be an integer' }],
        });
      },
    );

    it.each(['0', '-1', '2147483648', '99999999999999999999'])(
      'GET /api/users/%s → 422 out of range, location path',
      async (id) => {
        const res = await request(t.server)
          .get(`/api/users/${id}`)
          .set(authHeader(alice.accessToken));
        expect(res.status).toBe(422);
        expect(res.body.errors).toHaveLength(1);
        expect(res.body.errors[0]).toEqual({
          field: 'user_id',
          location: 'path',
          message: expect.stringMatching(/^user_id /),
        });
        expect(res.body.detail).toBe(res.body.errors[0].message);
      },
    );

    it('accepts the largest id, 2147483647 (→ 404 User not found)', async () => {
      const res = await request(t.server)
        .get('/api/users/2147483647')
        .set(authHeader(alice.accessToken));
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'User not found' });
    });
  });

  describe('X-Request-Id (§1.3)', () => {
    const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;

    it.each([
      ['200', (s: TestApp) => request(s.server).get('/health')],
      [
        '201',
        (s: TestApp) =>
          request(s.server)
            .post('/api/auth/register')
            .send({ username: 'rid', email: 'rid@example.org', password: 'password-123' }),
      ],
      [
        '204',
        (s: TestApp) => request(s.server).post('/api/auth/logout').send({ refresh_token: 'nope' }),
      ],
      [
        '400',
        (s: TestApp) =>
          request(s.server)
            .post('/api/auth/login')
            .set('Content-Type', 'application/json')
            .send('{'),
      ],
      ['401', (s: TestApp) => request(s.server).get('/api/auth/me')],
      ['404', (s: TestApp) => request(s.server).get('/api/nope')],
      ['405', (s: TestApp) => request(s.server).put('/health')],
      [
        '413',
        (s: TestApp) =>
          request(s.server)
            .post('/api/auth/login')
            .set('Content-Type', 'application/json')
            .send(loginBodyOfSize(KIB_100 + 1)),
      ],
      [
        '415',
        (s: TestApp) =>
          request(s.server).post('/api/auth/login').set('Content-Type', 'text/plain').send('x'),
      ],
      ['422', (s: TestApp) => request(s.server).post('/api/auth/login').send({})],
    ] as const)('is generated when absent (%s)', async (status, send) => {
      const res = await send(t);
      expect(res.status).toBe(Number(status));
      expect(res.headers['x-request-id']).toMatch(VISIBLE_ASCII);
    });

    it('generates a different id for each request', async () => {
      const first = await request(t.server).get('/health');
      const second = await request(t.server).get('/health');
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    });

    it.each([
      ['a short id', 'abc-123'],
      ['a single character', 'x'],
      ['128 visible characters', 'r'.repeat(127) + '~'],
      ['punctuation', '!#$%&*+-.^_`|~:/=?@[]{}'],
    ])('echoes %s', async (_name, id) => {
      const res = await request(t.server).get('/health').set('X-Request-Id', id);
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toBe(id);
    });

    it('echoes the id on error responses too', async () => {
      const res = await request(t.server).get('/api/nope').set('X-Request-Id', 'trace-404');
      expect(res.status).toBe(404);
      expect(res.headers['x-request-id']).toBe('trace-404');
    });

    it.each([
      ['129 characters', 'r'.repeat(129)],
      ['a space', 'abc def'],
      ['a tab', 'abc\tdef'],
      ['non-ASCII', 'caf\u00e9'],
    ])('replaces an id with %s', async (_name, id) => {
      const res = await request(t.server).get('/health').set('X-Request-Id', id);
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toMatch(VISIBLE_ASCII);
      expect(res.headers['x-request-id']).not.toBe(id);
    });

    it('replaces an empty id', async () => {
      const res = await rawRequest(t.server, {
        method: 'GET',
        path: '/health',
        headers: { 'X-Request-Id': '' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toMatch(VISIBLE_ASCII);
    });
  });

  describe('security headers', () => {
    it('sets X-Content-Type-Options: nosniff and hides X-Powered-By', async () => {
      const res = await request(t.server).get('/health');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('sets them on errors too', async () => {
      const res = await request(t.server).get('/api/nope');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('CORS (§1.6)', () => {
    it('is off by default: no Access-Control-* headers', async () => {
      const res = await request(t.server).get('/health').set('Origin', 'https://a.example');
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await request(t.server)
        .options('/api/auth/login')
        .set('Origin', 'https://a.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    });

    describe('with CORS_ORIGINS listing origins', () => {
      let cors: TestApp;

      beforeAll(async () => {
        cors = await createTestApp({
          env: { CORS_ORIGINS: 'https://a.example,http://localhost:5173' },
        });
      });

      afterAll(async () => {
        await cors.close();
      });

      const list = (value: string | undefined) =>
        (value ?? '')
          .split(',')
          .map((item) => item.trim().toLowerCase())
          .filter((item) => item !== '')
          .sort();

      it('answers a preflight with 204 and the contract methods and headers', async () => {
        const res = await request(cors.server)
          .options('/api/users/1')
          .set('Origin', 'https://a.example')
          .set('Access-Control-Request-Method', 'PATCH')
          .set('Access-Control-Request-Headers', 'Authorization, Content-Type, X-Request-Id');
        expect(res.status).toBe(204);
        expect(res.text ?? '').toBe('');
        expect(res.headers['access-control-allow-origin']).toBe('https://a.example');
        expect(list(res.headers['access-control-allow-methods'])).toEqual([
          'delete',
          'get',
          'options',
          'patch',
          'post',
        ]);
        expect(list(res.headers['access-control-allow-headers'])).toEqual([
          'authorization',
          'content-type',
          'x-request-id',
        ]);
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      });

      it('allows every listed origin', async () => {
        const res = await request(cors.server)
          .get('/health')
          .set('Origin', 'http://localhost:5173');
        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      });

      it('exposes Retry-After and X-Request-Id, without credentials', async () => {
        const res = await request(cors.server).get('/health').set('Origin', 'https://a.example');
        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBe('https://a.example');
        expect(list(res.headers['access-control-expose-headers'])).toEqual([
          'retry-after',
          'x-request-id',
        ]);
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      });

      it('adds the CORS headers to error responses too', async () => {
        const res = await request(cors.server)
          .get('/api/auth/me')
          .set('Origin', 'https://a.example');
        expect(res.status).toBe(401);
        expect(res.headers['access-control-allow-origin']).toBe('https://a.example');
      });

      it('does not allow another origin', async () => {
        const res = await request(cors.server).get('/health').set('Origin', 'https://b.example');
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        const preflight = await request(cors.server)
          .options('/api/auth/login')
          .set('Origin', 'https://b.example')
          .set('Access-Control-Request-Method', 'POST');
        expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      });
    });

    describe('with CORS_ORIGINS=*', () => {
      let cors: TestApp;

      beforeAll(async () => {
        cors = await createTestApp({ env: { CORS_ORIGINS: '*' } });
      });

      afterAll(async () => {
        await cors.close();
      });

      it('allows any origin, without credentials', async () => {
        const res = await request(cors.server)
          .get('/health')
          .set('Origin', 'https://anything.example');
        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      });

      it('answers preflights with 204', async () => {
        const res = await request(cors.server)
          .options('/api/auth/login')
          .set('Origin', 'https://anything.example')
          .set('Access-Control-Request-Method', 'POST');
        expect(res.status).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe('*');
      });
    });
  });

  describe('unexpected errors (§1.4)', () => {
    let broken: TestApp;
    let written: string[] = [];
    let restoreOutput: () => void;

    beforeAll(async () => {
      broken = await createTestApp({
        customize: (builder) =>
          builder.overrideProvider(HealthService).useValue({
            version: '0.1.0',
            assertDatabaseReady: () => Promise.reject(new Error('secret internals at /srv/db')),
          }),
      });
    });

    afterAll(async () => {
      await broken.close();
    });

    // The logger writes to stdout/stderr: capture it to check what is logged and keep the run quiet.
    beforeEach(() => {
      written = [];
      const capture = (chunk: unknown) => {
        written.push(String(chunk));
        return true;
      };
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
      const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
      restoreOutput = () => {
        stderr.mockRestore();
        stdout.mockRestore();
      };
    });

    afterEach(() => restoreOutput());

    it('answers 500 Internal server error without leaking internals', async () => {
      const res = await request(broken.server).get('/health/ready').set('X-Request-Id', 'rid-500');
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.headers['x-request-id']).toBe('rid-500');
      expect(res.body).toEqual({ detail: 'Internal server error' });
      expect(res.text).not.toContain('secret internals');
      expect(JSON.stringify(res.headers)).not.toContain('secret internals');
    });

    it('logs the error with the request id', async () => {
      const res = await request(broken.server)
        .get('/health/ready')
        .set('X-Request-Id', 'rid-logged');
      expect(res.status).toBe(500);
      const logged = written.join('');
      expect(logged).toContain('rid-logged');
      expect(logged).toContain('secret internals at /srv/db');
    });

    it('answers HEAD with 500 and no body', async () => {
      const res = await request(broken.server).head('/health/ready');
      expect(res.status).toBe(500);
      expect(res.headers['x-request-id']).toMatch(/^[\x21-\x7e]{1,128}$/);
      expect(res.text ?? '').toBe('');
    });
  });

  describe('OpenAPI and Swagger UI (§1.6)', () => {
    type Schema = { $ref?: string; properties?: Record<string, unknown>; allOf?: Schema[] };
    type Operation = {
      security?: Record<string, string[]>[];
      responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
      requestBody?: { content: Record<string, unknown> };
      parameters?: unknown[];
    };
    let doc: {
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
      components: {
        securitySchemes: Record<string, Record<string, unknown>>;
        schemas: Record<string, Schema>;
      };
    };
    const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
    const PUBLIC_API = new Set([
      'post /api/auth/register',
      'post /api/auth/login',
      'post /api/auth/refresh',
      'post /api/auth/logout',
    ]);

    const operations = () =>
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => METHODS.includes(method))
          .map(([method, op]) => ({ key: `${method} ${path}`, path, op })),
      );

    function propertiesOf(schema: Schema | undefined): string[] {
      if (!schema) return [];
      if (schema.$ref) {
        const name = schema.$ref.replace('#/components/schemas/', '');
        return propertiesOf(doc.components.schemas[name]);
      }
      return [
        ...Object.keys(schema.properties ?? {}),
        ...(schema.allOf ?? []).flatMap((part) => propertiesOf(part)),
      ];
    }

    function errorSchemas(op: Operation): Array<{ status: number; properties: string[] }> {
      return Object.entries(op.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]) => ({
          status: Number(status),
          properties: propertiesOf(response.content?.['application/json']?.schema),
        }));
    }

    beforeAll(async () => {
      const res = await request(t.server).get('/openapi.json');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      doc = res.body;
    });

    it('is OpenAPI 3.x', () => {
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    });

    it('describes every route', () => {
      expect(doc.paths['/health']?.get).toBeDefined();
      expect(doc.paths['/health/ready']?.get).toBeDefined();
      expect(doc.paths['/api/auth/register']?.post).toBeDefined();
      expect(doc.paths['/api/auth/login']?.post).toBeDefined();
      expect(doc.paths['/api/auth/refresh']?.post).toBeDefined();
      expect(doc.paths['/api/auth/logout']?.post).toBeDefined();
      expect(doc.paths['/api/auth/me']?.get).toBeDefined();
      expect(doc.paths['/api/users/{user_id}']?.get).toBeDefined();
      expect(doc.paths['/api/users/{user_id}']?.patch).toBeDefined();
    });

    it('has an HTTP bearer scheme and an OAuth2 password flow on /api/auth/login', () => {
      const schemes = Object.values(doc.components.securitySchemes);
      expect(schemes).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
      expect(schemes).toContainEqual(
        expect.objectContaining({
          type: 'oauth2',
          flows: expect.objectContaining({
            password: expect.objectContaining({ tokenUrl: '/api/auth/login' }),
          }),
        }),
      );
    });

    it('declares security on every protected operation, using the defined schemes', () => {
      const defined = new Set(Object.keys(doc.components.securitySchemes));
      const protectedOps = operations().filter(
        ({ key, path }) => path.startsWith('/api/') && !PUBLIC_API.has(key),
      );
      expect(protectedOps.map(({ key }) => key)).toEqual(
        expect.arrayContaining([
          'get /api/auth/me',
          'get /api/users/{user_id}',
          'patch /api/users/{user_id}',
        ]),
      );
      for (const { key, op } of protectedOps) {
        const used = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
        expect({ key, declares: used.length > 0 }).toEqual({ key, declares: true });
        for (const name of used) expect(defined.has(name)).toBe(true);
      }
    });

    it('declares no security on the public operations', () => {
      for (const { key, op } of operations()) {
        if (!PUBLIC_API.has(key) && key.includes('/api/')) continue;
        const used = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
        expect({ key, used }).toEqual({ key, used: [] });
      }
    });

    it('documents an error response with a `detail` schema on every operation', () => {
      for (const { key, op } of operations()) {
        const withDetail = errorSchemas(op).filter(({ properties }) =>
          properties.includes('detail'),
        );
        expect({ key, documented: withDetail.length > 0 }).toEqual({ key, documented: true });
      }
    });

    it('documents 422 with `detail` and `errors` wherever input is validated', () => {
      for (const { key, op } of operations()) {
        if (!op.requestBody && !(op.parameters ?? []).length) continue;
        const unprocessable = errorSchemas(op).find(({ status }) => status === 422);
        expect({ key, properties: unprocessable?.properties.sort() }).toEqual({
          key,
          properties: expect.arrayContaining(['detail', 'errors']),
        });
      }
    });

    it('documents 401 on every protected operation', () => {
      for (const { key, path, op } of operations()) {
        if (!path.startsWith('/api/') || PUBLIC_API.has(key)) continue;
        expect({ key, has401: '401' in op.responses }).toEqual({ key, has401: true });
      }
    });

    it('offers JSON and the form on login', () => {
      const content = doc.paths['/api/auth/login'].post.requestBody?.content ?? {};
      expect(Object.keys(content)).toEqual(
        expect.arrayContaining(['application/json', 'application/x-www-form-urlencoded']),
      );
    });

    it('serves Swagger UI at /docs', async () => {
      const res = await request(t.server).get('/docs');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('swagger');
    });
  });
});
