import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ReadSnapshots } from '../src/database/read-snapshot.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { expectNoSecrets, outcome } from './support/auth-helpers.js';
import {
  ExportClient,
  HeldSnapshots,
  populateHistory,
  TRICKY,
  withoutExportedAt,
  type History,
} from './support/export-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, E2E_ON_POSTGRES, type TestApp } from './support/test-app.js';
import { createThrowawayDatabase } from './support/throwaway-postgres.js';
import { VerdictsClient } from './support/verdict-helpers.js';
import {
  countQueries,
  keysOf,
  member,
  seedHistory,
  seedMovie,
  WeeksClient,
} from './support/week-helpers.js';

const BOM = '\uFEFF';
const PICKS_HEADER =
  'year,week_number,kind,position,picked_by,title,artist,release_date,tmdb_id,musicbrainz_id,' +
  'added_at,ratings,average_rating,your_rating,your_review';

/** The exports over the API (portability.md §1). */
describe('Exports: GET /api/export.json, /api/export/picks.csv, /api/export/letterboxd.csv', () => {
  const clock = new FakeClock('2026-12-02T09:00:00.000Z');
  let t: TestApp;
  let exports: ExportClient;
  let history: History;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    exports = new ExportClient(t.server);
    history = await populateHistory(t, clock);
  });

  afterAll(() => t.close());

  const rowsOf = (bytes: Buffer): string[][] =>
    parse(bytes, { bom: true, record_delimiter: '\r\n', relax_column_count: false });

  it('each is an attachment named with the UTC date, with its content type; 401 without a token', async () => {
    clock.setTo('2026-12-31T23:59:59.999Z');
    const [json, picks, letterboxd] = await Promise.all([
      exports.json(history.alice),
      exports.picks(history.alice),
      exports.letterboxd(history.alice),
    ]);
    const headers = (res: typeof json) => ({
      status: res.status,
      type: res.headers['content-type'],
      disposition: res.headers['content-disposition'],
    });
    expect([json, picks, letterboxd].map(headers)).toEqual([
      {
        status: 200,
        type: 'application/json',
        disposition: 'attachment; filename="wrong-opinions-2026-12-31.json"',
      },
      {
        status: 200,
        type: 'text/csv; charset=utf-8',
        disposition: 'attachment; filename="wrong-opinions-picks-2026-12-31.csv"',
      },
      {
        status: 200,
        type: 'text/csv; charset=utf-8',
        disposition: 'attachment; filename="wrong-opinions-letterboxd-2026-12-31.csv"',
      },
    ]);
    for (const path of [
      '/api/export.json',
      '/api/export/picks.csv',
      '/api/export/letterboxd.csv',
    ]) {
      expect(outcome(await request(t.server).get(path))).toEqual({
        status: 401,
        body: { detail: 'Not authenticated' },
      });
    }
  });

  describe('export.json', () => {
    let document: Record<string, unknown> & {
      users: Record<string, unknown>[];
      weeks: (Record<string, unknown> & {
        movies: Record<string, unknown>[];
        albums: Record<string, unknown>[];
      })[];
      movies: Record<string, unknown>[];
      albums: Record<string, unknown>[];
    };

    let text: string;

    beforeAll(async () => {
      clock.setTo('2026-12-03T08:00:00.000Z');
      text = (await exports.json(history.bob)).bytes.toString('utf8');
      document = JSON.parse(text);
    });

    it('has the format, version, export time and the four lists', () => {
      expect(keysOf(document)).toEqual([
        'albums',
        'exported_at',
        'format',
        'movies',
        'users',
        'version',
        'weeks',
      ]);
      expect(document).toMatchObject({
        format: 'wrong-opinions',
        version: 1,
        exported_at: '2026-12-03T08:00:00.000Z',
      });
    });

    it('users: id, username and created_at only', () => {
      expect(document.users).toEqual(
        [history.alice, history.bob, history.carol].map((who) => ({
          id: who.id,
          username: who.username,
          created_at: expect.any(String),
        })),
      );
    });

    it('weeks by year and week_number, picks by position, verdicts by created_at then username', () => {
      expect(document.weeks.map((week) => [week.year, week.week_number, week.owner])).toEqual([
        [2025, 3, 'alice'],
        [2025, 10, 'bob'],
        [2026, 49, null],
      ]);
      const [first, later, current] = document.weeks;
      expect(keysOf(first)).toEqual([
        'albums',
        'created_at',
        'movies',
        'notes',
        'owner',
        'updated_at',
        'week_number',
        'year',
      ]);
      expect(first.notes).toBe(TRICKY.notes);
      expect(first.movies.map((pick) => [pick.position, pick.tmdb_id])).toEqual([
        [1, history.movies[1].tmdbId],
        [2, history.movies[0].tmdbId],
      ]);
      expect(keysOf(first.movies[0])).toEqual(['added_at', 'position', 'tmdb_id', 'verdicts']);
      expect(first.albums).toEqual([
        {
          position: 1,
          added_at: expect.any(String),
          musicbrainz_id: history.albums[0].musicbrainzId,
          verdicts: [expect.objectContaining({ user: 'bob', rating: 6 })],
        },
      ]);
      const verdicts = first.movies[1].verdicts as Record<string, unknown>[];
      expect(verdicts.map((verdict) => verdict.user)).toEqual(['alice', 'bob', 'carol']);
      expect(verdicts[1]).toEqual({
        user: 'bob',
        rating: 7,
        review: TRICKY.review,
        spoiler: false,
        consumed_on: '2025-01-20',
        created_at: verdicts[0].created_at,
        updated_at: verdicts[0].created_at,
      });
      expect(later.albums.map((pick) => pick.position)).toEqual([2]);
      expect(current).toMatchObject({ owner: null, movies: [], albums: [] });
    });

    it('movies and albums: every picked one by its upstream id, as the API shows it, with its credits', async () => {
      const tmdbIds = history.movies.map((movie) => movie.tmdbId).sort((a, b) => a - b);
      expect(document.movies.map((movie) => movie.tmdb_id)).toEqual(tmdbIds);
      for (const movie of document.movies) {
        const details = await request(t.server)
          .get(`/api/movies/${movie.tmdb_id as number}`)
          .set(history.bob.auth);
        const shown = { ...details.body, cached: undefined };
        const stored = history.movies.find((m) => m.tmdbId === movie.tmdb_id)!;
        expect(movie).toEqual({
          ...shown,
          cached_at: stored.cachedAt.toISOString(),
          credits: movie.tmdb_id === history.movies[0].tmdbId ? expect.any(Object) : null,
        });
      }
      const withCredits = document.movies.find((m) => m.tmdb_id === history.movies[0].tmdbId)!;
      const credits = await request(t.server)
        .get(`/api/movies/${history.movies[0].tmdbId}/credits?limit=50`)
        .set(history.bob.auth);
      expect(withCredits.credits).toEqual(credits.body);

      expect(document.albums.map((album) => album.musicbrainz_id)).toEqual(
        history.albums.map((album) => album.musicbrainzId).sort(),
      );
      for (const album of document.albums) {
        const mbid = album.musicbrainz_id as string;
        const details = await request(t.server).get(`/api/albums/${mbid}`).set(history.bob.auth);
        const albumCredits = await request(t.server)
          .get(`/api/albums/${mbid}/credits?limit=50`)
          .set(history.bob.auth);
        const shown = { ...details.body, cached: undefined };
        expect(album).toEqual({
          ...shown,
          cached_at: expect.any(String),
          credits: albumCredits.body.artists,
        });
      }
      expect(
        document.albums.find((a) => a.musicbrainz_id === history.albums[1].musicbrainzId),
      ).toMatchObject({ cover_art_url: expect.stringMatching(/\/release-group\/.+\/front$/) });
    });

    it('the same data gives the same bytes, apart from exported_at', async () => {
      clock.advance(86_400_000);
      const again = (await exports.json(history.carol)).bytes.toString('utf8');
      expect(again).not.toBe(text);
      const stamp = /"exported_at":"[^"]+"/;
      expect(again.replace(stamp, '')).toBe(text.replace(stamp, ''));
      expect(withoutExportedAt(again)).toEqual(withoutExportedAt(text));
    });
  });

  it('no export over the API holds an email, a password hash or a token', async () => {
    for (const res of [
      await exports.json(history.alice),
      await exports.picks(history.alice),
      await exports.letterboxd(history.bob),
    ]) {
      const text = res.bytes.toString('utf8');
      expect(text).not.toMatch(/@example\.org|\$2[abxy]?\$|password|hash|token/i);
      if (res.headers['content-type'] === 'application/json') expectNoSecrets(JSON.parse(text));
    }
  });

  describe('picks.csv', () => {
    let bytes: Buffer;
    let rows: string[][];

    beforeAll(async () => {
      bytes = (await exports.picks(history.bob)).bytes;
      rows = rowsOf(bytes);
    });

    it('RFC 4180: a byte-order mark, CRLF line ends, a header, then one row per pick in the JSON order', () => {
      const text = bytes.toString('utf8');
      expect(text.startsWith(`${BOM}${PICKS_HEADER}\r\n`)).toBe(true);
      expect(text.endsWith('\r\n')).toBe(true);
      expect(rows[0].join(',')).toBe(PICKS_HEADER);
      expect(rows.slice(1).map((row) => row.slice(0, 5))).toEqual([
        ['2025', '3', 'movie', '1', 'alice'],
        ['2025', '3', 'movie', '2', 'alice'],
        ['2025', '3', 'album', '1', 'alice'],
        ['2025', '10', 'movie', '1', 'bob'],
        ['2025', '10', 'movie', '2', 'bob'],
        ['2025', '10', 'album', '2', 'bob'],
      ]);
    });

    it('quotes commas, quotes and newlines in titles and reviews, and they read back as written', () => {
      const tricky = rows.find((row) => row[3] === '2' && row[0] === '2025' && row[1] === '3')!;
      const { movies } = history;
      expect(tricky).toEqual([
        '2025',
        '3',
        'movie',
        '2',
        'alice',
        TRICKY.title,
        '',
        '1999-10-15',
        String(movies[0].tmdbId),
        '',
        expect.stringMatching(/^2026-12-02T/),
        '3',
        '6.67',
        '7',
        TRICKY.review,
      ]);
      expect(bytes.toString('utf8')).toContain(
        `"Commas, ""quotes""\nand a newline",,1999-10-15,${movies[0].tmdbId},,`,
      );
    });

    it("prefixes ' to a cell that starts with =, +, -, @, a tab or CR", () => {
      const cells = rows.slice(1).flat();
      expect(cells).toContain(`'${TRICKY.formulaTitle}`);
      expect(cells).toContain("'=SUM(A1:A9)");
      expect(cells).toContain("'@home");
      expect(cells).toContain("'+Plus");
      expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    });

    it("shows the group's ratings and only the caller's own rating and review", async () => {
      const carolRows = rowsOf((await exports.picks(history.carol)).bytes);
      const cell = (all: string[][], year: string, week: string, kind: string, position: string) =>
        all.find((r) => r[0] === year && r[1] === week && r[2] === kind && r[3] === position)!;
      expect(cell(carolRows, '2025', '3', 'movie', '2').slice(11)).toEqual([
        '3',
        '6.67',
        '4',
        `'${TRICKY.formulaReview}`,
      ]);
      expect(cell(carolRows, '2025', '3', 'movie', '1').slice(11)).toEqual(['0', '', '', '']);
      expect(cell(rows, '2025', '10', 'album', '2').slice(6, 10)).toEqual([
        history.albums[1].artist,
        history.albums[1].releaseDate,
        '',
        history.albums[1].musicbrainzId,
      ]);
    });
  });

  describe('letterboxd.csv', () => {
    it("only the caller's movie verdicts, in diary order, with no byte-order mark and no formula prefix", async () => {
      const bob = await exports.letterboxd(history.bob);
      const text = bob.bytes.toString('utf8');
      expect(text.startsWith('tmdbID,Title,Year,WatchedDate,Rating10,Review\r\n')).toBe(true);
      const { movies } = history;
      expect(rowsOf(bob.bytes)).toEqual([
        ['tmdbID', 'Title', 'Year', 'WatchedDate', 'Rating10', 'Review'],
        [String(movies[0].tmdbId), TRICKY.title, '1999', '2025-03-09', '8', ''],
        [String(movies[1].tmdbId), TRICKY.formulaTitle, '', '', '', '=SUM(A1:A9)'],
        [String(movies[0].tmdbId), TRICKY.title, '1999', '2025-01-20', '7', TRICKY.review],
      ]);
      const alice = rowsOf((await exports.letterboxd(history.alice)).bytes);
      expect(alice.slice(1).map((row) => [row[0], row[4]])).toEqual([
        [String(movies[2].tmdbId), '5'],
        [String(movies[0].tmdbId), '9'],
      ]);
      const nobody = await member(t.server, 'dave');
      expect((await exports.letterboxd(nobody)).bytes.toString('utf8')).toBe(
        'tmdbID,Title,Year,WatchedDate,Rating10,Review\r\n',
      );
    });
  });

  it('streams a history larger than a batch in order, in a number of queries that grows by batch, not by row', async () => {
    const big = await createTestApp({ clock });
    try {
      const owner = await member(big.server, 'owner');
      await seedHistory(big.dataSource, { weeks: 600, firstYear: 1990, userId: owner.id });
      const client = new ExportClient(big.server);
      const { result, queries } = await countQueries(big.dataSource, () => client.json(owner));
      const document = JSON.parse(result.bytes.toString('utf8'));
      expect(document.weeks).toHaveLength(600);
      expect(document.movies).toHaveLength(600);
      const keys = document.weeks.map(
        (w: { year: number; week_number: number }) => w.year * 100 + w.week_number,
      );
      expect(keys).toEqual([...keys].sort((a: number, b: number) => a - b));
      // 2 batches of weeks (5 queries each), 2 of movies (3 each), 2 of albums (2 each), the
      // users, the authentication and opening the snapshot: far fewer than one per week.
      expect(queries.length).toBeLessThanOrEqual(35);
      const csv = rowsOf((await client.picks(owner)).bytes);
      expect(csv).toHaveLength(1 + 600 * 4);
    } finally {
      await big.close();
    }
  });
});

/**
 * An export is one snapshot: writes committed while it runs appear nowhere in it, so its parts
 * always agree (portability.md §1: an import of it must find every picked item among `movies`).
 * Each lane tests its own kind of database: the SQLite lane in memory and in a file, the
 * PostgreSQL lane a throwaway PostgreSQL database.
 */
type SnapshotDatabase = () =>
  | { env: Record<string, string>; close: () => unknown }
  | Promise<{ env: Record<string, string>; close: () => unknown }>;
const SNAPSHOT_DATABASES: [string, SnapshotDatabase][] = E2E_ON_POSTGRES
  ? [
      [
        'PostgreSQL',
        async () => {
          const database = await createThrowawayDatabase();
          return { env: { DATABASE_URL: database.url }, close: () => database.drop() };
        },
      ],
    ]
  : [
      ['SQLite in memory', () => ({ env: { DATABASE_URL: ':memory:' }, close: () => undefined })],
      [
        'a SQLite file',
        () => {
          const dir = mkdtempSync(join(tmpdir(), 'export-snapshot-'));
          return {
            env: { DATABASE_URL: join(dir, 'snapshot.db') },
            close: () => rmSync(dir, { recursive: true, force: true }),
          };
        },
      ],
    ];

describe.each(SNAPSHOT_DATABASES)('An export on %s reads one snapshot', (_, database) => {
  it('writes through the API while it is half-way appear nowhere in it: its picks and movies agree', async () => {
    const clock = new FakeClock('2026-12-02T09:00:00.000Z');
    const { env, close } = await database();
    const t = await createTestApp({
      clock,
      env,
      listen: true,
      customize: (builder) =>
        builder.overrideProvider(ReadSnapshots).useFactory({
          factory: (dataSource: DataSource, transactions: TransactionRunner) =>
            new HeldSnapshots(dataSource, transactions),
          inject: [DataSource, TransactionRunner],
        }),
    });
    let snapshots: HeldSnapshots | undefined;
    try {
      const owner = await member(t.server, 'owner');
      // More weeks than a batch, so the export is held between two of them.
      const { weekIds } = await seedHistory(t.dataSource, {
        weeks: 600,
        firstYear: 1990,
        userId: owner.id,
      });
      const fresh = await seedMovie(t.dataSource, { cachedAt: clock.now() });
      const client = new ExportClient(t.server);
      snapshots = t.app.get<ReadSnapshots, HeldSnapshots>(ReadSnapshots);
      const before = withoutExportedAt((await client.json(owner)).bytes.toString('utf8'));

      const held = snapshots.holdNext();
      const during = client.json(owner);
      await held;
      const weeks = new WeeksClient(t.server);
      const [first, last] = [weekIds[0], weekIds[weekIds.length - 1]];
      // The first week is already written out: a new movie picked in it would reach only the
      // export's `movies`, read later. The last week is not: a verdict on it would be read.
      expect((await weeks.removeMovie(owner, first, 1)).status).toBe(204);
      expect(
        (await weeks.addMovie(owner, first, { tmdb_id: fresh.tmdbId, position: 1 })).status,
      ).toBe(201);
      expect(
        (await new VerdictsClient(t.server).put(owner, last, 'movie', 1, { rating: 8 })).status,
      ).toBe(201);
      snapshots.resume();
      const text = (await during).bytes.toString('utf8');

      expect(withoutExportedAt(text)).toEqual(before);
      const document = JSON.parse(text) as {
        weeks: { movies: { tmdb_id: number }[] }[];
        movies: { tmdb_id: number }[];
      };
      const picked = new Set(document.weeks.flatMap((week) => week.movies.map((m) => m.tmdb_id)));
      expect(document.movies.map((movie) => movie.tmdb_id)).toEqual(
        [...picked].sort((a, b) => a - b),
      );
      // The writes did happen: the next export has them.
      const after = JSON.parse(
        (await client.json(owner)).bytes.toString('utf8'),
      ) as typeof document;
      expect(after.movies.map((movie) => movie.tmdb_id)).toContain(fresh.tmdbId);
      expect(after.weeks.at(-1)!.movies[0]).toMatchObject({
        verdicts: [{ user: 'owner', rating: 8 }],
      });
    } finally {
      // A failed step must not leave the export held, or the app would never close.
      snapshots?.resume();
      await t.close();
      await close();
    }
  });
});
