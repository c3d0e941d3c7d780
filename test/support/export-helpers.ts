import type { Server } from 'node:http';
import request, { type Response } from 'supertest';
import type { DataSource } from 'typeorm';
import { AlbumArtist } from '../../src/albums/entities/album-artist.entity.js';
import type { Album } from '../../src/albums/entities/album.entity.js';
import { Artist } from '../../src/albums/entities/artist.entity.js';
import { ReadSnapshots, type ReadSnapshot } from '../../src/database/read-snapshot.js';
import { MovieCast } from '../../src/movies/entities/movie-cast.entity.js';
import { MovieCrew } from '../../src/movies/entities/movie-crew.entity.js';
import { Movie } from '../../src/movies/entities/movie.entity.js';
import { Person } from '../../src/movies/entities/person.entity.js';
import type { FakeClock } from './fake-clock.js';
import type { TestApp } from './test-app.js';
import { VerdictsClient } from './verdict-helpers.js';
import { member, seedAlbum, seedMovie, type Member, WeeksClient } from './week-helpers.js';

/** The three export routes (portability.md §1), as `who`, with the raw bytes of the reply. */
export class ExportClient {
  constructor(private readonly server: Server) {}

  json(who: Member | null): Promise<Response & { bytes: Buffer }> {
    return this.get('/api/export.json', who);
  }

  picks(who: Member | null): Promise<Response & { bytes: Buffer }> {
    return this.get('/api/export/picks.csv', who);
  }

  letterboxd(who: Member | null): Promise<Response & { bytes: Buffer }> {
    return this.get('/api/export/letterboxd.csv', who);
  }

  private async get(path: string, who: Member | null): Promise<Response & { bytes: Buffer }> {
    let test = request(this.server)
      .get(path)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    if (who) test = test.set(who.auth);
    const res = await test;
    return Object.assign(res, { bytes: res.body as Buffer });
  }
}

/** Text that CSV must quote, and cells a spreadsheet would run as formulas. */
export const TRICKY = {
  title: 'Commas, "quotes"\nand a newline',
  formulaTitle: '=HYPERLINK("http://x","y")',
  review: 'Loved it, "mostly".\r\nSecond line',
  formulaReview: '-1+1 said the critic',
  notes: 'Notes, with "quotes"\nand lines',
};

export interface History {
  alice: Member;
  bob: Member;
  carol: Member;
  /** By title: what was picked. */
  movies: Movie[];
  albums: Album[];
}

/**
 * A small but complete history, through the API where it can be: three members, weeks of two
 * owners and an unclaimed one (created out of order), picks in both positions, verdicts by several
 * members (two at the same instant), stored movie credits and album credits, and text that CSV must
 * quote or guard. The clock moves a minute between writes.
 */
export async function populateHistory(t: TestApp, clock: FakeClock): Promise<History> {
  const api = new WeeksClient(t.server);
  const verdicts = new VerdictsClient(t.server);
  const tick = () => clock.advance(60_000);
  const alice = await member(t.server, 'alice');
  const bob = await member(t.server, 'bob');
  const carol = await member(t.server, 'carol');
  const cachedAt = clock.now();
  const movies = [
    await seedMovie(t.dataSource, { title: TRICKY.title, cachedAt, releaseDate: '1999-10-15' }),
    await seedMovie(t.dataSource, { title: TRICKY.formulaTitle, cachedAt, releaseDate: null }),
    await seedMovie(t.dataSource, {
      title: 'Plain',
      cachedAt,
      backdropPath: '/backdrop.jpg',
      genres: [{ id: 18, name: 'Drama' }],
    }),
  ];
  const albums = [
    await seedAlbum(t.dataSource, { title: '@home', artist: '+Plus', cachedAt }),
    await seedAlbum(t.dataSource, {
      title: 'Covered',
      cachedAt,
      releaseGroupId: '5eed0000-0000-4000-8000-00000000abcd',
      coverArtSource: 'release-group',
    }),
  ];
  await seedCredits(t.dataSource, movies[0], albums[0], clock.now());

  const week = async (owner: Member, year: number, week_number: number, notes: string | null) => {
    tick();
    const res = await api.create(owner, { year, week_number, notes });
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  const add = async (
    who: Member,
    weekId: number,
    kind: 'movie' | 'album',
    item: number | string,
    position: number,
  ) => {
    tick();
    const res =
      kind === 'movie'
        ? await api.addMovie(who, weekId, { tmdb_id: item, position })
        : await api.addAlbum(who, weekId, { musicbrainz_id: item, position });
    expect(res.status).toBe(201);
  };
  const judge = async (
    who: Member,
    weekId: number,
    kind: 'movie' | 'album',
    position: number,
    body: object,
  ) => expect((await verdicts.put(who, weekId, kind, position, body)).status).toBe(201);

  const later = await week(bob, 2025, 10, null);
  const first = await week(alice, 2025, 3, TRICKY.notes);
  await add(alice, first, 'movie', movies[0].tmdbId, 2);
  await add(alice, first, 'movie', movies[1].tmdbId, 1);
  await add(alice, first, 'album', albums[0].musicbrainzId, 1);
  await add(bob, later, 'movie', movies[2].tmdbId, 1);
  await add(bob, later, 'movie', movies[0].tmdbId, 2);
  await add(bob, later, 'album', albums[1].musicbrainzId, 2);
  // An unclaimed week: the current one, created by a read.
  tick();
  expect((await api.current(carol)).status).toBe(200);

  tick();
  // Same instant: ordered by username, whoever wrote first.
  await judge(bob, first, 'movie', 2, {
    rating: 7,
    review: TRICKY.review,
    consumed_on: '2025-01-20',
  });
  await judge(alice, first, 'movie', 2, { rating: 9, spoiler: true });
  tick();
  await judge(carol, first, 'movie', 2, { rating: 4, review: TRICKY.formulaReview });
  await judge(bob, first, 'movie', 1, { review: '=SUM(A1:A9)' });
  await judge(bob, first, 'album', 1, { rating: 6 });
  tick();
  await judge(bob, later, 'movie', 2, { rating: 8, consumed_on: '2025-03-09' });
  await judge(alice, later, 'movie', 1, { rating: 5 });
  await judge(carol, later, 'album', 2, { review: 'Just words' });
  tick();
  return { alice, bob, carol, movies, albums };
}

/** Stored credits: a cast and crew for the movie (one person in both), an artist credit for the album. */
async function seedCredits(dataSource: DataSource, movie: Movie, album: Album, at: Date) {
  const people = await dataSource.getRepository(Person).save([
    { tmdbId: 7001, name: 'Ana "The" Actor', profilePath: '/ana.jpg', updatedAt: at },
    { tmdbId: 7002, name: 'Dee Rector', profilePath: null, updatedAt: at },
  ]);
  await dataSource.getRepository(MovieCast).insert([
    {
      movieId: movie.id,
      personId: people[0].id,
      character: 'Herself, mostly',
      billingOrder: 0,
      listIndex: 0,
    },
    { movieId: movie.id, personId: people[1].id, character: null, billingOrder: 1, listIndex: 1 },
  ]);
  await dataSource.getRepository(MovieCrew).insert([
    {
      movieId: movie.id,
      personId: people[1].id,
      department: 'Directing',
      job: 'Director',
      listIndex: 0,
    },
    {
      movieId: movie.id,
      personId: people[0].id,
      department: 'Writing',
      job: 'Screenplay',
      listIndex: 1,
    },
  ]);
  await dataSource.getRepository(Movie).update({ id: movie.id }, { creditsCachedAt: at });
  const [artist] = await dataSource.getRepository(Artist).save([
    {
      musicbrainzId: '5eed0000-0000-4000-8000-00000000a001',
      name: 'Plus',
      sortName: 'Plus',
      disambiguation: null,
      artistType: 'Group',
      country: 'GB',
      updatedAt: at,
    },
  ]);
  await dataSource.getRepository(AlbumArtist).insert({
    albumId: album.id,
    artistId: artist.id,
    creditedName: '+Plus',
    joinPhrase: null,
    creditOrder: 0,
  });
}

/** A JSON export without its `exported_at`, the one part that differs between two exports. */
export function withoutExportedAt(text: string): unknown {
  return { ...(JSON.parse(text) as Record<string, unknown>), exported_at: undefined };
}

/**
 * The app's ReadSnapshots, except that the export `holdNext()` arms stops just before it reads its
 * second batch of weeks, until the test calls `resume()`: an export held half-way, on its real
 * snapshot, while the test writes through the API.
 */
export class HeldSnapshots extends ReadSnapshots {
  private armed: { held: () => void; released: Promise<void> } | undefined;
  private release = () => {};

  /** Settles once the next export is held. */
  holdNext(): Promise<void> {
    const released = new Promise<void>((resolve) => (this.release = resolve));
    return new Promise<void>((held) => (this.armed = { held, released }));
  }

  resume(): void {
    this.release();
  }

  override async open(): Promise<ReadSnapshot> {
    const snapshot = await super.open();
    const armed = this.armed;
    this.armed = undefined;
    if (!armed) return snapshot;
    let weekReads = 0;
    return {
      query: async (sql, parameters) => {
        if (/FROM "weeks"/.test(sql) && ++weekReads === 2) {
          armed.held();
          await armed.released;
        }
        return snapshot.query(sql, parameters);
      },
      release: () => snapshot.release(),
    };
  }
}
