import request, { type Response } from 'supertest';
import { IsNull, type DataSource } from 'typeorm';
import { AlbumArtist } from '../../src/albums/entities/album-artist.entity.js';
import type { Album } from '../../src/albums/entities/album.entity.js';
import { Artist } from '../../src/albums/entities/artist.entity.js';
import type { MovieRecommendation, ReleaseGroupData } from '../../src/catalog/catalog.types.js';
import { Movie } from '../../src/movies/entities/movie.entity.js';
import { ArtistReleaseGroups } from '../../src/recommendations/entities/artist-release-groups.entity.js';
import { MovieRecommendations } from '../../src/recommendations/entities/movie-recommendations.entity.js';
import {
  DEFAULT_SETTINGS,
  FakeUpstream,
  type FakeUpstreamSettings,
} from '../fake-upstream/fake-upstream.js';
import { startAlbumApp } from './album-helpers.js';
import { expectValidationError } from './auth-helpers.js';
import type { FakeClock } from './fake-clock.js';
import type { TestApp } from './test-app.js';
import { member, seedAlbum, WeekPicker, WeeksClient, type Member } from './week-helpers.js';
import { VerdictsClient } from './verdict-helpers.js';

/** The app under test, wired to the fake upstream, and a club of three members who pick and rate. */
export interface ClubApp {
  t: TestApp;
  clock: FakeClock;
  club: Club;
  close(): Promise<void>;
}

/**
 * One fake upstream for a spec file, cleared before each test (log, faults, and its settings back
 * to DEFAULT_SETTINGS plus `settings`), and `app()`: an app of the album tests' kind
 * (startAlbumApp: no MusicBrainz pacing unless `env` says so, a 300 ms upstream timeout, a
 * FakeClock) with a club, closed after the test.
 */
export function useClubApps(settings: Partial<FakeUpstreamSettings> = {}): {
  readonly fake: FakeUpstream;
  app(env?: Record<string, string | undefined>): Promise<ClubApp>;
} {
  let fake: FakeUpstream | undefined;
  const apps: ClubApp[] = [];
  beforeAll(async () => {
    fake = await FakeUpstream.start();
  });
  beforeEach(() => {
    fake!.clear();
    Object.assign(fake!.settings, DEFAULT_SETTINGS, settings);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((started) => started.close()));
  });
  afterAll(async () => {
    await fake?.stop();
  });
  return {
    get fake() {
      return fake!;
    },
    async app(env = {}) {
      const started = await startClubApp(fake!, env);
      apps.push(started);
      return started;
    },
  };
}

export async function startClubApp(
  fake: FakeUpstream,
  env: Record<string, string | undefined> = {},
): Promise<ClubApp> {
  const { t, clock, close } = await startAlbumApp(fake, env);
  return { t, clock, club: await Club.start(t), close };
}

/**
 * Three members (alice owns every week) who pick stored items through the API, each in a week of
 * its own and newer than the last, and rate them.
 */
export class Club {
  private readonly weeks = new WeekPicker(2024);
  readonly api: WeeksClient;
  readonly verdicts: VerdictsClient;

  private constructor(
    private readonly t: TestApp,
    readonly members: Member[],
  ) {
    this.api = new WeeksClient(t.server);
    this.verdicts = new VerdictsClient(t.server);
  }

  static async start(t: TestApp): Promise<Club> {
    const members = [];
    for (const name of ['alice', 'bob', 'carol']) members.push(await member(t.server, name));
    return new Club(t, members);
  }

  get alice(): Member {
    return this.members[0];
  }

  /** A new week with `items` in positions 1 and 2; returns its id. */
  async newWeek(): Promise<number> {
    const created = await this.api.create(this.alice, this.weeks.next());
    expect(created.status).toBe(201);
    return created.body.id as number;
  }

  /**
   * Picks `movie` (position 1 of a new week, unless `into` names a week and a position) and has
   * member i give `ratings[i]`; null is a review without a rating. Returns the week id.
   */
  async pickMovie(
    movie: Movie,
    ratings: (number | null)[] = [],
    into?: { weekId: number; position: number },
  ): Promise<number> {
    const { weekId, position } = into ?? { weekId: await this.newWeek(), position: 1 };
    // Stored with its credits, as every movie added since opinions.md §2.4: the add then asks TMDB
    // for nothing, and the upstream calls these suites count are the recommendations' alone.
    await this.t.dataSource
      .getRepository(Movie)
      .update({ id: movie.id, creditsCachedAt: IsNull() }, { creditsCachedAt: movie.cachedAt });
    const added = await this.api.addMovie(this.alice, weekId, { tmdb_id: movie.tmdbId, position });
    expect(added.status).toBe(201);
    await this.rate(weekId, 'movie', position, ratings);
    return weekId;
  }

  /** As pickMovie, for a stored album. */
  async pickAlbum(
    album: Album,
    ratings: (number | null)[] = [],
    into?: { weekId: number; position: number },
  ): Promise<number> {
    const { weekId, position } = into ?? { weekId: await this.newWeek(), position: 1 };
    const added = await this.api.addAlbum(this.alice, weekId, {
      musicbrainz_id: album.musicbrainzId,
      position,
    });
    expect(added.status).toBe(201);
    await this.rate(weekId, 'album', position, ratings);
    return weekId;
  }

  private async rate(
    weekId: number,
    kind: 'movie' | 'album',
    position: number,
    ratings: (number | null)[],
  ): Promise<void> {
    for (const [i, rating] of ratings.entries()) {
      const body = rating === null ? { review: 'No number for this one.' } : { rating };
      const put = await this.verdicts.put(this.members[i], weekId, kind, position, body);
      expect(put.status).toBe(201);
    }
  }

  movies(query = ''): Promise<Response> {
    return as(request(this.t.server).get(`/api/recommendations/movies${query}`), this.alice);
  }

  albums(query = ''): Promise<Response> {
    return as(request(this.t.server).get(`/api/recommendations/albums${query}`), this.alice);
  }
}

function as(test: request.Test, who: Member): Promise<Response> {
  return test.set(who.auth).then((res) => res);
}

/** Stores a hand-built recommendations list for a movie, fetched at `cachedAt`. */
export async function storeMovieList(
  dataSource: DataSource,
  movie: Movie,
  results: MovieRecommendation[],
  cachedAt: Date,
): Promise<void> {
  await dataSource
    .getRepository(MovieRecommendations)
    .save({ movieId: movie.id, results, cachedAt });
}

/** A recommendation entry; unset fields get plain values. */
export function recommendation(
  tmdbId: number,
  fields: Partial<MovieRecommendation> = {},
): MovieRecommendation {
  return {
    tmdbId,
    title: `Recommended ${tmdbId}`,
    releaseDate: '2001-01-01',
    posterPath: `/rec${tmdbId}.jpg`,
    voteAverage: 5,
    ...fields,
  };
}

/** An artist row, as an album lookup would have stored it. */
export async function seedArtist(
  dataSource: DataSource,
  musicbrainzId: string,
  name: string,
): Promise<Artist> {
  return dataSource.getRepository(Artist).save({
    musicbrainzId,
    name,
    sortName: name,
    disambiguation: null,
    artistType: null,
    country: null,
    updatedAt: new Date('2020-01-02T03:04:05.678Z'),
  });
}

/** A stored album credited to `artists`, in that order (no upstream call needed to pick it). */
export async function seedCreditedAlbum(
  dataSource: DataSource,
  artists: Artist[],
  fields: Partial<Album> = {},
): Promise<Album> {
  const album = await seedAlbum(dataSource, {
    artist: artists.map((artist) => artist.name).join(' & '),
    ...fields,
  });
  await dataSource.getRepository(AlbumArtist).insert(
    artists.map((artist, creditOrder) => ({
      albumId: album.id,
      artistId: artist.id,
      creditedName: artist.name,
      joinPhrase: creditOrder < artists.length - 1 ? ' & ' : null,
      creditOrder,
    })),
  );
  return album;
}

/** Stores a hand-built release-group list for an artist, fetched at `cachedAt`. */
export async function storeReleaseGroups(
  dataSource: DataSource,
  artist: Artist,
  releaseGroups: ReleaseGroupData[],
  cachedAt: Date,
): Promise<void> {
  await dataSource
    .getRepository(ArtistReleaseGroups)
    .save({ artistId: artist.id, releaseGroups, cachedAt });
}

/** A release group credited to `artists`; unset fields make it a plain album. */
export function releaseGroup(
  releaseGroupId: string,
  artists: Artist[],
  fields: Partial<ReleaseGroupData> = {},
): ReleaseGroupData {
  return {
    releaseGroupId,
    title: `Group ${releaseGroupId.slice(-4)}`,
    primaryType: 'Album',
    secondaryTypes: [],
    firstReleaseDate: '2000',
    artist: artists.map((artist) => artist.name).join(' & '),
    artistIds: artists.map((artist) => artist.musicbrainzId),
    ...fields,
  };
}

/** `limit` outside 1–50, or not an integer, is a 422 on `limit` (contract §1.4). */
export async function expectLimitRefused(get: (query: string) => Promise<Response>): Promise<void> {
  for (const limit of ['0', '51', '-1']) {
    const res = await get(`?limit=${limit}`);
    expectValidationError(res, ['limit'], 'query');
    expect(res.body.detail).toBe('limit must be between 1 and 50');
  }
  for (const query of ['?limit=ten', '?limit=1.5', '?limit=1&limit=2']) {
    expectValidationError(await get(query), ['limit'], 'query');
  }
}
