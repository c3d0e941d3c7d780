/**
 * The reads benchmark's reference server (issues #4 and #9): plain node:http + better-sqlite3, no
 * framework. It answers GET /api/weeks/{id}, GET /api/weeks?page=&page_size=[&year=],
 * GET /api/movies/selections?page=&page_size= and GET /api/albums/selections?page=&page_size= with
 * the same JSON as the app (same keys, same key order, same timestamps, the same verdicts and rating
 * summaries), from the same SQLite file, behind the same bearer-token check (HS256 verified with
 * node:crypto, exp required and in the future, sub a decimal user id, the user must exist and be
 * active). It is the practical upper bound for those reads on this machine: one query per part of
 * the reply (week detail: week, movies, albums, their verdicts; selections: count, page, picks with
 * their rating aggregates), on the indexes the migrations create.
 *
 * The same server reads PostgreSQL when REF_DATABASE is a postgres:// URL (issue #14): the same SQL
 * with `$n` placeholders, each statement prepared once per pooled connection (node-pg named
 * statements), and a week's four reads in parallel.
 *
 * Run as a child process: REF_DATABASE=<sqlite file or postgres:// URL> SECRET_KEY=<key>
 * PORT=<port> [COVERART_BASE_URL=<url>] node dist-bench/bench/reference-server.js
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Pool, PoolConfig } from 'pg';

/** The few better-sqlite3 calls the bench uses (the project has no @types/better-sqlite3). */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  exec(sql: string): SqliteDatabase;
  close(): void;
}

export type SqliteConstructor = new (
  file: string,
  options?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number },
) => SqliteDatabase;

// ---------------------------------------------------------------------------------------------
// Rows and mappers (key order as in src/weeks/dto/week-responses.dto.ts)

/** Timestamps are text from SQLite and Dates from node-pg. */
type Stamp = string | Date;

interface WeekRow {
  id: number;
  user_id: number | null;
  owner_id: number | null;
  owner_username: string | null;
  year: number;
  week_number: number;
  notes: string | null;
  created_at: Stamp;
  updated_at: Stamp;
}

interface MovieRow {
  id: number;
  tmdb_id: number;
  title: string;
  original_title: string | null;
  release_date: string | null;
  poster_path: string | null;
  overview: string | null;
  cached_at: Stamp;
}

interface MovieSlotRow extends MovieRow {
  pick_id: number;
  position: number;
  added_at: Stamp;
}

interface AlbumRow {
  id: number;
  musicbrainz_id: string;
  title: string;
  artist: string;
  release_date: string | null;
  release_group_id: string | null;
  cover_art_source: string;
  cached_at: Stamp;
}

interface AlbumSlotRow extends AlbumRow {
  pick_id: number;
  position: number;
  added_at: Stamp;
}

/** A pick with the aggregates of its ratings (null sums when it has none; text from node-pg). */
interface SelectionRow {
  item_id: number;
  week_id: number;
  year: number;
  week_number: number;
  position: number;
  added_at: Stamp;
  count: number | string;
  sum: number | string | null;
  squares: number | string | null;
}

interface VerdictRow {
  week_movie_id: number | null;
  week_album_id: number | null;
  user_id: number;
  username: string;
  rating: number | null;
  review: string | null;
  /** 0/1 from SQLite, a boolean from node-pg. */
  spoiler: number | boolean;
  consumed_on: string | null;
  created_at: Stamp;
  updated_at: Stamp;
}

const SPACE_SEPARATED = /^\d\d\d\d-\d\d-\d\d \d\d:\d\d/;
const NO_ZONE = /^\d\d\d\d-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d\d\d)?)?$/;

/**
 * A stored SQLite datetime read back as TypeORM does (space → 'T', no zone → 'Z', then
 * `new Date(…).toISOString()`). The canonical form TypeORM writes, UTC 'YYYY-MM-DD HH:MM:SS.SSS',
 * takes a string-only fast path that gives the same text. node-pg gives Dates.
 */
function ts(value: Stamp): string {
  if (typeof value !== 'string') return value.toISOString();
  if (value.length === 23 && value.charCodeAt(10) === 32 && value.charCodeAt(19) === 46) {
    return `${value.slice(0, 10)}T${value.slice(11)}Z`;
  }
  let text = value;
  if (SPACE_SEPARATED.test(text)) text = text.replace(' ', 'T');
  if (NO_ZONE.test(text)) text += 'Z';
  return new Date(text).toISOString();
}

function toWeek(row: WeekRow) {
  const owned = row.user_id !== null && row.owner_id !== null;
  return {
    id: row.id,
    user_id: owned ? row.owner_id : null,
    owner: owned ? { id: row.owner_id, username: row.owner_username } : null,
    year: row.year,
    week_number: row.week_number,
    notes: row.notes,
    created_at: ts(row.created_at),
    updated_at: ts(row.updated_at),
  };
}

function toMovieRef(row: MovieRow) {
  return {
    id: row.id,
    tmdb_id: row.tmdb_id,
    title: row.title,
    original_title: row.original_title,
    release_date: row.release_date,
    poster_path: row.poster_path,
    overview: row.overview,
    cached_at: ts(row.cached_at),
  };
}

function coverArtUrl(baseUrl: string, row: AlbumRow): string | null {
  if (row.cover_art_source === 'release') return `${baseUrl}/release/${row.musicbrainz_id}/front`;
  if (row.cover_art_source === 'release-group' && row.release_group_id !== null) {
    return `${baseUrl}/release-group/${row.release_group_id}/front`;
  }
  return null;
}

function toAlbumRef(baseUrl: string, row: AlbumRow) {
  return {
    id: row.id,
    musicbrainz_id: row.musicbrainz_id,
    title: row.title,
    artist: row.artist,
    release_date: row.release_date,
    cover_art_url: coverArtUrl(baseUrl, row),
    cached_at: ts(row.cached_at),
  };
}

/** Key order as in src/verdicts/dto/verdict-responses.dto.ts. */
function toVerdict(row: VerdictRow) {
  return {
    user: { id: row.user_id, username: row.username },
    rating: row.rating,
    review: row.review,
    spoiler: typeof row.spoiler === 'boolean' ? row.spoiler : row.spoiler !== 0,
    consumed_on: row.consumed_on,
    created_at: ts(row.created_at),
    updated_at: ts(row.updated_at),
  };
}

/** Ratings added up: count, sum, sum of squares (integers). */
interface Totals {
  count: number;
  sum: number;
  squares: number;
}

/**
 * The wire RatingSummary (opinions.md §1.1), the arithmetic of src/common/dto/rating-summary.dto.ts:
 * the average is sum / count rounded half-up on integers; the spread √(count·Σr² − (Σr)²) / count,
 * rounded the same way when the root is an integer, else (irrational, never a tie) by Math.round.
 */
function ratingSummary({ count, sum, squares }: Totals) {
  if (count === 0) return { count: 0, average: null, spread: null };
  const root = Math.sqrt(count * squares - sum * sum);
  return {
    count,
    average: roundRatio(sum, count),
    spread:
      count < 2
        ? null
        : Number.isInteger(root)
          ? roundRatio(root, count)
          : Math.round((root / count) * 100) / 100,
  };
}

const NO_RATINGS: Totals = { count: 0, sum: 0, squares: 0 };

/** numerator / denominator rounded half-up to 2 decimals, for non-negative integers. */
function roundRatio(numerator: number, denominator: number): number {
  return Math.floor((200 * numerator + denominator) / (2 * denominator)) / 100;
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body !== null ? JSON.stringify(body) : String(body));
  }
}

const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer' };
const notAuthenticated = () =>
  new HttpError(401, { detail: 'Not authenticated' }, BEARER_CHALLENGE);
const invalidCredentials = () =>
  new HttpError(401, { detail: 'Could not validate credentials' }, BEARER_CHALLENGE);
const inactiveAccount = () =>
  new HttpError(401, { detail: 'User account is inactive' }, BEARER_CHALLENGE);

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
const USER_ID_SUBJECT = /^[1-9]\d{0,9}$/;
const BEARER = /^(\S+)\s+(\S+)$/;
const DIGITS = /^-?\d+$/;

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  const incoming = req.headers['x-request-id'];
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Request-Id':
      typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID(),
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** Query integers as the app reads them (contract §1.2): digits, bounds, given at most once. */
function intParams(
  query: URLSearchParams,
  specs: { name: string; min: number; max: number; fallback?: number }[],
): Record<string, number | undefined> {
  const values: Record<string, number | undefined> = {};
  const errors: { field: string; location: string; message: string }[] = [];
  for (const { name, min, max, fallback } of specs) {
    const given = query.getAll(name);
    let message: string | null = null;
    if (given.length > 1) message = `${name} must be given only once`;
    else if (given.length === 0 || given[0] === '') values[name] = fallback;
    else if (!DIGITS.test(given[0])) message = `${name} must be an integer`;
    else {
      const value = Number(given[0]);
      if (value < min || value > max) message = `${name} must be between ${min} and ${max}`;
      else values[name] = value;
    }
    if (message !== null) errors.push({ field: name, location: 'query', message });
  }
  if (errors.length > 0) {
    throw new HttpError(422, { detail: errors.map((e) => e.message).join('; '), errors });
  }
  return values;
}

// ---------------------------------------------------------------------------------------------
// The replies, from the rows each backend reads

/** Verdicts by created_at, then user id, grouped by pick: the order each pick lists its verdicts in. */
function weekDetailOf(
  coverBase: string,
  week: WeekRow,
  movies: MovieSlotRow[],
  albums: AlbumSlotRow[],
  verdictRows: VerdictRow[],
) {
  const verdicts = new Map<string, { verdicts: ReturnType<typeof toVerdict>[]; totals: Totals }>();
  for (const row of verdictRows) {
    const key = row.week_movie_id !== null ? `m${row.week_movie_id}` : `a${row.week_album_id}`;
    let pick = verdicts.get(key);
    if (!pick)
      verdicts.set(key, (pick = { verdicts: [], totals: { count: 0, sum: 0, squares: 0 } }));
    pick.verdicts.push(toVerdict(row));
    if (row.rating !== null) {
      pick.totals.count++;
      pick.totals.sum += row.rating;
      pick.totals.squares += row.rating * row.rating;
    }
  }
  const judged = (key: string) => {
    const pick = verdicts.get(key);
    return pick
      ? { verdicts: pick.verdicts, rating: ratingSummary(pick.totals) }
      : { verdicts: [], rating: ratingSummary(NO_RATINGS) };
  };
  return {
    ...toWeek(week),
    movies: movies.map((row) => ({
      position: row.position,
      added_at: ts(row.added_at),
      movie: toMovieRef(row),
      ...judged(`m${row.pick_id}`),
    })),
    albums: albums.map((row) => ({
      position: row.position,
      added_at: ts(row.added_at),
      album: toAlbumRef(coverBase, row),
      ...judged(`a${row.pick_id}`),
    })),
  };
}

function selectionsOf(
  coverBase: string,
  kind: 'movie' | 'album',
  { page, page_size }: PageParams,
  total: number,
  items: (MovieRow | AlbumRow)[],
  rows: SelectionRow[],
) {
  const byItem = new Map<
    number,
    { selections: ReturnType<typeof toSelection>[]; totals: Totals }
  >();
  for (const item of items) {
    byItem.set(item.id, { selections: [], totals: { count: 0, sum: 0, squares: 0 } });
  }
  for (const row of rows) {
    const item = byItem.get(row.item_id)!;
    const totals = { count: Number(row.count), sum: Number(row.sum), squares: Number(row.squares) };
    item.selections.push(toSelection(row, totals));
    item.totals.count += totals.count;
    item.totals.sum += totals.sum;
    item.totals.squares += totals.squares;
  }
  return {
    total,
    page,
    page_size,
    results: items.map((item) => {
      const { selections, totals } = byItem.get(item.id)!;
      return {
        ...(kind === 'movie'
          ? toMovieRef(item as MovieRow)
          : toAlbumRef(coverBase, item as AlbumRow)),
        selections,
        rating: ratingSummary(totals),
      };
    }),
  };
}

function toSelection(row: SelectionRow, totals: Totals) {
  return {
    week_id: row.week_id,
    year: row.year,
    week_number: row.week_number,
    position: row.position,
    added_at: ts(row.added_at),
    rating: ratingSummary(totals),
  };
}

// ---------------------------------------------------------------------------------------------
// Requests: routing, the bearer token, parameters (the same for both backends)

type Route =
  | { type: 'health' }
  | { type: 'detail'; rawId: string }
  | { type: 'list'; query: URLSearchParams }
  | { type: 'selections'; kind: 'movie' | 'album'; query: URLSearchParams };

const WEEK_PATH = /^\/api\/weeks\/([^/]+)\/?$/;
const WEEK_ID = /^\d+$/;
const SELECTIONS_PATH = /^\/api\/(movies|albums)\/selections\/?$/;

/** 404 and 405 come before authentication, as in the app. */
function routeOf(req: IncomingMessage): Route {
  const url = new URL(req.url ?? '/', 'http://reference');
  const path = url.pathname;
  if (path === '/health') return { type: 'health' };
  const isList = path === '/api/weeks' || path === '/api/weeks/';
  const selectionsOf = SELECTIONS_PATH.exec(path)?.[1];
  const weekMatch = isList ? null : WEEK_PATH.exec(path);
  if (!isList && !selectionsOf && !weekMatch) throw new HttpError(404, { detail: 'Not Found' });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new HttpError(405, { detail: 'Method Not Allowed' }, { Allow: 'GET, HEAD' });
  }
  if (isList) return { type: 'list', query: url.searchParams };
  if (selectionsOf) {
    const kind = selectionsOf === 'movies' ? 'movie' : 'album';
    return { type: 'selections', kind, query: url.searchParams };
  }
  return { type: 'detail', rawId: weekMatch![1] };
}

/** The same 401s as the app's JwtStrategy + JwtAuthGuard (contract §3.6); the user is checked after. */
function tokenUserId(req: IncomingMessage, secret: Buffer): number {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  if (!match || match[1].toLowerCase() !== 'bearer') throw notAuthenticated();
  const parts = match[2].split('.');
  if (parts.length !== 3) throw invalidCredentials();
  const [head, body, signature] = parts;
  let header64: { alg?: unknown };
  let claims: { sub?: unknown; exp?: unknown };
  try {
    header64 = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: unknown };
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw invalidCredentials();
  }
  if (header64.alg !== 'HS256') throw invalidCredentials();
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalidCredentials();
  }
  if (typeof claims !== 'object' || claims === null) throw invalidCredentials();
  if (typeof claims.exp !== 'number' || Date.now() / 1000 >= claims.exp) {
    throw invalidCredentials();
  }
  if (typeof claims.sub !== 'string' || !USER_ID_SUBJECT.test(claims.sub)) {
    throw invalidCredentials();
  }
  return Number(claims.sub);
}

/** `is_active` is 0/1 from SQLite, a boolean from node-pg. */
function checkUser(user: { is_active: number | boolean } | undefined): void {
  if (!user) throw invalidCredentials();
  if (!user.is_active) throw inactiveAccount();
}

function weekIdOf(raw: string): number {
  const id = WEEK_ID.test(raw) ? Number(raw) : NaN;
  if (!(id >= 1 && id <= 2_147_483_647)) {
    const message = Number.isNaN(id)
      ? 'week_id must be an integer'
      : 'week_id must be between 1 and 2147483647';
    throw new HttpError(422, {
      detail: message,
      errors: [{ field: 'week_id', location: 'path', message }],
    });
  }
  return id;
}

interface PageParams {
  page: number;
  page_size: number;
}

function weekPageParams(query: URLSearchParams): PageParams & { year?: number } {
  return intParams(query, [
    { name: 'page', min: 1, max: 10000, fallback: 1 },
    { name: 'page_size', min: 1, max: 100, fallback: 20 },
    { name: 'year', min: 1900, max: 2100 },
  ]) as unknown as PageParams & { year?: number };
}

function selectionsParams(query: URLSearchParams): PageParams {
  return intParams(query, [
    { name: 'page', min: 1, max: 10000, fallback: 1 },
    { name: 'page_size', min: 1, max: 100, fallback: 20 },
  ]) as unknown as PageParams;
}

// ---------------------------------------------------------------------------------------------
// The SQL, with `?` placeholders (numbered `$n` for PostgreSQL)

const WEEK_COLUMNS = `w.id, w.user_id, u.id AS owner_id, u.username AS owner_username, w.year,
  w.week_number, w.notes, w.created_at, w.updated_at`;
const MOVIE_COLUMNS = `m.id, m.tmdb_id, m.title, m.original_title, m.release_date, m.poster_path,
  m.overview, m.cached_at`;
const ALBUM_COLUMNS = `a.id, a.musicbrainz_id, a.title, a.artist, a.release_date,
  a.release_group_id, a.cover_art_source, a.cached_at`;

/**
 * `ids` is how a list of ids is given: json_each(?) on SQLite, unnest($1::int[]) on PostgreSQL.
 * `pickIds(table)` is the ids of a week's picks in that table: PostgreSQL walks the verdicts' pick
 * indexes only for an array (`IN (subquery) OR IN (subquery)` made it read every verdict).
 */
function statements(ids: string, pickIds: (table: string) => string) {
  /** Selections (contract §10, opinions.md §1.4): the same three queries for movies and albums. */
  const selections = (kind: {
    items: string;
    columns: string;
    picks: string;
    itemColumn: string;
    verdictColumn: string;
  }) => ({
    count: `SELECT COUNT(DISTINCT ${kind.itemColumn}) AS total FROM ${kind.picks}`,
    page: `SELECT ${kind.columns} FROM ${kind.items}
       WHERE EXISTS (SELECT 1 FROM ${kind.picks} s WHERE s.${kind.itemColumn} = item.id)
       ORDER BY item.sort_title, item.id LIMIT ? OFFSET ?`,
    // Every pick of the page's items with its ratings added up (UQ_verdicts_week_*_id_user_id).
    picks: `SELECT p.${kind.itemColumn} AS item_id, p.week_id, w.year, w.week_number, p.position,
         p.added_at, COUNT(v.rating) AS count, SUM(v.rating) AS sum,
         SUM(v.rating * v.rating) AS squares
       FROM ${kind.picks} p JOIN weeks w ON w.id = p.week_id
       LEFT JOIN verdicts v ON v.${kind.verdictColumn} = p.id
       WHERE p.${kind.itemColumn} IN (${ids})
       GROUP BY p.id, w.id
       ORDER BY w.year, w.week_number, p.position`,
  });
  return {
    user: 'SELECT is_active FROM users WHERE id = ?',
    week: `SELECT ${WEEK_COLUMNS} FROM weeks w LEFT JOIN users u ON u.id = w.user_id WHERE w.id = ?`,
    weekMovies: `SELECT wm.id AS pick_id, wm.position, wm.added_at, ${MOVIE_COLUMNS}
       FROM week_movies wm JOIN movies m ON m.id = wm.movie_id
       WHERE wm.week_id = ? ORDER BY wm.position`,
    weekAlbums: `SELECT wa.id AS pick_id, wa.position, wa.added_at, ${ALBUM_COLUMNS}
       FROM week_albums wa JOIN albums a ON a.id = wa.album_id
       WHERE wa.week_id = ? ORDER BY wa.position`,
    // Each side walks its pick table's (week_id, …) index, then UQ_verdicts_week_*_id_user_id.
    weekVerdicts: `SELECT v.week_movie_id, v.week_album_id, u.id AS user_id, u.username, v.rating,
         v.review, v.spoiler, v.consumed_on, v.created_at, v.updated_at
       FROM verdicts v JOIN users u ON u.id = v.user_id
       WHERE v.week_movie_id ${pickIds('week_movies')} OR v.week_album_id ${pickIds('week_albums')}
       ORDER BY v.created_at, v.user_id`,
    countWeeks: 'SELECT COUNT(*) AS total FROM weeks',
    countWeeksOfYear: 'SELECT COUNT(*) AS total FROM weeks WHERE year = ?',
    pageWeeks: `SELECT ${WEEK_COLUMNS} FROM weeks w LEFT JOIN users u ON u.id = w.user_id
       ORDER BY w.year DESC, w.week_number DESC LIMIT ? OFFSET ?`,
    pageWeeksOfYear: `SELECT ${WEEK_COLUMNS} FROM weeks w LEFT JOIN users u ON u.id = w.user_id
       WHERE w.year = ? ORDER BY w.year DESC, w.week_number DESC LIMIT ? OFFSET ?`,
    movie: selections({
      items: 'movies item',
      columns: MOVIE_COLUMNS.replace(/\bm\./g, 'item.'),
      picks: 'week_movies',
      itemColumn: 'movie_id',
      verdictColumn: 'week_movie_id',
    }),
    album: selections({
      items: 'albums item',
      columns: ALBUM_COLUMNS.replace(/\ba\./g, 'item.'),
      picks: 'week_albums',
      itemColumn: 'album_id',
      verdictColumn: 'week_album_id',
    }),
  };
}

type Total = { total: number | string };

// ---------------------------------------------------------------------------------------------
// The server

export function startReferenceServer(options: {
  database: string;
  secretKey: string;
  port: number;
  host?: string;
  coverArtBaseUrl?: string;
}): Promise<{ close(): Promise<void>; port: number }> {
  const secret = Buffer.from(options.secretKey, 'utf8');
  const coverBase = (options.coverArtBaseUrl ?? 'https://coverartarchive.org').replace(/\/$/, '');
  const backend = /^postgres(ql)?:\/\//.test(options.database)
    ? postgresBackend(options.database, secret, coverBase)
    : sqliteBackend(options.database, secret, coverBase);

  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    if (error instanceof HttpError) send(req, res, error.status, error.body, error.headers);
    else {
      console.error(error);
      send(req, res, 500, { detail: 'Internal server error' });
    }
  };
  const server = createServer((req, res) => {
    try {
      const answer = backend.handle(req, res);
      if (answer) answer.catch((error: unknown) => fail(req, res, error));
    } catch (error) {
      fail(req, res, error);
    }
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => void backend.close().then(done));
          }),
      });
    });
  });
}

interface Backend {
  /** Answers the request, synchronously (SQLite) or by the promise it returns (PostgreSQL). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
  close(): Promise<void>;
}

/** better-sqlite3, every statement prepared once, every request answered synchronously. */
function sqliteBackend(file: string, secret: Buffer, coverBase: string): Backend {
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  const journal = db.pragma('journal_mode', { simple: true });
  if (journal !== 'wal')
    throw new Error(`reference server: expected a WAL database, got ${String(journal)}`);
  const text = statements(
    'SELECT value FROM json_each(?)',
    (table) => `IN (SELECT id FROM ${table} WHERE week_id = ?)`,
  );
  const prepareAll = <T extends Record<string, string>>(group: T) =>
    Object.fromEntries(Object.entries(group).map(([k, v]) => [k, db.prepare(v)])) as Record<
      keyof T,
      SqliteStatement
    >;
  const { movie, album, ...single } = text;
  const sql = prepareAll(single);
  const selectionsSql = { movie: prepareAll(movie), album: prepareAll(album) };

  return {
    handle(req, res) {
      const route = routeOf(req);
      if (route.type === 'health') return send(req, res, 200, { status: 'ok' });
      checkUser(sql.user.get(tokenUserId(req, secret)) as { is_active: number } | undefined);
      if (route.type === 'list') {
        const params = weekPageParams(route.query);
        const { page, page_size, year } = params;
        const offset = (page - 1) * page_size;
        const { total } = (
          year === undefined ? sql.countWeeks.get() : sql.countWeeksOfYear.get(year)
        ) as Total;
        const rows = (
          year === undefined
            ? sql.pageWeeks.all(page_size, offset)
            : sql.pageWeeksOfYear.all(year, page_size, offset)
        ) as WeekRow[];
        return send(req, res, 200, { total, page, page_size, results: rows.map(toWeek) });
      }
      if (route.type === 'selections') {
        const params = selectionsParams(route.query);
        const statements = selectionsSql[route.kind];
        const { total } = statements.count.get() as Total;
        const items = statements.page.all(
          params.page_size,
          (params.page - 1) * params.page_size,
        ) as (MovieRow | AlbumRow)[];
        const rows =
          items.length === 0
            ? []
            : (statements.picks.all(
                JSON.stringify(items.map((item) => item.id)),
              ) as SelectionRow[]);
        return send(
          req,
          res,
          200,
          selectionsOf(coverBase, route.kind, params, Number(total), items, rows),
        );
      }
      const id = weekIdOf(route.rawId);
      const week = sql.week.get(id) as WeekRow | undefined;
      if (!week) throw new HttpError(404, { detail: 'Week not found' });
      const movies = sql.weekMovies.all(id) as MovieSlotRow[];
      const albums = sql.weekAlbums.all(id) as AlbumSlotRow[];
      const verdicts = sql.weekVerdicts.all(id, id) as VerdictRow[];
      return send(req, res, 200, weekDetailOf(coverBase, week, movies, albums, verdicts));
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

/**
 * node-pg: each statement is named, so every pooled connection prepares it once; a week's four
 * reads, and a page's count and items, run in parallel on the pool.
 */
function postgresBackend(url: string, secret: Buffer, coverBase: string): Backend {
  const { Pool: PgPool } = createRequire(import.meta.url)('pg') as {
    Pool: new (config: PoolConfig) => Pool;
  };
  const pool = new PgPool({ connectionString: url, max: 10 });
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  const text = statements(
    'SELECT unnest(?::int[])',
    (table) => `= ANY (ARRAY(SELECT id FROM ${table} WHERE week_id = ?))`,
  );
  const run = async <R>(name: string, sql: string, values: unknown[]): Promise<R[]> =>
    (await pool.query({ name, text: numbered(sql), values })).rows as R[];

  return {
    async handle(req, res) {
      const route = routeOf(req);
      if (route.type === 'health') return send(req, res, 200, { status: 'ok' });
      const [user] = await run<{ is_active: boolean }>('user', text.user, [
        tokenUserId(req, secret),
      ]);
      checkUser(user);
      if (route.type === 'list') {
        const params = weekPageParams(route.query);
        const { page, page_size, year } = params;
        const offset = (page - 1) * page_size;
        const [[{ total }], rows] = await Promise.all([
          year === undefined
            ? run<Total>('countWeeks', text.countWeeks, [])
            : run<Total>('countWeeksOfYear', text.countWeeksOfYear, [year]),
          year === undefined
            ? run<WeekRow>('pageWeeks', text.pageWeeks, [page_size, offset])
            : run<WeekRow>('pageWeeksOfYear', text.pageWeeksOfYear, [year, page_size, offset]),
        ]);
        return send(req, res, 200, {
          total: Number(total),
          page,
          page_size,
          results: rows.map(toWeek),
        });
      }
      if (route.type === 'selections') {
        const params = selectionsParams(route.query);
        const { kind } = route;
        const [[{ total }], items] = await Promise.all([
          run<Total>(`${kind}Count`, text[kind].count, []),
          run<MovieRow | AlbumRow>(`${kind}Page`, text[kind].page, [
            params.page_size,
            (params.page - 1) * params.page_size,
          ]),
        ]);
        const rows =
          items.length === 0
            ? []
            : await run<SelectionRow>(`${kind}Picks`, text[kind].picks, [
                items.map((item) => item.id),
              ]);
        return send(
          req,
          res,
          200,
          selectionsOf(coverBase, kind, params, Number(total), items, rows),
        );
      }
      const id = weekIdOf(route.rawId);
      const [[week], movies, albums, verdicts] = await Promise.all([
        run<WeekRow>('week', text.week, [id]),
        run<MovieSlotRow>('weekMovies', text.weekMovies, [id]),
        run<AlbumSlotRow>('weekAlbums', text.weekAlbums, [id]),
        run<VerdictRow>('weekVerdicts', text.weekVerdicts, [id, id]),
      ]);
      if (!week) throw new HttpError(404, { detail: 'Week not found' });
      return send(req, res, 200, weekDetailOf(coverBase, week, movies, albums, verdicts));
    },
    close: () => pool.end(),
  };
}

// Run directly (as the bench's child process).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { REF_DATABASE, SECRET_KEY, PORT, COVERART_BASE_URL } = process.env;
  if (!REF_DATABASE || !SECRET_KEY || !PORT) {
    console.error('reference-server: REF_DATABASE, SECRET_KEY and PORT are required');
    process.exit(2);
  }
  const server = await startReferenceServer({
    database: REF_DATABASE,
    secretKey: SECRET_KEY,
    port: Number(PORT),
    coverArtBaseUrl: COVERART_BASE_URL,
  });
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
