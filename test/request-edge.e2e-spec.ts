import request from 'supertest';
import { JSON_TOO_DEEP, MAX_JSON_DEPTH } from '../src/http/body-parser.js';
import { authHeader, signUp, type TestUser } from './support/auth-helpers.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** `{"username": [[…]], "password": "x"}`: an object `depth` levels deep in all. */
function loginNested(depth: number): string {
  const arrays = depth - 1;
  return `{"username":${'['.repeat(arrays)}${']'.repeat(arrays)},"password":"x"}`;
}

describe('Request edge cases (contract §1.2)', () => {
  let t: TestApp;
  let alice: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signUp(t.server, 'alice');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('JSON nesting', () => {
    it(`validates a body nested ${MAX_JSON_DEPTH} levels deep as usual`, async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(loginNested(MAX_JSON_DEPTH));
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        detail: 'username must be a string',
        errors: [{ field: 'username', location: 'body', message: 'username must be a string' }],
      });
    });

    it.each([MAX_JSON_DEPTH + 1, 5_000, 50_000])(
      'answers 400 for a body nested %i levels deep',
      async (depth) => {
        const res = await request(t.server)
          .post('/api/auth/login')
          .set('Content-Type', 'application/json')
          .send(loginNested(depth));
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/json\b/);
        expect(res.body).toEqual({ detail: JSON_TOO_DEEP });
      },
    );

    it('answers 400 for deeply nested objects in an unknown field', async () => {
      const depth = 10_000;
      const res = await request(t.server)
        .post('/api/auth/register')
        .set('Content-Type', 'application/json')
        .send(`{"extra":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: JSON_TOO_DEEP });
    });

    it('answers 400 for application/*+json too', async () => {
      const res = await request(t.server)
        .patch(`/api/users/${alice.id}`)
        .set(authHeader(alice.accessToken))
        .set('Content-Type', 'application/merge-patch+json')
        .send(loginNested(1_000));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: JSON_TOO_DEEP });
    });

    it('rejects it while parsing, before authentication', async () => {
      const res = await request(t.server)
        .patch('/api/users/1')
        .set('Content-Type', 'application/json')
        .send(loginNested(1_000));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: JSON_TOO_DEEP });
    });
  });

  describe('other inputs stay flat', () => {
    const bracketed = 'a' + '[b]'.repeat(5_000);

    it('reads bracketed query keys as plain names (ignored)', async () => {
      const res = await request(t.server)
        .get(`/api/weeks?${bracketed}=1&page=1`)
        .set(authHeader(alice.accessToken));
      expect(res.status).toBe(200);
      expect(res.body.page).toBe(1);
    });

    it('reads bracketed form keys on login as plain names', async () => {
      const res = await request(t.server)
        .post('/api/auth/login')
        .type('form')
        .send(`username=alice&password=${encodeURIComponent(alice.password)}&${bracketed}=1`);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { field: bracketed, location: 'body', message: `${bracketed} is not allowed` },
      ]);
    });
  });

  describe('validation outcomes reused by URL', () => {
    const get = (path: string) => request(t.server).get(path).set(authHeader(alice.accessToken));

    it('answers the same 422 every time a bad URL comes back', async () => {
      const first = await get('/api/weeks?page=0&page_size=abc');
      const second = await get('/api/weeks?page=0&page_size=abc');
      expect(first.status).toBe(422);
      expect(second.body).toEqual(first.body);
      expect(first.body.errors.map((error: { field: string }) => error.field)).toEqual([
        'page',
        'page_size',
      ]);
    });

    it('keeps URLs apart, whichever was validated first', async () => {
      expect((await get('/api/weeks?page_size=5')).body.page_size).toBe(5);
      expect((await get('/api/weeks?page_size=6')).body.page_size).toBe(6);
      expect((await get('/api/weeks?page_size=5')).body.page_size).toBe(5);
      expect((await get('/api/movies/selections?page_size=5')).body.page_size).toBe(5);
      expect((await get('/api/users/99999')).status).toBe(404);
      expect((await get('/api/users/0')).status).toBe(422);
    });
  });

  describe('OpenAPI routes (§1.1)', () => {
    it.each(['/openapi.json', '/docs', '/docs/'])(
      'POST %s → 405 with Allow: GET, HEAD',
      async (path) => {
        const res = await request(t.server).post(path);
        expect(res.status).toBe(405);
        expect(res.headers.allow).toBe('GET, HEAD');
        expect(res.body).toEqual({ detail: 'Method Not Allowed' });
      },
    );
  });
});
