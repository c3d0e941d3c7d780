import type { Server } from 'node:http';
import request, { type Response } from 'supertest';
import type { DataSource } from 'typeorm';
import type { Album } from '../../src/albums/entities/album.entity.js';
import type { Movie } from '../../src/movies/entities/movie.entity.js';
import { Verdict } from '../../src/verdicts/entities/verdict.entity.js';
import { RawJson, seedAlbum, seedMovie, type Member, type WeeksClient } from './week-helpers.js';

export type Kind = 'movie' | 'album';
export const KINDS: Kind[] = ['movie', 'album'];

const plural = (kind: Kind) => `${kind}s`;

/** The verdict routes (opinions.md §1.2, §1.3, §1.6), as `who`. */
export class VerdictsClient {
  constructor(private readonly server: Server) {}

  /** `body` undefined sends no body at all; a RawJson is sent as written. */
  put(
    who: Member | null,
    weekId: number | string,
    kind: Kind,
    position: number | string,
    body?: unknown,
  ): Promise<Response> {
    let test = request(this.server).put(`/api/weeks/${weekId}/${plural(kind)}/${position}/verdict`);
    if (who) test = test.set(who.auth);
    if (body instanceof RawJson)
      return test.set('Content-Type', 'application/json').send(body.text);
    return body === undefined ? test : test.send(body as object);
  }

  remove(
    who: Member | null,
    weekId: number | string,
    kind: Kind,
    position: number | string,
  ): Promise<Response> {
    const test = request(this.server).delete(
      `/api/weeks/${weekId}/${plural(kind)}/${position}/verdict`,
    );
    return who ? test.set(who.auth) : test;
  }

  diary(who: Member | null, userId: number | string, query = ''): Promise<Response> {
    const test = request(this.server).get(`/api/users/${userId}/verdicts${query}`);
    return who ? test.set(who.auth) : test;
  }
}

/** The Verdict the API should show (opinions.md §1.1); `fields` overrides the defaults. */
export function verdictBody(
  who: Member,
  at: string,
  fields: Partial<{
    rating: number | null;
    review: string | null;
    spoiler: boolean;
    consumed_on: string | null;
    updated_at: string;
  }> = {},
): Record<string, unknown> {
  return {
    user: { id: who.id, username: who.username },
    rating: null,
    review: null,
    spoiler: false,
    consumed_on: null,
    created_at: at,
    updated_at: at,
    ...fields,
  };
}

export const VERDICT_KEYS = [
  'consumed_on',
  'created_at',
  'rating',
  'review',
  'spoiler',
  'updated_at',
  'user',
];

export interface JudgeableWeek {
  id: number;
  year: number;
  week_number: number;
  /** By position: movies[0] is at position 1. */
  movies: Movie[];
  albums: Album[];
}

/**
 * A week owned by `owner` (created through the API) with stored movies and albums added through
 * the API in positions 1.., so no upstream is called.
 */
export async function judgeableWeek(
  dataSource: DataSource,
  api: WeeksClient,
  owner: Member,
  week: { year: number; week_number: number },
  counts: { movies?: number; albums?: number } = { movies: 2, albums: 2 },
): Promise<JudgeableWeek> {
  const created = await api.create(owner, week);
  expect(created.status).toBe(201);
  const id = created.body.id as number;
  const movies: Movie[] = [];
  const albums: Album[] = [];
  for (let position = 1; position <= (counts.movies ?? 0); position++) {
    const movie = await seedMovie(dataSource);
    expect((await api.addMovie(owner, id, { tmdb_id: movie.tmdbId, position })).status).toBe(201);
    movies.push(movie);
  }
  for (let position = 1; position <= (counts.albums ?? 0); position++) {
    const album = await seedAlbum(dataSource);
    const added = await api.addAlbum(owner, id, { musicbrainz_id: album.musicbrainzId, position });
    expect(added.status).toBe(201);
    albums.push(album);
  }
  return { id, ...week, movies, albums };
}

/** Every stored verdict, oldest id first, to show what a request left behind. */
export function verdictRows(dataSource: DataSource): Promise<Verdict[]> {
  return dataSource.getRepository(Verdict).find({ order: { id: 'ASC' } });
}
