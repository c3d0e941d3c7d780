import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import pLimit from 'p-limit';
import { DataSource, In, Repository } from 'typeorm';
import { CatalogCache } from '../cache/catalog-cache.js';
import { TmdbClient } from '../catalog/tmdb/tmdb.client.js';
import { UpstreamError } from '../catalog/upstream/upstream-error.js';
import { Clock } from '../common/clock.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { Movie } from '../movies/entities/movie.entity.js';
import { WeekMovie } from '../weeks/entities/week-movie.entity.js';
import { MovieRecommendations } from './entities/movie-recommendations.entity.js';
import { rankMovies, type RankedMovie } from './scoring.js';
import { topSeeds, type Seed } from './seeds.js';

/** At most this many TMDB calls at a time for one request (recommendations.md §2). */
export const TMDB_FETCHES_AT_ONCE = 4;

export interface Recommended<T> {
  results: T[];
  seeds: number;
  pendingSeeds: number;
}

/**
 * GET /api/recommendations/movies (recommendations.md §2). Each seed's TMDB recommendations are
 * stored and read through (CATALOG_TTL, stale on failure, one flight per seed); a seed whose list
 * can be had neither from storage nor from TMDB is skipped and counted as pending, and the reply
 * is still 200. With every list stored: three queries and no upstream call.
 */
@Injectable()
export class MovieRecommendationsService {
  private readonly logger = new Logger(MovieRecommendationsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly tmdb: TmdbClient,
    private readonly cache: CatalogCache,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
    @InjectRepository(MovieRecommendations)
    private readonly lists: Repository<MovieRecommendations>,
  ) {}

  async recommend(limit: number): Promise<Recommended<RankedMovie>> {
    const seeds = await topSeeds(this.dataSource, 'movie');
    if (seeds.length === 0) return { results: [], seeds: 0, pendingSeeds: 0 };
    const [stored, picked] = await Promise.all([
      this.lists.findBy({ movieId: In(seeds.map((seed) => seed.id)) }),
      this.pickedTmdbIds(),
    ]);
    const listOf = new Map(stored.map((list) => [list.movieId, list]));
    const outdated = seeds.filter(
      (seed) => !this.cache.isFresh(listOf.get(seed.id)?.cachedAt ?? null),
    );
    const atOnce = pLimit(TMDB_FETCHES_AT_ONCE);
    await Promise.all(
      outdated.map((seed) =>
        atOnce(async () => {
          const list = await this.refreshed(seed, listOf.get(seed.id) ?? null);
          if (list) listOf.set(seed.id, list);
        }),
      ),
    );
    return {
      results: rankMovies(seeds, (seed) => listOf.get(seed.id)?.results, picked, limit),
      seeds: seeds.length,
      pendingSeeds: seeds.filter((seed) => !listOf.has(seed.id)).length,
    };
  }

  /**
   * The seed's list fetched and stored, or the stored one when TMDB fails (however old), or null
   * when there is neither. Without TMDB_API_KEY nothing is fetched: the stored list is used.
   */
  private async refreshed(
    seed: Seed,
    stored: MovieRecommendations | null,
  ): Promise<MovieRecommendations | null> {
    if (!this.tmdb.isConfigured) return stored;
    const tmdbId = seed.externalId as number;
    try {
      const { value } = await this.cache.readThrough({
        key: `tmdb-recommendations:${tmdbId}`,
        stored: () => Promise.resolve(stored),
        fetchedAt: (list) => list.cachedAt,
        fetch: () => this.fetchList(seed.id, tmdbId),
      });
      return value;
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      this.logger.warn(`Recommendations of movie ${tmdbId} pending: ${error.failure}`);
      return null;
    }
  }

  private async fetchList(movieId: number, tmdbId: number): Promise<MovieRecommendations> {
    const list = {
      movieId,
      results: await this.tmdb.movieRecommendations(tmdbId),
      cachedAt: this.clock.now(),
    };
    await this.transactions.run(['catalog'], (manager) =>
      manager.upsert(MovieRecommendations, list, ['movieId']),
    );
    return list;
  }

  /** The TMDB ids of every movie in a week now. */
  private async pickedTmdbIds(): Promise<Set<number>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('DISTINCT movie.tmdb_id', 'tmdb_id')
      .from(WeekMovie, 'pick')
      .innerJoin(Movie, 'movie', 'movie.id = pick.movie_id')
      .getRawMany<{ tmdb_id: number | string }>();
    return new Set(rows.map((row) => Number(row.tmdb_id)));
  }
}
