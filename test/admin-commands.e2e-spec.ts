import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { BackupScheduler } from '../src/backup/backup.scheduler.js';
import { BackupService } from '../src/backup/backup.service.js';
import { authHeader, outcome, signUp, type TestUser } from './support/auth-helpers.js';
import { runCommand } from './support/run-command.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createThrowawayDatabase } from './support/throwaway-postgres.js';

interface Sqlite {
  prepare(sql: string): { get(): unknown; all(): unknown[] };
  pragma(sql: string, options: { simple: true }): unknown;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => Sqlite;

/** The admin commands of portability.md §2.3–§2.5, run against the file a live server uses. */
describe('Admin commands', () => {
  let dir: string;
  let file: string;
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const env = () => ({ DATABASE_URL: file });
  const backupsIn = (where: string) => (existsSync(where) ? readdirSync(where).sort() : []);
  const me = (user: TestUser) =>
    request(t.server).get('/api/auth/me').set(authHeader(user.accessToken));
  const refresh = (user: TestUser) =>
    request(t.server).post('/api/auth/refresh').send({ refresh_token: user.refreshToken });
  const loginAs = (username: string, password: string) =>
    request(t.server).post('/api/auth/login').send({ username, password });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'admin-commands-'));
    file = join(dir, 'wrong_opinions.db');
    // The read caches stay on (READ_CACHE_TTL 1h): changes must reach the server at once anyway.
    t = await createTestApp({ env: { DATABASE_URL: file, READ_CACHE_TTL: '1h' } });
    alice = await signUp(t.server, 'alice');
    bob = await signUp(t.server, 'bob');
    for (const week_number of [1, 2]) {
      await request(t.server)
        .post('/api/weeks')
        .set(authHeader(alice.accessToken))
        .send({ year: 2025, week_number })
        .expect(201);
    }
  });

  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('npm run users', () => {
    it('list: id, username, email, active, created, weeks owned and verdicts given, one line each', async () => {
      const { code, out, err } = await runCommand(['users', 'list'], env());
      expect({ code, err }).toEqual({ code: 0, err: [] });
      expect(out[0].split(/\s+/)).toEqual([
        'id',
        'username',
        'email',
        'active',
        'created',
        'weeks',
        'verdicts',
      ]);
      expect(out.slice(1).map((line) => line.split(/\s+/))).toEqual([
        [String(alice.id), 'alice', 'alice@example.org', 'yes', expect.any(String), '2', '0'],
        [String(bob.id), 'bob', 'bob@example.org', 'yes', expect.any(String), '0', '0'],
      ]);
    });

    it("deactivate: the running server refuses the user's token on its very next request, and their refresh tokens", async () => {
      expect((await me(bob)).status).toBe(200);
      const { code, out } = await runCommand(['users', 'deactivate', 'bob'], env());
      expect({ code, out }).toEqual({ code: 0, out: ['bob: inactive, sessions revoked'] });

      expect(outcome(await me(bob))).toEqual({
        status: 401,
        body: { detail: 'User account is inactive' },
      });
      expect((await refresh(bob)).status).toBe(401);

      expect((await runCommand(['users', 'activate', 'BOB'], env())).out).toEqual(['bob: active']);
      expect((await me(bob)).status).toBe(200);
      // Revoked refresh tokens stay revoked: a new session needs a new login.
      expect((await refresh(bob)).status).toBe(401);
      const relogin = await loginAs('bob', bob.password);
      expect(relogin.status).toBe(200);
      bob = {
        ...bob,
        refreshToken: relogin.body.refresh_token,
        accessToken: relogin.body.access_token,
      };
    });

    it('set-password: reads one line of standard input, applies the register rules, revokes sessions', async () => {
      const tooShort = await runCommand(['users', 'set-password', 'alice'], env(), ['short']);
      expect(tooShort).toEqual({
        code: 1,
        out: [],
        err: ['error: password must be at least 8 characters'],
      });
      expect((await loginAs('alice', alice.password)).status).toBe(200);

      const set = await runCommand(['users', 'set-password', 'alice'], env(), ['a brand new pass']);
      expect(set).toEqual({ code: 0, out: ['alice: password set, sessions revoked'], err: [] });
      expect((await loginAs('alice', alice.password)).status).toBe(401);
      expect((await loginAs('alice', 'a brand new pass')).status).toBe(200);
      expect((await refresh(alice)).status).toBe(401);

      const none = await runCommand(['users', 'set-password', 'alice'], env(), []);
      expect(none.err).toEqual(['error: no password on standard input']);
    });

    it('set-email: validated, lowercased, and unique', async () => {
      expect(
        await runCommand(['users', 'set-email', 'alice', ' Alice@New.example '], env()),
      ).toEqual({
        code: 0,
        out: ['alice: email set to alice@new.example'],
        err: [],
      });
      expect(
        (await runCommand(['users', 'set-email', 'bob', 'alice@new.example'], env())).err,
      ).toEqual(['error: Email already registered']);
      expect((await runCommand(['users', 'set-email', 'bob', 'not an email'], env())).err).toEqual([
        'error: email must be a valid email address',
      ]);
    });

    it('exits 1 with one line for an unknown user, action or argument count', async () => {
      expect(await runCommand(['users', 'deactivate', 'nobody'], env())).toEqual({
        code: 1,
        out: [],
        err: ['error: No user named "nobody"'],
      });
      for (const argv of [['users'], ['users', 'promote', 'bob'], ['users', 'activate']]) {
        const { code, err } = await runCommand(argv, env());
        expect(code).toBe(1);
        expect(err).toHaveLength(1);
        expect(err[0]).toMatch(
          /^error: usage: npm run users -- list \| invite \| activate <username>/,
        );
      }
      expect((await runCommand(['nonsense'], env())).err).toEqual([
        'error: unknown command "nonsense"; one of users, backup, export, import, backfill-credits',
      ]);
    });

    it('refuses an invalid configuration with its reason, in one line', async () => {
      expect(await runCommand(['users', 'list'], { ...env(), PORT: 'abc' })).toEqual({
        code: 1,
        out: [],
        err: ['error: PORT must be an integer 1-65535 (got "abc")'],
      });
    });
  });

  describe('npm run backup', () => {
    const backupsIn = (where: string) => (existsSync(where) ? readdirSync(where).sort() : []);

    it('copies the live database while writes go on: the copy passes integrity_check and holds every write acknowledged before it began', async () => {
      const target = join(dir, 'live');
      let acknowledged = 0;
      let writing = true;
      const writer = (async () => {
        for (let week_number = 10; writing && week_number < 53; week_number++) {
          await request(t.server)
            .post('/api/weeks')
            .set(authHeader(bob.accessToken))
            .send({ year: 2026, week_number })
            .expect(201);
          acknowledged += 1;
        }
      })();
      while (acknowledged < 3) await new Promise((resolve) => setImmediate(resolve));
      const before = acknowledged;

      const { code, out, err } = await runCommand(['backup', '--dir', target], env());
      writing = false;
      await writer;
      expect({ code, err }).toEqual({ code: 0, err: [] });
      const [name] = backupsIn(target);
      expect(name).toMatch(/^wrong_opinions-\d{8}T\d{6}Z\.db$/);
      expect(out).toEqual([
        `copying ${file} to ${join(target, name)}`,
        'integrity_check: ok',
        'kept 14 at most: deleted 0 older backups',
        `backup written to ${join(target, name)}`,
      ]);
      expect(backupsIn(target)).toEqual([name]); // one self-contained file, no -wal or temp file
      expect(statSync(join(target, name)).mode & 0o777).toBe(0o600);

      const copy = new Database(join(target, name));
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        const weeks = copy.prepare('SELECT COUNT(*) AS n FROM weeks WHERE year = 2026').get() as {
          n: number;
        };
        expect(weeks.n).toBeGreaterThanOrEqual(before);
      } finally {
        copy.close();
      }
    });

    it('copies committed writes only: a transaction still open on the server is not in the copy', async () => {
      const target = join(dir, 'uncommitted');
      const marker = 'uncommitted@example.org';
      const open = t.dataSource.createQueryRunner();
      await open.connect();
      await open.startTransaction();
      try {
        await open.query(
          `UPDATE users SET email = '${marker}' WHERE id = (SELECT MIN(id) FROM users)`,
        );
        const written = await t.app.get(BackupService).backUp({ dir: target });
        const copy = new Database(written);
        try {
          const found = copy
            .prepare(`SELECT COUNT(*) AS n FROM users WHERE email = '${marker}'`)
            .get() as { n: number };
          expect(found.n).toBe(0);
        } finally {
          copy.close();
        }
      } finally {
        await open.rollbackTransaction();
        await open.release();
      }
    });

    it('keeps the newest --keep backups and deletes the older ones', async () => {
      const target = join(dir, 'retention');
      const old = ['20200101T000000Z', '20210101T000000Z', '20220101T000000Z'].map(
        (stamp) => `wrong_opinions-${stamp}.db`,
      );
      mkdirSync(target);
      for (const name of [...old, 'notes.txt']) writeFileSync(join(target, name), 'x');

      const { code, out } = await runCommand(['backup', '--dir', target, '--keep', '2'], env());
      expect(code).toBe(0);
      expect(out[2]).toBe('kept 2 at most: deleted 2 older backups');
      const left = backupsIn(target);
      expect(left).toHaveLength(3);
      expect(left).toContain(old[2]);
      expect(left).toContain('notes.txt');
    });

    it('refuses bad arguments', async () => {
      for (const argv of [
        ['backup', '--keep', '0'],
        ['backup', '--keep', 'x'],
      ]) {
        expect((await runCommand(argv, env())).err).toEqual([
          'error: --keep must be an integer 1-10000',
        ]);
      }
      expect((await runCommand(['backup', '--bogus'], env())).err).toEqual([
        'error: usage: npm run backup -- [--dir <dir>] [--keep <n>]',
      ]);
    });

    it('refuses an in-memory database and PostgreSQL, naming pg_dump', async () => {
      expect((await runCommand(['backup'], { DATABASE_URL: ':memory:' })).err).toEqual([
        'error: the database is in memory (DATABASE_URL=:memory:): nothing to back up',
      ]);
      const postgres = await createThrowawayDatabase();
      try {
        expect(await runCommand(['backup'], { DATABASE_URL: postgres.url })).toEqual({
          code: 1,
          out: [],
          err: ['error: backups copy a SQLite file; back up PostgreSQL with pg_dump'],
        });
      } finally {
        await postgres.drop();
      }
    });
  });

  describe('scheduled backups (BACKUP_INTERVAL)', () => {
    it('takes the same backup into BACKUP_DIR, keeping BACKUP_KEEP', async () => {
      const target = join(dir, 'scheduled');
      const scheduled = await createTestApp({
        env: {
          DATABASE_URL: join(dir, 'scheduled.db'),
          BACKUP_INTERVAL: '1d',
          BACKUP_DIR: target,
          BACKUP_KEEP: '1',
        },
      });
      try {
        await scheduled.app.get(BackupScheduler).runOnce();
        expect(backupsIn(target)).toEqual([
          expect.stringMatching(/^wrong_opinions-\d{8}T\d{6}Z\.db$/),
        ]);
      } finally {
        await scheduled.close();
      }
    });

    it('logs a failed backup and keeps serving', async () => {
      const blocker = join(dir, 'not-a-directory');
      writeFileSync(blocker, 'x');
      const scheduled = await createTestApp({
        env: {
          DATABASE_URL: join(dir, 'failing.db'),
          BACKUP_INTERVAL: '1d',
          BACKUP_DIR: join(blocker, 'backups'),
        },
      });
      try {
        const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
        try {
          await expect(scheduled.app.get(BackupScheduler).runOnce()).resolves.toBeUndefined();
          expect(logged).toHaveBeenCalledWith(
            expect.stringMatching(/^scheduled backup failed: .*not-a-directory/),
          );
        } finally {
          logged.mockRestore();
        }
        expect((await request(scheduled.server).get('/health')).status).toBe(200);
      } finally {
        await scheduled.close();
      }
    });
  });
});
