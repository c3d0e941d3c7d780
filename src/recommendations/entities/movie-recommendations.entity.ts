import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { MovieRecommendation } from '../../catalog/catalog.types.js';
import { TimestampColumn } from '../../database/columns.js';
import { Movie } from '../../movies/entities/movie.entity.js';

/**
 * TMDB's recommendations of one stored movie (upstream.md §2.8): the first page, in TMDB's order,
 * stored whole as one answer (it is only ever read and replaced whole), with its fetch time. An
 * unknown movie stores an empty list.
 */
@Entity({ name: 'movie_recommendations' })
export class MovieRecommendations {
  @PrimaryColumn({ name: 'movie_id', type: 'integer' })
  movieId: number;

  /** CASCADE: the list is the movie's catalog data, and goes with it. */
  @ManyToOne(() => Movie, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'movie_id', foreignKeyConstraintName: 'FK_movie_recommendations_movie_id' })
  movie?: Relation<Movie>;

  /** JSON array of `{tmdbId, title, releaseDate, posterPath, voteAverage}`. */
  @Column({ type: 'simple-json' })
  results: MovieRecommendation[];

  /** When the list was last fetched from TMDB. */
  @TimestampColumn('cached_at')
  cachedAt: Date;
}
