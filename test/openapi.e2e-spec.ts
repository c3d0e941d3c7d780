import request from 'supertest';
import { createTestApp, type TestApp } from './support/test-app.js';

/** `npm run lint:openapi` lints the same document; this keeps its two fixes from regressing. */
describe('OpenAPI document (issue #8)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('says that @Public() operations need no token (security: []) and has servers', async () => {
    const res = await request(t.server).get('/openapi.json').expect(200);
    const doc = res.body as {
      servers?: Array<{ url: string }>;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };

    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const publicOps = [
      ['/api/auth/register', 'post'],
      ['/api/auth/login', 'post'],
      ['/api/auth/refresh', 'post'],
      ['/api/auth/logout', 'post'],
      ['/health', 'get'],
      ['/health/ready', 'get'],
      // Its own bearer token (METRICS_TOKEN), not a user's.
      ['/metrics', 'get'],
    ];
    for (const [path, method] of publicOps) {
      expect({ path, method, security: doc.paths[path]?.[method]?.security }).toEqual({
        path,
        method,
        security: [],
      });
    }
    // Every other operation still names a scheme.
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (publicOps.some(([p, m]) => p === path && m === method)) continue;
        expect({ path, method, secured: (op.security ?? []).length > 0 }).toEqual({
          path,
          method,
          secured: true,
        });
      }
    }
  });
});
