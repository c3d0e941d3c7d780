import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { ENTITIES } from '../src/entities.js';
import { UNUSABLE_PASSWORD_HASH } from '../src/export/import.service.js';
import {
  ExportClient,
  populateHistory,
  withoutExportedAt,
  type History,
} from './support/export-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { authHeader, craftJwt } from './support/auth-helpers.js';
import { User } from '../src/users/entities/user.entity.js';
import { runCommand } from './support/run-command.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './support/throwaway-postgres.js';

type Document = Record<string, unknown> & {
  users: Record<string, unknown>[];
  weeks: (Record<string, unknown> & {
    movies: (Record<string, unknown> & { verdicts: Record<string, unknown>[] })[];
    albums: Record<string, unknown>[];
  })[];
  movies: Record<string, unknown>[];
};

const KIND_LINE = /^(users|movies|albums|weeks|movie picks|album picks|verdicts): /;

/** The admin export and the import (portability.md §2.1, §2.2). */
describe('npm run export and npm run import', () => {
  const clock = new FakeClock('2026-12-02T09:00:00.000Z');
  let dir: string;
  let source: string;
  let t: TestApp;
  let history: History;
  let adminFile: string;
  let adminText: string;

  const sqlite = (name: string) => ({ DATABASE_URL: join(dir, name) });
  const exportOf = async (env: Record<string, string>, name: string) => {
    const file = join(dir, name);
    const result = await runCommand(['export', file], env);
    expect({ code: result.code, err: result.err }).toEqual({ code: 0, err: [] });
    return readFileSync(file, 'utf8');
  };
  const importInto = (env: Record<string, string>, file: string, ...flags: string[]) =>
    runCommand(['import', file, ...flags], env);
  const counts = (out: string[]) => out.filter((line) => KIND_LINE.test(line));
  /**
   * The overview's figures that name no row by our id (ids may differ between installs), as alice
   * sees them: her token is made for her id in `app` (tokens are judged by the clock).
   */
  const statsOf = async (app: TestApp) => {
    const { id } = await app.dataSource.getRepository(User).findOneByOrFail({ username: 'alice' });
    const now = Math.floor(clock.now().getTime() / 1000);
    const token = craftJwt({ sub: String(id), iat: now, exp: now + 600 });
    const res = await request(app.server).get('/api/stats/overview').set(authHeader(token));
    expect(res.status).toBe(200);
    const { totals, ratings, decades, genres, top_directors, top_artists } = res.body as Record<
      string,
      unknown
    >;
    return { totals, ratings, decades, genres, top_directors, top_artists };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'import-'));
    source = join(dir, 'source.db');
    t = await createTestApp({ clock, env: { DATABASE_URL: source } });
    history = await populateHistory(t, clock);
    adminFile = join(dir, 'admin.json');
    const result = await runCommand(['export', adminFile], { DATABASE_URL: source });
    expect(result).toEqual({
      code: 0,
      out: [
        `exporting to ${adminFile}`,
        `wrote 3 users, 3 weeks (6 picks, 8 verdicts), 3 movies and 2 albums to ${adminFile} (mode 600)`,
      ],
      err: [],
    });
    adminText = readFileSync(adminFile, 'utf8');
  });

  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the admin export: the API document plus scope, emails, activity and hashes; mode 600; no refresh token; no temporary file left', async () => {
    expect(statSync(adminFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
    const admin = JSON.parse(adminText) as Document;
    expect(admin.scope).toBe('admin');
    expect(admin.users.map((user) => Object.keys(user).sort())).toEqual(
      Array(3).fill(['created_at', 'email', 'id', 'is_active', 'password_hash', 'username']),
    );
    expect(admin.users[0]).toMatchObject({
      username: 'alice',
      email: 'alice@example.org',
      is_active: true,
      password_hash: expect.stringMatching(/^\$2b\$04\$/),
    });
    expect(adminText).not.toMatch(/refresh|token/i);
    const api = JSON.parse(
      (await new ExportClient(t.server).json(history.alice)).bytes.toString('utf8'),
    ) as Document;
    const { users, ...rest } = withoutExportedAt(adminText) as Document;
    const { users: apiUsers, ...apiRest } = withoutExportedAt(JSON.stringify(api)) as Document;
    expect({ ...rest, scope: undefined }).toEqual(apiRest);
    expect(users.map(({ id, username, created_at }) => ({ id, username, created_at }))).toEqual(
      apiUsers,
    );
  });

  it('round trip into an empty SQLite file: the export of the copy equals the original apart from exported_at; a second import changes nothing', async () => {
    const target = sqlite('copy.db');
    const first = await importInto(target, adminFile);
    expect(first.code).toBe(0);
    expect(first.out).toEqual([
      `reading ${adminFile}`,
      expect.stringMatching(/^admin export of 2026-.*: 3 users, 3 weeks, 3 movies, 2 albums$/),
      'users: 3 created, 0 kept, 0 skipped',
      'movies: 3 created, 0 updated, 0 kept, 0 skipped',
      'albums: 2 created, 0 updated, 0 kept, 0 skipped',
      'weeks: 3 created, 0 kept, 0 skipped',
      'movie picks: 4 created, 0 kept, 0 skipped',
      'album picks: 2 created, 0 kept, 0 skipped',
      'verdicts: 8 created, 0 kept, 0 skipped',
      'imported in one transaction',
    ]);
    const copied = await exportOf(target, 'copy.json');
    expect(withoutExportedAt(copied)).toEqual(withoutExportedAt(adminText));

    const second = await importInto(target, adminFile);
    expect(counts(second.out)).toEqual([
      'users: 0 created, 3 kept, 0 skipped',
      'movies: 0 created, 0 updated, 3 kept, 0 skipped',
      'albums: 0 created, 0 updated, 2 kept, 0 skipped',
      'weeks: 0 created, 3 kept, 0 skipped',
      'movie picks: 0 created, 4 kept, 0 skipped',
      'album picks: 0 created, 2 kept, 0 skipped',
      'verdicts: 0 created, 8 kept, 0 skipped',
    ]);
    expect(withoutExportedAt(await exportOf(target, 'copy-again.json'))).toEqual(
      withoutExportedAt(adminText),
    );

    // What the stats read beside the document (genres as rows, credits) came along too.
    const copy = await createTestApp({ clock, env: target });
    try {
      const [original, imported] = await Promise.all([statsOf(t), statsOf(copy)]);
      expect(imported).toEqual(original);
      expect(original.genres).toEqual([{ id: 18, name: 'Drama', count: 1, average: 5 }]);
    } finally {
      await copy.close();
    }
  });

  describe('on PostgreSQL', () => {
    let database: ThrowawayDatabase;

    beforeAll(async () => {
      database = await createThrowawayDatabase('wo_import');
    });

    afterAll(() => database.drop());

    it('round trip into an empty database (migrations applied first): the same document; importing twice changes nothing', async () => {
      const env = { DATABASE_URL: database.url };
      const first = await importInto(env, adminFile);
      expect({ code: first.code, err: first.err }).toEqual({ code: 0, err: [] });
      const copied = await exportOf(env, 'postgres.json');
      expect(withoutExportedAt(copied)).toEqual(withoutExportedAt(adminText));
      const second = await importInto(env, adminFile);
      expect(counts(second.out).every((line) => line.includes(' 0 created'))).toBe(true);
      expect(withoutExportedAt(await exportOf(env, 'postgres-again.json'))).toEqual(
        withoutExportedAt(adminText),
      );
      // The users' id sequence moved past the ids given: a new registration does not collide.
      const app = await createTestApp({ env });
      try {
        const res = await request(app.server)
          .post('/api/auth/register')
          .send({ username: 'newcomer', email: 'newcomer@example.org', password: 'long enough 1' });
        expect(res.status).toBe(201);
        expect(res.body.id).toBeGreaterThan(history.carol.id);
      } finally {
        await app.close();
      }
    });
  });

  it('--dry-run prints the same and changes nothing', async () => {
    const target = sqlite('dry.db');
    const dry = await importInto(target, adminFile, '--dry-run');
    expect(dry.code).toBe(0);
    expect(counts(dry.out)[0]).toBe('users: 3 created, 0 kept, 0 skipped');
    expect(dry.out.at(-1)).toBe('dry run: nothing was changed');
    const after = JSON.parse(await exportOf(target, 'dry.json')) as Document;
    expect([after.users, after.weeks, after.movies]).toEqual([[], [], []]);
  });

  it('a position holding a different item is a conflict: reported, and that pick and its verdicts skipped', async () => {
    const target = sqlite('conflict.db');
    expect((await importInto(target, adminFile)).code).toBe(0);
    const changed = JSON.parse(adminText) as Document;
    // In 2025-W03, position 2 (three verdicts) now names the movie of 2025-W10 position 1, and a
    // new verdict by carol on position 1 is added.
    const [w03, w10] = changed.weeks;
    w03.movies[1].tmdb_id = w10.movies[0].tmdb_id;
    w03.movies[0].verdicts.push({
      user: 'carol',
      rating: 3,
      review: null,
      spoiler: false,
      consumed_on: null,
      created_at: '2026-12-02T10:00:00.000Z',
      updated_at: '2026-12-02T10:00:00.000Z',
    });
    const file = join(dir, 'conflicting.json');
    writeFileSync(file, JSON.stringify(changed));

    const result = await importInto(target, file);
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      `conflict: 2025-W03 movie position 2 (tmdb_id ${w10.movies[0].tmdb_id as number}): ` +
        'position 2 holds another movie here; skipped with its 3 verdict(s)',
    );
    expect(counts(result.out)).toEqual([
      'users: 0 created, 3 kept, 0 skipped',
      'movies: 0 created, 0 updated, 3 kept, 0 skipped',
      'albums: 0 created, 0 updated, 2 kept, 0 skipped',
      'weeks: 0 created, 3 kept, 0 skipped',
      'movie picks: 0 created, 3 kept, 1 skipped',
      'album picks: 0 created, 2 kept, 0 skipped',
      'verdicts: 1 created, 5 kept, 3 skipped',
    ]);
    const after = JSON.parse(await exportOf(target, 'conflict-after.json')) as Document;
    expect(after.weeks[0].movies[1].tmdb_id).toBe(
      (JSON.parse(adminText) as Document).weeks[0].movies[1].tmdb_id,
    );
    expect(after.weeks[0].movies[0].verdicts.map((verdict) => verdict.user)).toEqual([
      'bob',
      'carol',
    ]);
  });

  it('an API export creates inactive users, with <username>@import.invalid and no usable password', async () => {
    const apiFile = join(dir, 'api.json');
    writeFileSync(apiFile, (await new ExportClient(t.server).json(history.bob)).bytes);
    const target = sqlite('from-api.db');
    const result = await importInto(target, apiFile);
    expect(result.out[1]).toMatch(/^API export of /);
    expect(counts(result.out)[0]).toBe('users: 3 created, 0 kept, 0 skipped');

    const users = (JSON.parse(await exportOf(target, 'from-api-admin.json')) as Document).users;
    expect(users).toEqual(
      ['alice', 'bob', 'carol'].map((username) => ({
        id: expect.any(Number),
        username,
        created_at: expect.any(String),
        email: `${username}@import.invalid`,
        is_active: false,
        password_hash: UNUSABLE_PASSWORD_HASH,
      })),
    );
    const listed = await runCommand(['users', 'list'], target);
    expect(listed.out[0]).toMatch(/ weeks {2}verdicts$/);
    expect(listed.out.slice(1).map((line) => line.split(/\s+/).slice(1))).toEqual([
      ['alice', 'alice@import.invalid', 'no', expect.any(String), '1', '2'],
      ['bob', 'bob@import.invalid', 'no', expect.any(String), '1', '4'],
      ['carol', 'carol@import.invalid', 'no', expect.any(String), '0', '2'],
    ]);
    // Activated, the account still has no password that works until the admin sets one.
    await runCommand(['users', 'activate', 'alice'], target);
    const app = await createTestApp({ env: target });
    try {
      for (const password of ['', UNUSABLE_PASSWORD_HASH, 'alice-password-1']) {
        const login = await request(app.server)
          .post('/api/auth/login')
          .send({ username: 'alice', password: password || 'x' });
        expect(login.status).toBe(401);
      }
    } finally {
      await app.close();
    }
  });

  describe('a malformed file changes nothing and names the first problem by its JSON path', () => {
    const target = () => sqlite('guarded.db');
    let before: unknown;

    beforeAll(async () => {
      expect((await importInto(target(), adminFile)).code).toBe(0);
      before = withoutExportedAt(await exportOf(target(), 'guarded-before.json'));
    });

    afterAll(async () => {
      expect(withoutExportedAt(await exportOf(target(), 'guarded-after.json'))).toEqual(before);
    });

    const mutate = (change: (document: Document) => unknown) => {
      const document = JSON.parse(adminText) as Document;
      return JSON.stringify(change(document) ?? document);
    };
    const longNotes = 'n'.repeat(2001);
    const cases: [string, () => string, string][] = [
      ['not JSON', () => '{"format": "wrong-opinions",', 'the file is not JSON ('],
      ['not an object', () => '[1, 2]', 'the file must be a JSON object'],
      [
        'another format',
        () => mutate((d) => void (d.format = 'letterboxd')),
        'format must be "wrong-opinions"',
      ],
      [
        'an unknown version',
        () => mutate((d) => void (d.version = 2)),
        'version 2 is not one this install reads (1)',
      ],
      [
        'a missing list',
        () => mutate((d) => void delete (d as Partial<Document>).movies),
        'movies is required',
      ],
      [
        'a missing week field',
        () => mutate((d) => void delete d.weeks[1].year),
        'weeks[1].year is required',
      ],
      [
        'a position 3',
        () => mutate((d) => void (d.weeks[1].movies[0].position = 3)),
        'weeks[1].movies[0].position must be 1 or 2',
      ],
      [
        'a rating 11',
        () => mutate((d) => void (d.weeks[0].movies[1].verdicts[2].rating = 11)),
        'weeks[0].movies[1].verdicts[2].rating must be between 1 and 10',
      ],
      [
        'a verdict without rating or review',
        () =>
          mutate(
            (d) =>
              void Object.assign(d.weeks[0].albums[0], {
                verdicts: [{ ...(d.weeks[0].albums[0].verdicts as object[])[0], rating: null }],
              }),
          ),
        'weeks[0].albums[0].verdicts[0] needs a rating or a review',
      ],
      [
        'a bad timestamp',
        () => mutate((d) => void (d.weeks[2].created_at = '2026-12-02 09:00')),
        'weeks[2].created_at must be a timestamp like 2025-12-28T16:05:00.000Z',
      ],
      [
        'notes too long',
        () => mutate((d) => void (d.weeks[0].notes = longNotes)),
        'weeks[0].notes must be 0-2000 characters long',
      ],
      [
        'week 53 of a 52-week year',
        () => mutate((d) => void (d.weeks[0].week_number = 53)),
        'weeks[0].week_number 53 does not exist in ISO year 2025',
      ],
      [
        'an owner who is not a user',
        () => mutate((d) => void (d.weeks[1].owner = 'zed')),
        'weeks[1].owner "zed" is not among users',
      ],
      [
        'a pick of a movie the file lacks',
        () => mutate((d) => void d.movies.splice(0, 1)),
        'is not among movies',
      ],
      [
        'the same week twice',
        () => mutate((d) => void (d.weeks[1].week_number = 3)),
        'weeks[1].week_number repeats weeks[0] (2025-W03)',
      ],
      [
        'a poster that is not a TMDB image URL',
        () => mutate((d) => void (d.movies[0].poster_url = 'ftp://elsewhere/poster.jpg')),
        'movies[0].poster_url must be a TMDB w500 image URL',
      ],
    ];

    it.each(cases)('%s', async (_, content, problem) => {
      const file = join(dir, 'malformed.json');
      writeFileSync(file, content());
      const result = await importInto(target(), file);
      expect(result.code).toBe(1);
      expect(result.err).toHaveLength(1);
      expect(result.err[0].startsWith('error: ')).toBe(true);
      expect(result.err[0]).toContain(problem);
      expect(counts(result.out)).toEqual([]);
    });

    it('is read and checked before the database is opened: pending migrations wait for a file that is whole', async () => {
      // A database one migration behind, as after an upgrade of the code.
      const path = join(dir, 'behind.db');
      const behind = new DataSource(buildDataSourceOptions({ kind: 'sqlite', path }, ENTITIES));
      await behind.initialize();
      await behind.runMigrations();
      await behind.undoLastMigration();
      const applied = async () =>
        behind.query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
      const before = await applied();
      try {
        const file = join(dir, 'malformed.json');
        writeFileSync(
          file,
          mutate((d) => void (d.version = 2)),
        );
        expect((await importInto({ DATABASE_URL: path }, file)).code).toBe(1);
        expect(await applied()).toEqual(before);
        // Nor is a database created where there was none.
        const none = join(dir, 'none.db');
        expect((await importInto({ DATABASE_URL: none }, file)).code).toBe(1);
        expect(existsSync(none)).toBe(false);
        // A whole file: the migrations first, then the merge.
        expect((await importInto({ DATABASE_URL: path }, adminFile)).code).toBe(0);
        expect(await applied()).toHaveLength(before.length + 1);
      } finally {
        await behind.destroy();
      }
    });

    it('a missing file, or no file argument, is refused in one line', async () => {
      const missing = join(dir, 'nowhere.json');
      expect(existsSync(missing)).toBe(false);
      expect((await importInto(target(), missing)).err).toEqual([
        expect.stringMatching(/^error: cannot read .*nowhere\.json: ENOENT/),
      ]);
      expect((await runCommand(['import'], target())).err).toEqual([
        'error: usage: npm run import -- <file> [--dry-run]',
      ]);
      expect((await runCommand(['export', 'a', 'b'], target())).err).toEqual([
        'error: usage: npm run export -- <file>',
      ]);
    });
  });
});
