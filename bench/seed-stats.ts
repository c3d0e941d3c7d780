/**
 * Seeds a SQLite file for the stats benchmark (issue #10): the reads benchmark's history
 * (bench/seed-reads.ts: weeks, movie and album picks, 2 verdicts per pick, 4 active members and a
 * deactivated one), plus what the stats read beside it, inserted with better-sqlite3 in one
 * transaction:
 * - 1–3 TMDB genres per movie (`movies.genres` and `movie_genres` alike);
 * - a director per movie (a second one on every seventh), from 2,000 people, and a screenplay credit;
 * - 1–2 artists per album, from 300.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { SqliteConstructor } from './reference-server.js';
import { seedReadsDatabase, sqliteDatetime, type SeededReads } from './seed-reads.js';

export interface SeededStats extends SeededReads {
  /** A year in the middle, with 52 weeks of picks. */
  midYear: number;
}

const GENRES = [
  [28, 'Action'],
  [12, 'Adventure'],
  [16, 'Animation'],
  [35, 'Comedy'],
  [80, 'Crime'],
  [99, 'Documentary'],
  [18, 'Drama'],
  [10751, 'Family'],
  [14, 'Fantasy'],
  [36, 'History'],
  [27, 'Horror'],
  [10402, 'Music'],
  [9648, 'Mystery'],
  [10749, 'Romance'],
  [878, 'Science Fiction'],
  [10770, 'TV Movie'],
  [53, 'Thriller'],
  [10752, 'War'],
  [37, 'Western'],
] as const;
const PEOPLE = 2000;
const ARTISTS = 300;

function uuid(seed: string): string {
  const hex = createHash('md5').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function seedStatsDatabase(
  file: string,
  weeks: number,
  startYear = 1900,
): Promise<SeededStats> {
  const seed = await seedReadsDatabase(file, weeks, startYear);
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
  const db = new Database(file, { fileMustExist: true });
  db.pragma('foreign_keys = ON');
  const at = sqliteDatetime(new Date(Date.UTC(2024, 0, 2)));

  db.transaction(() => {
    const setGenres = db.prepare('UPDATE movies SET genres = ? WHERE id = ?');
    const addGenre = db.prepare(
      'INSERT INTO movie_genres (movie_id, genre_id, name) VALUES (?, ?, ?)',
    );
    for (let id = 1; id <= seed.movies; id++) {
      const genres = [GENRES[id % 19], GENRES[(id * 7) % 19], GENRES[(id * 13) % 19]]
        .slice(0, 1 + (id % 3))
        .filter((genre, index, all) => all.findIndex((other) => other[0] === genre[0]) === index);
      setGenres.run(JSON.stringify(genres.map(([gid, name]) => ({ id: gid, name }))), id);
      for (const [gid, name] of genres) addGenre.run(id, gid, name);
    }

    const addPerson = db.prepare(
      'INSERT INTO people (id, tmdb_id, name, profile_path, updated_at) VALUES (?, ?, ?, NULL, ?)',
    );
    for (let id = 1; id <= PEOPLE; id++) addPerson.run(id, 100_000 + id, `Director ${id}`, at);
    const addCrew = db.prepare(
      `INSERT INTO movie_crew (movie_id, person_id, department, job, list_index)
       VALUES (?, ?, ?, ?, ?)`,
    );
    const setCredits = db.prepare('UPDATE movies SET credits_cached_at = ? WHERE id = ?');
    for (let id = 1; id <= seed.movies; id++) {
      const director = 1 + ((id * 31) % PEOPLE);
      addCrew.run(id, director, 'Directing', 'Director', 0);
      addCrew.run(id, director, 'Writing', 'Screenplay', 1);
      const second = 1 + ((id * 17) % PEOPLE);
      if (id % 7 === 0 && second !== director) addCrew.run(id, second, 'Directing', 'Director', 2);
      setCredits.run(at, id);
    }

    const addArtist = db.prepare(
      'INSERT INTO artists (id, musicbrainz_id, name, updated_at) VALUES (?, ?, ?, ?)',
    );
    for (let id = 1; id <= ARTISTS; id++) addArtist.run(id, uuid(`artist-${id}`), `Band ${id}`, at);
    const credit = db.prepare(
      `INSERT INTO album_artists (album_id, artist_id, credited_name, join_phrase, credit_order)
       VALUES (?, ?, ?, ?, ?)`,
    );
    for (let id = 1; id <= seed.albums; id++) {
      const first = 1 + ((id * 11) % ARTISTS);
      credit.run(id, first, `Band ${first}`, id % 4 === 0 ? ' & ' : null, 0);
      if (id % 4 === 0) {
        const second = 1 + ((id * 23) % ARTISTS);
        if (second !== first) credit.run(id, second, `Band ${second}`, null, 1);
      }
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { ...seed, midYear: startYear + Math.floor(weeks / 52 / 2) };
}
