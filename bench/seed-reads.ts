/**
 * Seeds a SQLite file for the reads benchmark (issues #4 and #9): the schema from the real migrations,
 * then users, weeks, movies, albums, picks and verdicts inserted with better-sqlite3 in one transaction.
 *
 * - `weeks` weeks, valid ISO weeks only: 52 per year from `startYear` (weeks 1–52 exist every year).
 * - 2 movie picks per week, every pick a different movie except one movie picked twice (week 3 and
 *   week 5, position 1), plus ~10% catalog movies nobody picked (they must stay out of the selections
 *   listing).
 * - An album in position 1 of every other week and in position 2 of every fifth week, all distinct
 *   except one album picked twice (week 3 and week 11, position 1).
 * - Most weeks owned (one owner is a deactivated user), every tenth week unclaimed.
 * - Titles drawn from a small vocabulary, some non-ASCII, some duplicated (ties broken by id).
 * - 2 verdicts per pick by two different members (the deactivated one included): ~12% review-only
 *   (no rating), reviews with quotes, backslashes, control characters, non-ASCII and astral text,
 *   some spoilers, some with `consumed_on`, some pairs with the same `created_at` (ordered by user
 *   id). The picks of weeks 2, 3, 5, 6 and 11 (`verdictProbeWeekIds`) carry hand-made cases instead:
 *   0, 1, 3 and 5 verdicts, averages that need rounding (7.5, 8.33, pooled 8.125 → 8.13), a slot
 *   with only reviews.
 * Timestamps are written the way TypeORM writes a Date to a SQLite datetime column: UTC
 * 'YYYY-MM-DD HH:MM:SS.SSS'.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { ENTITIES } from '../src/entities.js';
import type { SqliteConstructor } from './reference-server.js';

export interface SeededReads {
  file: string;
  weeks: number;
  movies: number;
  moviePicks: number;
  albums: number;
  albumPicks: number;
  /** Distinct movies (albums) in some week: what the selections listings count. */
  selectedMovies: number;
  selectedAlbums: number;
  verdicts: number;
  /** An active user to sign the bench token for. */
  tokenUserId: number;
  inactiveUserId: number;
  /** A week in the middle, owned, with two movies and two albums. */
  midWeekId: number;
  unclaimedWeekId: number;
  /** A year that holds weeks, for the `?year=` identity check. */
  someYear: number;
  /** The weeks whose picks carry the hand-made verdict cases (VERDICT_CASES). */
  verdictProbeWeekIds: number[];
  /** The selections pages (page_size 100) that hold the items picked in those weeks. */
  verdictProbePages: { movies: number[]; albums: number[] };
}

const USERS = [
  { id: 1, username: 'alice', active: true },
  { id: 2, username: 'bob', active: true },
  { id: 3, username: 'chloé', active: true },
  { id: 4, username: 'dmitri', active: true },
  { id: 5, username: 'eve', active: false },
];

const ADJECTIVES = [
  'The Last',
  'A Quiet',
  'Burning',
  'Silent',
  'Électrique',
  'Über',
  'Crimson',
  'Lonely',
  'Ölige',
  'Fast',
  'ángel',
  'Żółta',
  'Midnight',
  'Golden',
  'Broken',
  '"Perfect"',
  'Σκοτεινή',
  'Тихий',
  'Straße der',
  'İstanbul',
  'zen',
  '12',
  'Ça',
  'Wild',
];
const NOUNS = [
  'Horizon',
  'Summer',
  'Détour',
  'City',
  'Ångström',
  'River',
  'Machine',
  'Garden',
  'Éclipse',
  'Night',
  'Žena',
  'Heart',
  '東京',
  'Ghost',
  'Дорога',
  'Mirror',
  'Kingdom',
  'Wolf',
  'Æon',
  'Storm',
];
/** Reviews: JSON escaping (quotes, backslash, control characters, U+2028), non-ASCII, astral text. */
const REVIEWS = [
  'Loved it.',
  'Not for me — too long by half.',
  'The "twist" was obvious from the first scene.',
  'Ça m’a plu ; la fin est sublime.',
  'Ein Meisterwerk, über alles.',
  '最高でした 🎬🍿',
  'A backslash \\ and a tab\there.',
  'Two lines:\nfirst, then second.',
  '<b>bold</b> & </script> "double" \'single\'',
  'Σκοτεινή και όμορφη. Тихий шедевр.',
  'A line separator\u2028and a paragraph separator\u2029inside.',
  'A control \u0001 character and a family 👩‍👩‍👧 emoji.',
];

interface VerdictSeed {
  user: number;
  rating: number | null;
  review: string | null;
  spoiler: boolean;
  consumedOn: string | null;
  /** Milliseconds after the pick was added. */
  createdAfter: number;
  updatedAfter: number;
}

const HOUR = 3_600_000;
const verdict = (
  user: number,
  rating: number | null,
  createdAfter: number,
  more: Partial<VerdictSeed> = {},
): VerdictSeed => ({
  user,
  rating,
  review: null,
  spoiler: false,
  consumedOn: null,
  createdAfter,
  updatedAfter: createdAfter,
  ...more,
});

/**
 * Hand-made verdicts, by `kind week/position`, for the identity probes: every case the replies
 * must render alike. Every other pick gets 2 verdicts from the PRNG.
 */
const VERDICT_CASES: Record<string, VerdictSeed[]> = {
  // No verdict: "verdicts": [], count 0, average and spread null.
  'movie 2/1': [],
  // One: spread null; a spoiler, a consumed_on, an update later than the creation.
  'movie 2/2': [
    verdict(3, 7, HOUR, {
      review: 'Spoiler: "Rosebud" was the sled.',
      spoiler: true,
      consumedOn: '2024-01-09',
      updatedAfter: 30 * HOUR + 17,
    }),
  ],
  // 7, 8, 10 → average 8.33, spread 1.25. The same movie is picked again in week 5.
  'movie 3/1': [
    verdict(4, 10, HOUR),
    verdict(1, 7, 2 * HOUR, { consumedOn: '2024-01-10' }),
    verdict(2, 8, 3 * HOUR, { review: 'Solid. ✓' }),
  ],
  // 7 and 8 → 7.5, spread 0.5.
  'movie 3/2': [verdict(2, 7, HOUR), verdict(5, 8, 2 * HOUR, { review: '½ a masterpiece' })],
  // A review-only verdict next to a rating: count 1, spread null. The album is picked again in week 11.
  'album 3/1': [
    verdict(4, null, HOUR, { review: 'No rating, just words: “unrateable”.', spoiler: true }),
    verdict(1, 9, 2 * HOUR),
  ],
  // With week 3's 7, 8, 10, the movie pools 8 ratings summing to 65: 8.125 → 8.13 (half-up).
  'movie 5/1': [
    verdict(1, 8, HOUR),
    verdict(2, 9, 2 * HOUR),
    verdict(3, 6, 3 * HOUR, { consumedOn: '2024-02-01' }),
    verdict(4, 7, 4 * HOUR),
    verdict(5, 10, 5 * HOUR, { spoiler: true }),
  ],
  // Reviews only: count 0, average and spread null, two verdicts listed.
  'movie 6/1': [
    verdict(1, null, HOUR, { review: 'Fell asleep.' }),
    verdict(3, null, 2 * HOUR, { review: 'Didn’t finish it 🙈' }),
  ],
  // The same created_at: ordered by user id (inserted 4 before 2). 1 and 10 → 5.5, spread 4.5.
  'movie 6/2': [verdict(4, 1, HOUR), verdict(2, 10, HOUR, { updatedAfter: 2 * HOUR })],
  // With week 3's 9, the album pools 9, 10, 1: 6.67.
  'album 11/1': [
    verdict(2, 10, HOUR),
    verdict(3, 1, 2 * HOUR),
    verdict(5, null, 3 * HOUR, { review: REVIEWS[11] }),
  ],
};
const VERDICT_PROBE_WEEKS = [2, 3, 5, 6, 11];

const ARTISTS = ['Björk', 'Radiohead', 'Sigur Rós', 'Motörhead', 'Daft Punk', 'Unknown Artist'];

/** A small deterministic PRNG (mulberry32), so every run seeds the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** As TypeORM's DateUtils.mixedDateToUtcDatetimeString writes a Date on SQLite. */
export function sqliteDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 23);
}

function uuid(seed: string): string {
  const hex = createHash('md5').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The app's entities, with its migrations applied when the DataSource initializes. */
const MIGRATED = {
  entities: ENTITIES,
  migrations: MIGRATIONS,
  migrationsRun: true,
  synchronize: false,
  logging: false,
} as const;

async function migrate(file: string): Promise<void> {
  const dataSource = new DataSource({ type: 'better-sqlite3', database: file, ...MIGRATED });
  await dataSource.initialize();
  await dataSource.destroy();
}

export async function seedReadsDatabase(
  file: string,
  weeks: number,
  startYear = 1900,
): Promise<SeededReads> {
  if (startYear + Math.ceil(weeks / 52) - 1 > 2100)
    throw new Error('seed: too many weeks for 1900–2100');
  await migrate(file);
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
  const db = new Database(file, { fileMustExist: true });
  db.pragma('foreign_keys = ON');
  const rand = random(weeks);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  const base = Date.UTC(2024, 0, 1, 8, 0, 0, 0);

  const moviePicks = 2 * weeks;
  const movieCount = moviePicks + Math.max(10, Math.floor(weeks / 10));
  const albumSlots: { weekId: number; position: number }[] = [];
  for (let i = 0; i < weeks; i++) {
    if (i % 2 === 0) albumSlots.push({ weekId: i + 1, position: 1 });
    if (i % 5 === 0) albumSlots.push({ weekId: i + 1, position: 2 });
  }
  const albumCount = albumSlots.length + Math.max(5, Math.floor(albumSlots.length / 10));

  // Which movie (album) goes where: a shuffled permutation, so title order and week order differ.
  const shuffled = (count: number): number[] => {
    const ids = Array.from({ length: count }, (_, index) => index + 1);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    return ids;
  };
  const movieOrder = shuffled(movieCount);
  const albumOrder = shuffled(albumCount);
  // One movie and one album picked twice, so the selections pool ratings over two picks: week 5's
  // first movie is week 3's, week 11's first album is week 3's (the movie and album they replace go
  // unpicked).
  const movieAt = (weekId: number, position: number) => 2 * (weekId - 1) + position - 1;
  const albumAt = (weekId: number, position: number) =>
    albumSlots.findIndex((slot) => slot.weekId === weekId && slot.position === position);
  if (weeks >= 11) {
    movieOrder[movieAt(5, 1)] = movieOrder[movieAt(3, 1)];
    albumOrder[albumAt(11, 1)] = albumOrder[albumAt(3, 1)];
  }

  const insertUser = db.prepare(
    `INSERT INTO users (id, username, email, password_hash, is_active, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertWeek = db.prepare(
    `INSERT INTO weeks (id, user_id, year, week_number, notes, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMovie = db.prepare(
    `INSERT INTO movies (id, tmdb_id, title, sort_title, original_title, release_date, poster_path,
       backdrop_path, overview, runtime, vote_average, vote_count, tagline, status, imdb_id, genres,
       cached_at, credits_cached_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, NULL)`,
  );
  const insertAlbum = db.prepare(
    `INSERT INTO albums (id, musicbrainz_id, title, sort_title, artist, release_date, country,
       status, release_group_id, cover_art_source, cached_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertWeekMovie = db.prepare(
    'INSERT INTO week_movies (week_id, movie_id, position, added_at) VALUES (?, ?, ?, ?)',
  );
  const insertWeekAlbum = db.prepare(
    'INSERT INTO week_albums (week_id, album_id, position, added_at) VALUES (?, ?, ?, ?)',
  );
  const insertVerdict = db.prepare(
    `INSERT INTO verdicts (week_movie_id, week_album_id, user_id, rating, review, spoiler,
       consumed_on, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const picks: {
    kind: 'movie' | 'album';
    id: number;
    itemId: number;
    weekId: number;
    position: number;
    addedAt: number;
  }[] = [];
  let verdictCount = 0;

  /** Two verdicts by two different members, drawn from the PRNG. */
  const drawnVerdicts = (): VerdictSeed[] => {
    const first = Math.floor(rand() * USERS.length);
    const second = (first + 1 + Math.floor(rand() * (USERS.length - 1))) % USERS.length;
    const sameTime = rand() < 0.1;
    let createdAfter = 0;
    return [first, second].map((index) => {
      const reviewOnly = rand() < 0.12;
      const rating = reviewOnly ? null : 1 + Math.floor(rand() * 10);
      const review = reviewOnly || rand() < 0.4 ? pick(REVIEWS) : null;
      if (!(sameTime && createdAfter > 0)) createdAfter += 60_000 + Math.floor(rand() * 40 * HOUR);
      const consumedOn =
        rand() < 0.6
          ? new Date(base - Math.floor(rand() * 900) * 86_400_000).toISOString().slice(0, 10)
          : null;
      return {
        user: USERS[index].id,
        rating,
        review,
        spoiler: rand() < 0.2,
        consumedOn,
        createdAfter,
        updatedAfter: createdAfter + (rand() < 0.5 ? 0 : Math.floor(rand() * 100 * HOUR)),
      };
    });
  };

  const weekCreated = (i: number) => base + i * 3_600_017;

  db.transaction(() => {
    for (const user of USERS) {
      const at = sqliteDatetime(new Date(base - 86_400_000 + user.id * 1_001));
      insertUser.run(
        user.id,
        user.username,
        `${user.username}@example.org`,
        `$2b$04$${'x'.repeat(53)}`,
        user.active ? 1 : 0,
        at,
        at,
      );
    }

    for (let i = 0; i < weeks; i++) {
      const owner = i % 10 === 7 ? null : i % 10 === 3 ? 5 : (i % 4) + 1;
      const notes =
        i % 3 === 0 ? null : i % 3 === 1 ? `Week ${i}: "two" picks & ünïcödé ✓\nsecond line` : '';
      const created = weekCreated(i);
      insertWeek.run(
        i + 1,
        owner,
        startYear + Math.floor(i / 52),
        (i % 52) + 1,
        notes,
        sqliteDatetime(new Date(created)),
        sqliteDatetime(new Date(created + (i % 3) * 86_400_123)),
      );
    }

    for (let id = 1; id <= movieCount; id++) {
      const title = `${pick(ADJECTIVES)} ${pick(NOUNS)}${rand() < 0.3 ? ` ${Math.floor(rand() * 9) + 2}` : ''}`;
      const year = 1920 + Math.floor(rand() * 105);
      insertMovie.run(
        id,
        10_000 + id * 7,
        title,
        title.toLowerCase(),
        id % 4 === 0 ? null : id % 4 === 1 ? title : `${title} (original)`,
        id % 9 === 0
          ? null
          : `${year}-${String((id % 12) + 1).padStart(2, '0')}-${String((id % 28) + 1).padStart(2, '0')}`,
        id % 6 === 0
          ? null
          : `/${createHash('sha1').update(`poster${id}`).digest('hex').slice(0, 27)}.jpg`,
        id % 5 === 0 ? null : `/backdrop${id}.jpg`,
        id % 7 === 0
          ? null
          : `An overview of movie ${id}, with "quotes", émojis 🎬 and a \\ backslash.`,
        id % 8 === 0 ? null : 80 + (id % 90),
        Math.round(rand() * 100) / 10,
        Math.floor(rand() * 20_000),
        id % 3 === 0 ? null : 'A tagline.',
        'Released',
        id % 2 === 0 ? null : `tt${String(id).padStart(7, '0')}`,
        sqliteDatetime(new Date(base + id * 1_234_567)),
      );
    }

    const sources = ['release', 'release-group', 'none'];
    for (let id = 1; id <= albumCount; id++) {
      const title = `${pick(NOUNS)} ${pick(ADJECTIVES)}`;
      const dates = [null, '1997', '1997-06', '1997-06-16'];
      const source = sources[id % 3];
      insertAlbum.run(
        id,
        uuid(`album-${id}`),
        title,
        title.toLowerCase(),
        pick(ARTISTS),
        dates[id % 4],
        id % 2 === 0 ? 'GB' : null,
        'Official',
        source === 'release-group' && id % 2 === 0 ? null : uuid(`group-${id}`),
        source,
        sqliteDatetime(new Date(base + id * 2_345_678)),
      );
    }

    for (let i = 0; i < weeks; i++) {
      for (const position of [1, 2]) {
        const addedAt = weekCreated(i) + position * 60_001;
        const itemId = movieOrder[movieAt(i + 1, position)];
        const { lastInsertRowid } = insertWeekMovie.run(
          i + 1,
          itemId,
          position,
          sqliteDatetime(new Date(addedAt)),
        );
        const id = Number(lastInsertRowid);
        picks.push({ kind: 'movie', id, itemId, weekId: i + 1, position, addedAt });
      }
    }
    albumSlots.forEach(({ weekId, position }, index) => {
      const addedAt = weekCreated(weekId - 1) + position * 120_003;
      const itemId = albumOrder[index];
      const { lastInsertRowid } = insertWeekAlbum.run(
        weekId,
        itemId,
        position,
        sqliteDatetime(new Date(addedAt)),
      );
      picks.push({ kind: 'album', id: Number(lastInsertRowid), itemId, weekId, position, addedAt });
    });

    for (const { kind, id, weekId, position, addedAt } of picks) {
      const seeds = VERDICT_CASES[`${kind} ${weekId}/${position}`] ?? drawnVerdicts();
      for (const seed of seeds) {
        insertVerdict.run(
          kind === 'movie' ? id : null,
          kind === 'album' ? id : null,
          seed.user,
          seed.rating,
          seed.review,
          seed.spoiler ? 1 : 0,
          seed.consumedOn,
          sqliteDatetime(new Date(addedAt + seed.createdAfter)),
          sqliteDatetime(new Date(addedAt + seed.updatedAfter)),
        );
      }
      verdictCount += seeds.length;
    }
  })();

  // Where the items of the verdict probe weeks fall in the selections listings (by sort_title, id):
  // one ranking query per kind.
  const verdictProbeWeekIds = VERDICT_PROBE_WEEKS.filter((id) => id <= weeks);
  const probePages = (kind: 'movie' | 'album') => {
    const [items, pickTable, column] =
      kind === 'movie'
        ? ['movies', 'week_movies', 'movie_id']
        : ['albums', 'week_albums', 'album_id'];
    const itemIds = picks
      .filter((p) => p.kind === kind && verdictProbeWeekIds.includes(p.weekId))
      .map((p) => p.itemId);
    const ranks = db
      .prepare(
        `SELECT rank FROM (
           SELECT i.id, ROW_NUMBER() OVER (ORDER BY i.sort_title, i.id) - 1 AS rank FROM ${items} i
           WHERE EXISTS (SELECT 1 FROM ${pickTable} p WHERE p.${column} = i.id))
         WHERE id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(itemIds)) as { rank: number }[];
    const pages = ranks.map(({ rank }) => Math.floor(rank / 100) + 1);
    return [...new Set(pages)].sort((x, y) => x - y);
  };
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const selectedMovies = count('SELECT COUNT(DISTINCT movie_id) AS n FROM week_movies');
  const selectedAlbums = count('SELECT COUNT(DISTINCT album_id) AS n FROM week_albums');
  const verdictProbePages = { movies: probePages('movie'), albums: probePages('album') };

  db.pragma('journal_mode = WAL');
  db.close();

  // The middle week, moved to one that is owned (i % 10 in {0, 2, 4, 6}) and has two albums (i % 10 == 0).
  const mid = Math.floor(weeks / 2 / 10) * 10;
  return {
    file,
    weeks,
    movies: movieCount,
    moviePicks,
    albums: albumCount,
    albumPicks: albumSlots.length,
    selectedMovies,
    selectedAlbums,
    verdicts: verdictCount,
    tokenUserId: 1,
    inactiveUserId: 5,
    midWeekId: mid + 1,
    unclaimedWeekId: 8,
    someYear: startYear + 1,
    verdictProbeWeekIds,
    verdictProbePages,
  };
}

/** The tables `seedReadsDatabase` fills, parents first. */
const SEEDED_TABLES = [
  'users',
  'weeks',
  'movies',
  'albums',
  'week_movies',
  'week_albums',
  'verdicts',
];

/**
 * Copies a seeded SQLite file into an empty PostgreSQL database (the PostgreSQL lane of
 * bench:reads): the schema from the real migrations, then every seeded row as it is, with booleans
 * turned from 0/1 into true/false and each id sequence moved past the copied ids.
 */
export async function copyReadsToPostgres(file: string, url: string): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url, ...MIGRATED });
  await dataSource.initialize();
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    await dataSource.transaction(async (manager) => {
      for (const table of SEEDED_TABLES) {
        const booleans = new Set(
          (
            await manager.query<{ column_name: string }[]>(
              `SELECT column_name FROM information_schema.columns
               WHERE table_name = $1 AND data_type = 'boolean'`,
              [table],
            )
          ).map((row) => row.column_name),
        );
        const rows = db.prepare(`SELECT * FROM ${table} ORDER BY id`).all() as Record<
          string,
          unknown
        >[];
        if (rows.length === 0) continue;
        const columns = Object.keys(rows[0]);
        // 500 rows per INSERT keeps each statement under PostgreSQL's 65,535 parameters.
        for (let start = 0; start < rows.length; start += 500) {
          const chunk = rows.slice(start, start + 500);
          const values: unknown[] = [];
          const tuples = chunk.map((row) => {
            const placeholders = columns.map((column) => {
              const value = row[column];
              values.push(booleans.has(column) && value !== null ? value === 1 : value);
              return `$${values.length}`;
            });
            return `(${placeholders.join(', ')})`;
          });
          await manager.query(
            `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`,
            values,
          );
        }
        await manager.query(
          `SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT MAX(id) FROM ${table}))`,
        );
      }
    });
    await dataSource.query('ANALYZE');
  } finally {
    db.close();
    await dataSource.destroy();
  }
}
