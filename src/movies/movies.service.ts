import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository, type EntityManager } from 'typeorm';
import { errorDetail } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { INSERT_CHUNK, insertChunked } from '../database/insert-chunked.js';
import { isoTimestampReader } from '../database/compiled-query.js';
import { SelectedItems, type SelectedItemsPage } from '../database/selected-items.js';
import { StatsYears } from '../database/stats-years.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { CatalogCache, type Cached } from '../cache/catalog-cache.js';
import type {
  MovieCreditsData,
  MovieData,
  MovieSearchPage,
  PersonCredit,
} from '../catalog/catalog.types.js';
import { MovieCast } from './entities/movie-cast.entity.js';
import { MovieCrew } from './entities/movie-crew.entity.js';
import { MovieGenre } from './entities/movie-genre.entity.js';
import { Movie, type Genre } from './entities/movie.entity.js';
import { Person } from './entities/person.entity.js';
import { TmdbClient } from '../catalog/tmdb/tmdb.client.js';
import { movieRefOfRow, selectMovieRef, type MovieRefRow } from './dto/movie-ref-row.js';
import type { MovieRefDto } from './dto/movie-responses.dto.js';

export interface MovieCredits {
  cast: MovieCast[];
  crew: MovieCrew[];
}

const movieKey = (tmdbId: number) => `tmdb-movie:${tmdbId}`;

/** Movies as stored: read through to TMDB when missing or older than CATALOG_TTL (upstream.md §5). */
@Injectable()
export class MoviesService {
  private readonly logger = new Logger(MoviesService.name);
  /** Picks name their movie by id; the selections listing walks them from the movie side. */
  private readonly selected: SelectedItems<MovieRefRow, MovieRefDto>;

  constructor(
    private readonly tmdb: TmdbClient,
    private readonly cache: CatalogCache,
    private readonly transactions: TransactionRunner,
    dataSource: DataSource,
    private readonly clock: Clock,
    @InjectRepository(Movie) private readonly movies: Repository<Movie>,
    @InjectRepository(MovieCast) private readonly cast: Repository<MovieCast>,
    @InjectRepository(MovieCrew) private readonly crew: Repository<MovieCrew>,
  ) {
    const cachedAt = isoTimestampReader(dataSource, Movie, 'cachedAt');
    this.selected = new SelectedItems(dataSource, {
      kind: 'movie',
      itemEntity: Movie,
      selectItem: selectMovieRef,
      toRef: (row) => movieRefOfRow(row, cachedAt),
    });
  }

  search(query: string, page: number, year: number | null): Promise<MovieSearchPage> {
    return this.tmdb.searchMovies(query, page, year);
  }

  /** Every movie picked in some week, with its weeks (contract §10). */
  selections(page: number, pageSize: number): Promise<SelectedItemsPage<MovieRefDto>> {
    return this.selected.page(page, pageSize);
  }

  details(tmdbId: number): Promise<Cached<Movie>> {
    return this.cache.readThrough({
      key: movieKey(tmdbId),
      stored: () => this.movies.findOneBy({ tmdbId }),
      fetchedAt: (movie) => movie.cachedAt,
      fetch: () => this.fetchMovie(tmdbId),
    });
  }

  /** The stored movie however old, else fetched (details only). */
  private async storedOrFetched(tmdbId: number): Promise<Movie> {
    const stored = await this.movies.findOneBy({ tmdbId });
    return stored ?? this.cache.fetchOnce(movieKey(tmdbId), () => this.fetchMovie(tmdbId));
  }

  /**
   * What adding a movie to a week needs (opinions.md §2.4): the stored movie however old, else
   * fetched with its credits in one call. Credits still missing are fetched now, so that the stats
   * know its directors; a failure there is logged, does not fail the add, and leaves the credits to
   * the next credits request.
   */
  async forPick(tmdbId: number): Promise<Movie> {
    const movie =
      (await this.movies.findOneBy({ tmdbId })) ??
      (await this.cache.fetchOnce(movieKey(tmdbId), () => this.fetchMovie(tmdbId, true)));
    if (movie.creditsCachedAt === null) {
      try {
        await this.storedCredits(movie);
      } catch (error) {
        this.logger.warn(`Picked movie ${tmdbId} stored without credits: ${errorDetail(error)}`);
      }
    }
    return movie;
  }

  /** The complete cast and key crew are stored once; every `limit` is then served from storage. */
  async credits(tmdbId: number, limit: number): Promise<Cached<MovieCredits>> {
    const movie = await this.storedOrFetched(tmdbId);
    const { cached } = await this.storedCredits(movie);
    const [cast, crew] = await Promise.all([
      this.cast.find({
        where: { movieId: movie.id },
        relations: { person: true },
        order: { billingOrder: 'ASC', listIndex: 'ASC' },
        take: limit,
      }),
      this.crew.find({
        where: { movieId: movie.id },
        relations: { person: true },
        order: { listIndex: 'ASC' },
        take: limit,
      }),
    ]);
    return { value: { cast, crew }, cached };
  }

  /** The movie once its credits are stored and fresh: read through to TMDB when they are not. */
  storedCredits(movie: Movie): Promise<Cached<Movie>> {
    return this.cache.readThrough({
      key: `tmdb-credits:${movie.tmdbId}`,
      stored: async () => {
        const current = await this.movies.findOneBy({ id: movie.id });
        return current?.creditsCachedAt ? current : null;
      },
      fetchedAt: (current) => current.creditsCachedAt,
      fetch: async () => this.storeCredits(movie.id, await this.tmdb.movieCredits(movie.tmdbId)),
    });
  }

  /** Details, and with `withCredits` the credits from the same TMDB call (upstream.md §2.2). */
  private async fetchMovie(tmdbId: number, withCredits = false): Promise<Movie> {
    const { movie: data, credits } = withCredits
      ? await this.tmdb.movieWithCredits(tmdbId)
      : { movie: await this.tmdb.movieDetails(tmdbId), credits: null };
    const now = this.clock.now();
    return this.transactions.run(['catalog'], async (manager) => {
      const columns = movieColumns(data, now);
      const existing = await manager.findOneBy(Movie, { tmdbId: data.tmdbId });
      let id: number;
      if (existing) {
        await manager.update(Movie, { id: existing.id }, columns);
        id = existing.id;
      } else {
        ({ id } = await manager.save(manager.create(Movie, { ...columns, creditsCachedAt: null })));
      }
      await replaceMovieGenres(manager, id, data.genres);
      if (credits) await replaceMovieCredits(manager, id, credits, now);
      // Last: the years it is picked in are read as late as possible, so that a pick of it
      // committed meanwhile (on PostgreSQL) is among them.
      await StatsYears.ofItems(manager, 'movie', [id]);
      return manager.findOneByOrFail(Movie, { id });
    });
  }

  private storeCredits(movieId: number, credits: MovieCreditsData): Promise<Movie> {
    const now = this.clock.now();
    return this.transactions.run(['catalog'], async (manager) => {
      await replaceMovieCredits(manager, movieId, credits, now);
      await StatsYears.ofItems(manager, 'movie', [movieId]);
      return manager.findOneByOrFail(Movie, { id: movieId });
    });
  }
}

/**
 * Replaces a stored movie's genre rows (`movie_genres`, what the stats count) with `genres`, a
 * repeated id kept once, inside the caller's transaction; whatever stores a movie's genres calls it.
 */
export async function replaceMovieGenres(
  manager: EntityManager,
  movieId: number,
  genres: Genre[],
): Promise<void> {
  await manager.delete(MovieGenre, { movieId });
  const unique = new Map(genres.map((genre) => [genre.id, genre]));
  await insertChunked(
    manager,
    MovieGenre,
    [...unique.values()].map(({ id, name }) => ({ movieId, genreId: id, name })),
  );
}

/**
 * Replaces a stored movie's cast and key crew with `credits`, fetched (or exported) at `at`, inside
 * the caller's transaction; the import of an export (export/) writes credits through here too.
 */
export async function replaceMovieCredits(
  manager: EntityManager,
  movieId: number,
  credits: MovieCreditsData,
  at: Date,
): Promise<void> {
  const personIds = await upsertPeople(manager, [...credits.cast, ...credits.crew], at);
  await manager.delete(MovieCast, { movieId });
  await manager.delete(MovieCrew, { movieId });
  const credited = ({ tmdbId, listIndex }: PersonCredit) => ({
    movieId,
    personId: personIds.get(tmdbId)!,
    listIndex,
  });
  await insertChunked(
    manager,
    MovieCast,
    credits.cast.map((entry) => ({
      ...credited(entry),
      character: entry.character,
      billingOrder: entry.order,
    })),
  );
  await insertChunked(
    manager,
    MovieCrew,
    credits.crew.map((entry) => ({
      ...credited(entry),
      department: entry.department,
      job: entry.job,
    })),
  );
  await manager.update(Movie, { id: movieId }, { creditsCachedAt: at });
}

/** The stored columns of a movie fetched (or exported) at `now`. */
export function movieColumns(data: MovieData, now: Date): Partial<Movie> {
  return {
    tmdbId: data.tmdbId,
    title: data.title,
    sortTitle: data.title.toLowerCase(),
    originalTitle: data.originalTitle,
    releaseDate: data.releaseDate,
    posterPath: data.posterPath,
    backdropPath: data.backdropPath,
    overview: data.overview,
    runtime: data.runtime,
    voteAverage: data.voteAverage,
    voteCount: data.voteCount,
    tagline: data.tagline,
    status: data.status,
    imdbId: data.imdbId,
    genres: data.genres,
    cachedAt: now,
  };
}

/**
 * Inserts unknown people and refreshes the name and picture of known ones (they change upstream).
 * Returns tmdb id → our id. INSERT … OR IGNORE keeps a concurrent insert of the same person harmless.
 */
async function upsertPeople(
  manager: EntityManager,
  credits: PersonCredit[],
  now: Date,
): Promise<Map<number, number>> {
  const latest = new Map<number, PersonCredit>();
  for (const credit of credits) latest.set(credit.tmdbId, credit);
  const tmdbIds = [...latest.keys()];
  const ids = new Map<number, number>();
  for (let i = 0; i < tmdbIds.length; i += INSERT_CHUNK) {
    const chunk = tmdbIds.slice(i, i + INSERT_CHUNK);
    const existing = await manager.findBy(Person, { tmdbId: In(chunk) });
    for (const person of existing) {
      const credit = latest.get(person.tmdbId)!;
      if (person.name !== credit.name || person.profilePath !== credit.profilePath) {
        await manager.update(
          Person,
          { id: person.id },
          { name: credit.name, profilePath: credit.profilePath, updatedAt: now },
        );
      }
    }
    const known = new Set(existing.map((person) => person.tmdbId));
    const missing = chunk.filter((tmdbId) => !known.has(tmdbId));
    if (missing.length > 0) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(Person)
        .values(
          missing.map((tmdbId) => ({
            tmdbId,
            name: latest.get(tmdbId)!.name,
            profilePath: latest.get(tmdbId)!.profilePath,
            updatedAt: now,
          })),
        )
        .orIgnore()
        .execute();
    }
    for (const person of await manager.findBy(Person, { tmdbId: In(chunk) })) {
      ids.set(person.tmdbId, person.id);
    }
  }
  return ids;
}
