import { Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import { DataSource } from 'typeorm';
import { errorDetail } from '../common/api-error.js';
import { TmdbClient } from '../catalog/tmdb/tmdb.client.js';
import { UpstreamError } from '../catalog/upstream/upstream-error.js';
import { Movie } from '../movies/entities/movie.entity.js';
import { MoviesService } from '../movies/movies.service.js';
import { WeekMovie } from './entities/week-movie.entity.js';

/**
 * Credits fetched at once: enough to keep TMDB's pace (the client's limiter, 20 requests/s across the
 * process) busy at a few hundred milliseconds per reply. The limiter, not this, sets the pace.
 */
const CONCURRENT_FETCHES = 4;

export interface BackfillOutcome {
  /** Picked movies without stored credits when it started. */
  missing: number;
  stored: number;
  failed: number;
}

/**
 * `npm run backfill:credits`: the credits of movies picked before adds stored them (opinions.md §2.4),
 * so that the stats know every pick's directors. Each is fetched through the credits read-through, as a
 * credits request would, and one failure does not stop the others; running it again retries them.
 */
@Injectable()
export class CreditsBackfill {
  constructor(
    private readonly movies: MoviesService,
    private readonly tmdb: TmdbClient,
    private readonly dataSource: DataSource,
  ) {}

  /** Picked movies whose credits were never stored, by id. */
  missing(): Promise<Movie[]> {
    const picks = this.dataSource.getMetadata(WeekMovie).tableName;
    return this.dataSource
      .createQueryBuilder(Movie, 'movie')
      .where('movie.credits_cached_at IS NULL')
      .andWhere(`EXISTS (SELECT 1 FROM ${picks} pick WHERE pick.movie_id = movie.id)`)
      .orderBy('movie.id', 'ASC')
      .getMany();
  }

  /**
   * Fetches every missing credits, reporting one line per movie as it ends. Without a TMDB key it
   * fetches nothing and throws the catalog's 503.
   */
  async run(report: (line: string) => void): Promise<BackfillOutcome> {
    const movies = await this.missing();
    const outcome: BackfillOutcome = { missing: movies.length, stored: 0, failed: 0 };
    if (movies.length === 0) return outcome;
    if (!this.tmdb.isConfigured) throw new UpstreamError('movie', 'not_configured');
    report(`fetching the credits of ${movies.length} picked movie(s) from TMDB`);
    const width = String(movies.length).length;
    const limit = pLimit(CONCURRENT_FETCHES);
    await Promise.all(
      movies.map((movie) =>
        limit(async () => {
          let result: string;
          try {
            await this.movies.storedCredits(movie);
            outcome.stored += 1;
            result = 'credits stored';
          } catch (error) {
            outcome.failed += 1;
            result = `failed: ${errorDetail(error)}`;
          }
          const done = String(outcome.stored + outcome.failed).padStart(width);
          report(`[${done}/${movies.length}] tmdb ${movie.tmdbId} ${movie.title}: ${result}`);
        }),
      ),
    );
    return outcome;
  }
}
