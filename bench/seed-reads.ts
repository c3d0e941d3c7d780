/**
 * Seeds a SQLite file for the reads benchmark (issue #4): the schema from the real migrations, then
 * users, weeks, movies, albums and picks inserted with better-sqlite3 in one transaction.
 *
 * - `weeks` weeks, valid ISO weeks only: 52 per year from `startYear` (weeks 1–52 exist every year).
 * - 2 movie picks per week, every pick a different movie (2 × weeks distinct selected movies), plus
 *   ~10% catalog movies nobody picked (they must stay out of the selections listing).
 * - An album in position 1 of every other week and in position 2 of every fifth week, all distinct.
 * - Most weeks owned (one owner is a deactivated user), every tenth week unclaimed.
 * - Titles drawn from a small vocabulary, some non-ASCII, some duplicated (ties broken by id).
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
  /** An active user to sign the bench token for. */
  tokenUserId: number;
  inactiveUserId: number;
  /** A week in the middle, owned, with two movies and two albums. */
  midWeekId: number;
  unclaimedWeekId: number;
  /** A year that holds weeks, for the `?year=` identity check. */
  someYear: number;
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

async function migrate(file: string): Promise<void> {
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    logging: false,
  });
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
        insertWeekMovie.run(
          i + 1,
          movieOrder[2 * i + position - 1],
          position,
          sqliteDatetime(new Date(weekCreated(i) + position * 60_001)),
        );
      }
    }
    albumSlots.forEach(({ weekId, position }, index) => {
      insertWeekAlbum.run(
        weekId,
        albumOrder[index],
        position,
        sqliteDatetime(new Date(weekCreated(weekId - 1) + position * 120_003)),
      );
    });
  })();

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
    tokenUserId: 1,
    inactiveUserId: 5,
    midWeekId: mid + 1,
    unclaimedWeekId: 8,
    someYear: startYear + 1,
  };
}
