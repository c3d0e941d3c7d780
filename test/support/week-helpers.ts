import type { Server } from 'node:http';
import request, { type Response } from 'supertest';
import type { DataSource } from 'typeorm';
import { AlbumAlias } from '../../src/albums/entities/album-alias.entity.js';
import { Album } from '../../src/albums/entities/album.entity.js';
import { MovieGenre } from '../../src/movies/entities/movie-genre.entity.js';
import { Movie } from '../../src/movies/entities/movie.entity.js';
import { WeekAlbum } from '../../src/weeks/entities/week-album.entity.js';
import { WeekMovie } from '../../src/weeks/entities/week-movie.entity.js';
import { Week } from '../../src/weeks/entities/week.entity.js';
import { authHeader, lastingToken, registerUser } from './auth-helpers.js';
import type { FakeClock } from './fake-clock.js';

// ---------------------------------------------------------------------------------------------
// Users and time.

/** `clock.now()` as the wire shows it. */
export function nowIso(clock: FakeClock): string {
  return clock.now().toISOString();
}

export interface Member {
  id: number;
  username: string;
  auth: { Authorization: string };
}

/** Registers `username` (email `<username>@example.org`), with a token that outlives clock moves. */
export async function member(server: Server, username: string): Promise<Member> {
  const { user } = await registerUser(server, { username, email: `${username}@example.org` });
  return { id: user.id, username: user.username, auth: authHeader(lastingToken(user.id)) };
}

/** Hands out (year, week_number) pairs nobody else in the file uses: weeks are globally unique. */
export class WeekPicker {
  private year: number;
  private week = 0;

  constructor(firstYear: number) {
    this.year = firstYear;
  }

  next(): { year: number; week_number: number } {
    this.week += 1;
    if (this.week > 52) {
      this.year += 1;
      this.week = 1;
    }
    return { year: this.year, week_number: this.week };
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP.

type Who = Member | null;

function as(test: request.Test, who: Who): request.Test {
  return who ? test.set(who.auth) : test;
}

/** A body sent exactly as written, as `application/json` (e.g. `{"year": 2025.0}`). */
export class RawJson {
  constructor(readonly text: string) {}
}

function withBody(test: request.Test, body: unknown): request.Test {
  if (body === undefined) return test;
  if (body instanceof RawJson) return test.set('Content-Type', 'application/json').send(body.text);
  return test.send(body as object);
}

/** Every weeks, items and selections route, as `who` (null: no Authorization header). */
export class WeeksClient {
  constructor(private readonly server: Server) {}

  list(who: Who, query = ''): Promise<Response> {
    return as(request(this.server).get(`/api/weeks${query}`), who);
  }

  create(who: Who, body?: unknown): Promise<Response> {
    return withBody(as(request(this.server).post('/api/weeks'), who), body);
  }

  current(who: Who): Promise<Response> {
    return as(request(this.server).get('/api/weeks/current'), who);
  }

  get(who: Who, weekId: number | string): Promise<Response> {
    return as(request(this.server).get(`/api/weeks/${weekId}`), who);
  }

  patch(who: Who, weekId: number | string, body?: unknown): Promise<Response> {
    return withBody(as(request(this.server).patch(`/api/weeks/${weekId}`), who), body);
  }

  remove(who: Who, weekId: number | string): Promise<Response> {
    return as(request(this.server).delete(`/api/weeks/${weekId}`), who);
  }

  addMovie(who: Who, weekId: number | string, body?: unknown): Promise<Response> {
    return withBody(as(request(this.server).post(`/api/weeks/${weekId}/movies`), who), body);
  }

  removeMovie(who: Who, weekId: number | string, position: number | string): Promise<Response> {
    return as(request(this.server).delete(`/api/weeks/${weekId}/movies/${position}`), who);
  }

  addAlbum(who: Who, weekId: number | string, body?: unknown): Promise<Response> {
    return withBody(as(request(this.server).post(`/api/weeks/${weekId}/albums`), who), body);
  }

  removeAlbum(who: Who, weekId: number | string, position: number | string): Promise<Response> {
    return as(request(this.server).delete(`/api/weeks/${weekId}/albums/${position}`), who);
  }

  movieSelections(who: Who, query = ''): Promise<Response> {
    return as(request(this.server).get(`/api/movies/selections${query}`), who);
  }

  albumSelections(who: Who, query = ''): Promise<Response> {
    return as(request(this.server).get(`/api/albums/selections${query}`), who);
  }
}

// ---------------------------------------------------------------------------------------------
// Shapes (contract §5.1, §6.1, §10).

export const WEEK_KEYS = [
  'created_at',
  'id',
  'notes',
  'owner',
  'updated_at',
  'user_id',
  'week_number',
  'year',
];
export const WEEK_DETAIL_KEYS = [...WEEK_KEYS, 'albums', 'movies'].sort();
export const MOVIE_REF_KEYS = [
  'cached_at',
  'id',
  'original_title',
  'overview',
  'poster_path',
  'release_date',
  'title',
  'tmdb_id',
];
export const ALBUM_REF_KEYS = [
  'artist',
  'cached_at',
  'cover_art_url',
  'id',
  'musicbrainz_id',
  'release_date',
  'title',
];
export const SELECTION_KEYS = ['added_at', 'position', 'rating', 'week_id', 'week_number', 'year'];
export const MOVIE_SLOT_KEYS = ['added_at', 'movie', 'position', 'rating', 'verdicts'];
export const ALBUM_SLOT_KEYS = ['added_at', 'album', 'position', 'rating', 'verdicts'];
/** The RatingSummary of nothing rated (opinions.md §1.1). */
export const NO_RATING = { count: 0, average: null, spread: null };
/** What a slot shows of a pick nobody has judged (opinions.md §1.4). */
export const UNJUDGED = { verdicts: [], rating: NO_RATING };

/** The MovieRef the API should show for a stored movie. */
export function movieRef(movie: Movie): Record<string, unknown> {
  return {
    id: movie.id,
    tmdb_id: movie.tmdbId,
    title: movie.title,
    original_title: movie.originalTitle,
    release_date: movie.releaseDate,
    poster_path: movie.posterPath,
    overview: movie.overview,
    cached_at: movie.cachedAt.toISOString(),
  };
}

/** The AlbumRef the API should show for a stored album. */
export function albumRef(album: Album, coverArtUrl: string | null = null): Record<string, unknown> {
  return {
    id: album.id,
    musicbrainz_id: album.musicbrainzId,
    title: album.title,
    artist: album.artist,
    release_date: album.releaseDate,
    cover_art_url: coverArtUrl,
    cached_at: album.cachedAt.toISOString(),
  };
}

/** A contract 422 with one error (§1.4). */
export function invalid(
  field: string | null,
  message: string,
  location: 'body' | 'query' | 'path' = 'body',
): { status: number; body: unknown } {
  return { status: 422, body: { detail: message, errors: [{ field, location, message }] } };
}

/** Any other error: status and `{"detail": …}`. */
export function failure(status: number, detail: string): { status: number; body: unknown } {
  return { status, body: { detail } };
}

/** Every key of the object, sorted: for exact key-set assertions. */
export function keysOf(value: unknown): string[] {
  return Object.keys(value as object).sort();
}

// ---------------------------------------------------------------------------------------------
// Seeding straight into the database (stored catalog items need no upstream call).

let seedCounter = 0;

/** A valid, lowercase UUID that no fixture uses. */
export function seedUuid(n = ++seedCounter): string {
  return `5eed0000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export async function seedMovie(
  dataSource: DataSource,
  fields: Partial<Movie> = {},
): Promise<Movie> {
  seedCounter += 1;
  const title = fields.title ?? `Seeded movie ${seedCounter}`;
  const movie = await dataSource.getRepository(Movie).save({
    tmdbId: 5_000_000 + seedCounter,
    title,
    sortTitle: title.toLowerCase(),
    originalTitle: `${title} (original)`,
    releaseDate: '2001-02-03',
    posterPath: `/poster-${seedCounter}.jpg`,
    backdropPath: null,
    overview: `About ${title}.`,
    runtime: 101,
    voteAverage: 7.5,
    voteCount: 10,
    tagline: null,
    status: 'Released',
    imdbId: null,
    genres: [],
    cachedAt: new Date('2020-01-02T03:04:05.678Z'),
    creditsCachedAt: null,
    ...fields,
  });
  // As the app stores them: the genres as JSON and as rows (for the stats).
  if (movie.genres.length > 0) {
    await dataSource
      .getRepository(MovieGenre)
      .insert(movie.genres.map(({ id, name }) => ({ movieId: movie.id, genreId: id, name })));
  }
  return movie;
}

export async function seedAlbum(
  dataSource: DataSource,
  fields: Partial<Album> = {},
): Promise<Album> {
  seedCounter += 1;
  const title = fields.title ?? `Seeded album ${seedCounter}`;
  return dataSource.getRepository(Album).save({
    musicbrainzId: seedUuid(seedCounter),
    title,
    sortTitle: title.toLowerCase(),
    artist: `Artist ${seedCounter}`,
    releaseDate: '1999-05',
    country: null,
    status: null,
    releaseGroupId: null,
    coverArtSource: 'none',
    cachedAt: new Date('2020-01-02T03:04:05.678Z'),
    ...fields,
  });
}

export async function seedAlias(
  dataSource: DataSource,
  musicbrainzId: string,
  album: Album,
): Promise<void> {
  await dataSource
    .getRepository(AlbumAlias)
    .insert({ musicbrainzId, albumId: album.id, createdAt: new Date('2020-01-01T00:00:00.000Z') });
}

/** A week row as the API would hold it; `userId` null makes it unclaimed. */
export async function seedWeek(
  dataSource: DataSource,
  fields: {
    year: number;
    week_number: number;
    userId: number | null;
    notes?: string | null;
    at?: Date;
  },
): Promise<Week> {
  const at = fields.at ?? new Date('2024-06-01T10:00:00.000Z');
  return dataSource.getRepository(Week).save({
    userId: fields.userId,
    year: fields.year,
    weekNumber: fields.week_number,
    notes: fields.notes ?? null,
    createdAt: at,
    updatedAt: at,
  });
}

export async function seedWeekMovie(
  dataSource: DataSource,
  weekId: number,
  movie: Movie,
  position: number,
  addedAt = new Date('2024-06-01T11:00:00.000Z'),
): Promise<void> {
  await dataSource
    .getRepository(WeekMovie)
    .insert({ weekId, movieId: movie.id, position, addedAt });
}

export async function seedWeekAlbum(
  dataSource: DataSource,
  weekId: number,
  album: Album,
  position: number,
  addedAt = new Date('2024-06-01T11:00:00.000Z'),
): Promise<void> {
  await dataSource
    .getRepository(WeekAlbum)
    .insert({ weekId, albumId: album.id, position, addedAt });
}

/**
 * A big history for query counting: `weeks` weeks (one per ISO week from `firstYear` W01 on),
 * `weeks` movies and albums; week i holds movie/album i at position 1 and i+1 at position 2, so
 * every item is selected twice. Bulk inserts, a handful of statements whatever the size.
 */
export async function seedHistory(
  dataSource: DataSource,
  options: { weeks: number; firstYear: number; userId: number | null },
): Promise<{ weekIds: number[] }> {
  const count = options.weeks;
  const at = new Date('2024-06-01T10:00:00.000Z');
  const base = seedCounter;
  seedCounter += count;
  const movieRows = Array.from({ length: count }, (_, i) => ({
    tmdbId: 6_000_000 + base + i,
    title: `History movie ${String(i).padStart(4, '0')}`,
    sortTitle: `history movie ${String(i).padStart(4, '0')}`,
    originalTitle: null,
    releaseDate: null,
    posterPath: null,
    backdropPath: null,
    overview: null,
    runtime: null,
    voteAverage: 0,
    voteCount: 0,
    tagline: null,
    status: null,
    imdbId: null,
    genres: [],
    cachedAt: at,
    creditsCachedAt: null,
  }));
  const albumRows = Array.from({ length: count }, (_, i) => ({
    musicbrainzId: seedUuid(base + i + 1),
    title: `History album ${String(i).padStart(4, '0')}`,
    sortTitle: `history album ${String(i).padStart(4, '0')}`,
    artist: 'History Band',
    releaseDate: null,
    country: null,
    status: null,
    releaseGroupId: null,
    coverArtSource: 'none',
    cachedAt: at,
  }));
  const weekRows = Array.from({ length: count }, (_, i) => ({
    userId: options.userId,
    year: options.firstYear + Math.floor(i / 52),
    weekNumber: (i % 52) + 1,
    notes: null,
    createdAt: at,
    updatedAt: at,
  }));
  const chunk = 50;
  const save = async <T extends object>(entity: new () => T, rows: object[]) => {
    const saved: { id: number }[] = [];
    for (let i = 0; i < rows.length; i += chunk) {
      const result = await dataSource.getRepository(entity).insert(rows.slice(i, i + chunk));
      saved.push(...(result.identifiers as { id: number }[]));
    }
    return saved.map((row) => row.id);
  };
  const movieIds = await save(Movie, movieRows);
  const albumIds = await save(Album, albumRows);
  const weekIds = await save(Week, weekRows);
  const slots = (itemIds: number[], column: 'movieId' | 'albumId') =>
    weekIds.flatMap((weekId, i) => [
      { weekId, [column]: itemIds[i], position: 1, addedAt: at },
      // One week alone has one item of each kind (the same item cannot fill both positions).
      ...(count > 1
        ? [{ weekId, [column]: itemIds[(i + 1) % count], position: 2, addedAt: at }]
        : []),
    ]);
  await save(WeekMovie, slots(movieIds, 'movieId'));
  await save(WeekAlbum, slots(albumIds, 'albumId'));
  return { weekIds };
}

// ---------------------------------------------------------------------------------------------
// Reading back.

export function weekRow(dataSource: DataSource, id: number): Promise<Week | null> {
  return dataSource.getRepository(Week).findOneBy({ id });
}

export function movieSlotRows(dataSource: DataSource, weekId: number): Promise<WeekMovie[]> {
  return dataSource
    .getRepository(WeekMovie)
    .find({ where: { weekId }, order: { position: 'ASC' } });
}

export function albumSlotRows(dataSource: DataSource, weekId: number): Promise<WeekAlbum[]> {
  return dataSource
    .getRepository(WeekAlbum)
    .find({ where: { weekId }, order: { position: 'ASC' } });
}

/**
 * Every SQL statement run while `work` runs, whatever query runner sends it: TypeORM hands each one
 * to the data source's logger (which decides itself whether to print it) before executing it.
 */
export async function countQueries<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
): Promise<{ result: T; queries: string[] }> {
  const logger = dataSource.logger;
  const original = logger.logQuery;
  const queries: string[] = [];
  logger.logQuery = function (this: unknown, query, parameters, queryRunner) {
    queries.push(query);
    return original.call(this, query, parameters, queryRunner);
  };
  try {
    const result = await work();
    return { result, queries };
  } finally {
    logger.logQuery = original;
  }
}
