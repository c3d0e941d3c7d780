import { CatalogUrls, type ImageSize } from '../catalog/catalog-urls.js';
import { MAX_ID, UUID } from '../common/validation/ids.js';
import { EMAIL_ADDRESS, USERNAME_CHARACTERS } from '../users/dto/credential-fields.js';
import { MAX_REVIEW_LENGTH } from '../verdicts/dto/verdict-requests.dto.js';
import { formatIsoWeek, isoWeeksInYear } from '../weeks/iso-week.js';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportAlbum,
  type ExportAlbumPick,
  type ExportDocument,
  type ExportMoviePick,
  type ExportMovie,
  type ExportUser,
  type ExportVerdict,
  type ExportWeek,
} from './export-document.js';

/** The first problem of a file an import refuses, named with its JSON path. */
export class ImportProblem extends Error {}

/** Bounds of what an import reads: far above a real history, low enough to stay in memory. */
export const IMPORT_LIMITS = {
  bytes: 256 * 1024 * 1024,
  users: 10_000,
  weeks: 20_000,
  catalogItems: 100_000,
  verdictsPerPick: 10_000,
  credits: 5_000,
  genres: 100,
  /** Titles, names and the like. */
  shortText: 1_000,
  /** Overviews, taglines. */
  longText: 20_000,
  notes: 2_000,
};

type Check<T> = (value: unknown, path: string) => T;

const fail = (message: string): never => {
  throw new ImportProblem(message);
};

const key = (path: string, name: string) => (path ? `${path}.${name}` : name);

function integer(min: number, max: number, range = `an integer ${min}-${max}`): Check<number> {
  return (value, path) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? value
      : fail(`${path} must be ${range}`);
}

function number(min: number, max: number): Check<number> {
  return (value, path) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
      ? value
      : fail(`${path} must be a number ${min}-${max}`);
}

const boolean: Check<boolean> = (value, path) =>
  typeof value === 'boolean' ? value : fail(`${path} must be true or false`);

function string(
  maxLength: number,
  rule?: { pattern: RegExp; message: string },
  minLength = 1,
): Check<string> {
  return (value, path) => {
    if (typeof value !== 'string') return fail(`${path} must be a string`);
    // UTF-16 length bounds the code points from above: count them only when it matters.
    const length = value.length <= maxLength ? value.length : [...value].length;
    if (length < minLength || length > maxLength) {
      fail(`${path} must be ${minLength}-${maxLength} characters long`);
    }
    if (rule && !rule.pattern.test(value)) fail(`${path} ${rule.message}`);
    return value;
  };
}

function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, path) => (value === null ? null : check(value, path));
}

function array<T>(maxItems: number, item: Check<T>): Check<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) return fail(`${path} must be an array`);
    if (value.length > maxItems) fail(`${path} must hold at most ${maxItems} items`);
    return value.map((entry, index) => item(entry, `${path}[${index}]`));
  };
}

type Shape<T> = { [K in keyof T]-?: Check<T[K]> };

/** An object with every key of `shape` (others are ignored), each checked in order. */
function object<T>(shape: Shape<T>): Check<T> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail(`${path || 'the file'} must be a JSON object`);
    }
    const result = {} as T;
    for (const name of Object.keys(shape) as (keyof T & string)[]) {
      const at = key(path, name);
      if (!(name in value)) fail(`${at} is required`);
      result[name] = shape[name]((value as Record<string, unknown>)[name], at);
    }
    return result;
  };
}

const id = integer(1, MAX_ID, `an integer 1-${MAX_ID}`);
const uuid = string(36, { pattern: UUID, message: 'must be a lowercase UUID' });
const shortText = string(IMPORT_LIMITS.shortText);
const longText = string(IMPORT_LIMITS.longText);
const username = string(
  50,
  {
    pattern: new RegExp(USERNAME_CHARACTERS.source.replace('A-Za-z0-9_-', 'a-z0-9_-')),
    message: 'must be a username (lowercase letters, digits, _ and -)',
  },
  3,
);
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const timestamp: Check<string> = (value, path) =>
  typeof value === 'string' &&
  ISO_TIMESTAMP.test(value) &&
  !Number.isNaN(Date.parse(value)) &&
  new Date(value).toISOString() === value
    ? value
    : fail(`${path} must be a timestamp like 2025-12-28T16:05:00.000Z`);
const calendarDate: Check<string> = (value, path) =>
  typeof value === 'string' &&
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  !Number.isNaN(Date.parse(value)) &&
  new Date(value).toISOString().startsWith(value) &&
  value >= '1900-01-01'
    ? value
    : fail(`${path} must be a date YYYY-MM-DD from 1900-01-01 on`);
const movieReleaseDate = nullable(
  string(10, { pattern: /^\d{4}-\d{2}-\d{2}$/, message: 'must be YYYY-MM-DD' }),
);
const albumReleaseDate = nullable(
  string(10, {
    pattern: /^\d{4}(-\d{2}(-\d{2})?)?$/,
    message: 'must be YYYY, YYYY-MM or YYYY-MM-DD',
  }),
);
const imageUrl = (size: ImageSize): Check<string | null> =>
  nullable((value, path) => {
    const url = string(2048)(value, path);
    return CatalogUrls.imagePathOf(url, size) === undefined
      ? fail(`${path} must be a TMDB ${size} image URL`)
      : url;
  });

const verdict: Check<ExportVerdict> = (value, path) => {
  const parsed = object<ExportVerdict>({
    user: username,
    rating: nullable(integer(1, 10, 'between 1 and 10')),
    review: nullable(string(MAX_REVIEW_LENGTH)),
    spoiler: boolean,
    consumed_on: nullable(calendarDate),
    created_at: timestamp,
    updated_at: timestamp,
  })(value, path);
  if (parsed.rating === null && (parsed.review === null || parsed.review.trim() === '')) {
    fail(`${path} needs a rating or a review`);
  }
  return parsed;
};
const verdicts = array(IMPORT_LIMITS.verdictsPerPick, verdict);
const position = integer(1, 2, '1 or 2');

const week = object<ExportWeek>({
  year: integer(1900, 2100, 'between 1900 and 2100'),
  week_number: integer(1, 53, 'between 1 and 53'),
  owner: nullable(username),
  notes: nullable(string(IMPORT_LIMITS.notes, undefined, 0)),
  created_at: timestamp,
  updated_at: timestamp,
  movies: array(2, object({ position, added_at: timestamp, tmdb_id: id, verdicts })),
  albums: array(2, object({ position, added_at: timestamp, musicbrainz_id: uuid, verdicts })),
});

const nullableShort = (max: number) => nullable(string(max));
const movie = object<ExportMovie>({
  tmdb_id: id,
  title: shortText,
  original_title: nullable(shortText),
  release_date: movieReleaseDate,
  poster_url: imageUrl('w500'),
  backdrop_url: imageUrl('w1280'),
  overview: nullable(longText),
  runtime: nullable(integer(1, 100_000)),
  vote_average: number(0, 10),
  vote_count: integer(0, MAX_ID),
  tagline: nullable(longText),
  status: nullableShort(64),
  imdb_id: nullableShort(32),
  genres: array(IMPORT_LIMITS.genres, object({ id, name: shortText })),
  cached_at: timestamp,
  credits: nullable(
    object({
      cast: array(
        IMPORT_LIMITS.credits,
        object({
          tmdb_id: id,
          name: shortText,
          character: nullable(shortText),
          order: integer(0, MAX_ID),
          profile_url: imageUrl('w185'),
        }),
      ),
      crew: array(
        IMPORT_LIMITS.credits,
        object({
          tmdb_id: id,
          name: shortText,
          department: nullableShort(64),
          job: string(64),
          profile_url: imageUrl('w185'),
        }),
      ),
    }),
  ),
});

const album: Check<ExportAlbum> = (value, path) => {
  const parsed = object<ExportAlbum>({
    musicbrainz_id: uuid,
    title: shortText,
    artist: shortText,
    release_date: albumReleaseDate,
    country: nullableShort(8),
    status: nullableShort(64),
    cover_art_url: nullable(string(2048)),
    release_group_id: nullable(uuid),
    cached_at: timestamp,
    credits: array(
      IMPORT_LIMITS.credits,
      object({
        musicbrainz_id: uuid,
        name: shortText,
        credited_name: shortText,
        sort_name: nullable(shortText),
        disambiguation: nullable(shortText),
        artist_type: nullableShort(64),
        country: nullableShort(8),
        join_phrase: nullable(string(IMPORT_LIMITS.shortText, undefined, 0)),
        order: integer(0, IMPORT_LIMITS.credits),
      }),
    ),
  })(value, path);
  const source = CatalogUrls.coverArtSourceOf(parsed.cover_art_url, {
    musicbrainzId: parsed.musicbrainz_id,
    releaseGroupId: parsed.release_group_id,
  });
  if (source === undefined) {
    fail(
      `${path}.cover_art_url must be null or the front cover of the release or its release group`,
    );
  }
  return parsed;
};

const apiUser = object<ExportUser>({ id, username, created_at: timestamp } as Shape<ExportUser>);
const adminUser = object<ExportUser>({
  id,
  username,
  created_at: timestamp,
  email: string(254, { pattern: EMAIL_ADDRESS, message: 'must be a valid email address' }),
  is_active: boolean,
  password_hash: string(100),
});

const head = object({
  format: (value: unknown, path: string) =>
    value === EXPORT_FORMAT ? value : fail(`${path} must be "${EXPORT_FORMAT}"`),
  version: (value: unknown, path: string) =>
    value === EXPORT_VERSION
      ? value
      : fail(`${path} ${JSON.stringify(value)} is not one this install reads (${EXPORT_VERSION})`),
  exported_at: timestamp,
});

/**
 * The document an import reads (portability.md §2.2), checked whole before anything is written:
 * its shape and bounds, then what must hold across it (unique keys, names that resolve). Throws
 * an ImportProblem naming the first problem by its JSON path.
 */
export function parseExportDocument(text: string): ExportDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`the file is not JSON (${(error as Error).message})`);
  }
  const { format, version, exported_at } = head(raw, '');
  const scope = (raw as { scope?: unknown }).scope;
  if (scope !== undefined && scope !== 'admin') fail('scope must be "admin" when present');
  const document = object({
    users: array(IMPORT_LIMITS.users, scope === 'admin' ? adminUser : apiUser),
    weeks: array(IMPORT_LIMITS.weeks, week),
    movies: array(IMPORT_LIMITS.catalogItems, movie),
    albums: array(IMPORT_LIMITS.catalogItems, album),
  })(raw, '');
  const parsed: ExportDocument = {
    format,
    version,
    exported_at,
    ...(scope === 'admin' ? { scope } : {}),
    ...document,
  } as ExportDocument;
  checkReferences(parsed);
  return parsed;
}

/** Keys that must be unique, and the users and catalog items the weeks name. */
function checkReferences(document: ExportDocument): void {
  const users = unique(document.users, 'users', [
    ['username', (user) => user.username],
    ['id', (user) => String(user.id)],
    ['email', (user) => user.email],
  ]);
  const movies = unique(document.movies, 'movies', [['tmdb_id', (item) => String(item.tmdb_id)]]);
  const albums = unique(document.albums, 'albums', [
    ['musicbrainz_id', (item) => item.musicbrainz_id],
  ]);
  unique(document.weeks, 'weeks', [
    ['week_number', (item) => formatIsoWeek(item.year, item.week_number)],
  ]);
  const known = (names: Set<string>, value: string, path: string, among: string) => {
    if (!names.has(value)) fail(`${path} ${JSON.stringify(value)} is not among ${among}`);
  };
  document.weeks.forEach((week, w) => {
    const at = `weeks[${w}]`;
    if (week.week_number > isoWeeksInYear(week.year)) {
      fail(`${at}.week_number ${week.week_number} does not exist in ISO year ${week.year}`);
    }
    if (week.owner !== null) known(users.username, week.owner, `${at}.owner`, 'users');
    const kinds = [
      ['movies', week.movies.map((pick) => String(pick.tmdb_id)), 'tmdb_id', movies.tmdb_id],
      [
        'albums',
        week.albums.map((pick) => pick.musicbrainz_id),
        'musicbrainz_id',
        albums.musicbrainz_id,
      ],
    ] as const;
    for (const [kind, itemIds, idName, catalog] of kinds) {
      const picks: (ExportMoviePick | ExportAlbumPick)[] = week[kind];
      unique(picks, `${at}.${kind}`, [
        ['position', (pick) => String(pick.position)],
        [idName, (_, index) => itemIds[index]],
      ]);
      picks.forEach((pick, p) => {
        known(catalog, itemIds[p], `${at}.${kind}[${p}].${idName}`, kind);
        pick.verdicts.forEach((verdict, v) =>
          known(users.username, verdict.user, `${at}.${kind}[${p}].verdicts[${v}].user`, 'users'),
        );
        unique(pick.verdicts, `${at}.${kind}[${p}].verdicts`, [
          ['user', (verdict) => verdict.user],
        ]);
      });
    }
  });
}

/** Fails on the first repeated key; returns the set of each key's values. */
function unique<T, K extends string>(
  items: T[],
  path: string,
  keys: [K, (item: T, index: number) => string | undefined][],
): Record<K, Set<string>> {
  const sets = {} as Record<K, Set<string>>;
  for (const [name, valueOf] of keys) {
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const value = valueOf(item, index);
      if (value === undefined) return;
      const first = seen.get(value);
      if (first !== undefined) {
        fail(`${path}[${index}].${name} repeats ${path}[${first}] (${value})`);
      }
      seen.set(value, index);
    });
    sets[name] = new Set(seen.keys());
  }
  return sets;
}
