import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcome } from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { member, WeeksClient, type Member } from './support/week-helpers.js';

/** The part of better-sqlite3 used here: a second connection, as an admin command or a shell has. */
interface OtherConnection {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (
  file: string,
) => OtherConnection;

/**
 * Writes committed by another connection to the SQLite file (portability.md §2.5: the admin commands,
 * or a database shell) show on the running server's very next request, not after READ_CACHE_TTL. The
 * clock never moves here, so without that every read below would be served from the caches.
 */
describe('Writes from another connection to the SQLite file', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  let dir: string;
  let t: TestApp;
  let other: OtherConnection;
  let api: WeeksClient;
  let alice: Member;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outside-writes-'));
    const file = join(dir, 'wrong_opinions.db');
    t = await createTestApp({ clock, env: { DATABASE_URL: file, READ_CACHE_TTL: '1h' } });
    other = new Database(file);
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
  });

  afterAll(async () => {
    other.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('end the cached reads: a week inserted there is listed at once', async () => {
    const before = await api.list(alice);
    expect(before.body.total).toBe(0);
    expect((await api.list(alice)).body.total).toBe(0);

    other
      .prepare(
        `INSERT INTO weeks (user_id, year, week_number, notes, created_at, updated_at)
         VALUES (?, 2025, 10, 'from a shell', '2025-03-04 05:06:07.089', '2025-03-04 05:06:07.089')`,
      )
      .run(alice.id);

    const after = await api.list(alice);
    expect(after.body.total).toBe(1);
    expect(after.body.results[0]).toMatchObject({
      year: 2025,
      week_number: 10,
      notes: 'from a shell',
    });
  });

  it('end the signed-in user cache: a user deactivated there is refused on the next request', async () => {
    expect((await api.list(alice)).status).toBe(200);
    other.prepare('UPDATE users SET is_active = 0 WHERE id = ?').run(alice.id);
    expect(outcome(await api.list(alice))).toEqual({
      status: 401,
      body: { detail: 'User account is inactive' },
    });
    other.prepare('UPDATE users SET is_active = 1 WHERE id = ?').run(alice.id);
    expect((await api.list(alice)).status).toBe(200);
  });

  it("leave the caches alone on the server's own writes", async () => {
    // Its own commits do not move data_version; they end only the caches of what they wrote.
    const created = await api.create(alice, { year: 2025, week_number: 11 });
    expect(created.status).toBe(201);
    expect((await api.list(alice)).body.total).toBe(2);
  });
});
