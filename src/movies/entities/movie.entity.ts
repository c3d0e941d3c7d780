import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../../database/columns.js';

/** A TMDB genre as stored in `movies.genres` (TMDB's order is kept). */
export interface Genre {
  id: number;
  name: string;
}

/** A TMDB movie, stored completely so that stored and fresh replies are identical. */
@Entity({ name: 'movies' })
@Index('UQ_movies_tmdb_id', ['tmdbId'], { unique: true })
@Index('IDX_movies_sort_title', ['sortTitle'])
export class Movie {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'tmdb_id', type: 'integer' })
  tmdbId: number;

  @Column({ type: 'text' })
  title: string;

  /**
   * `title.toLowerCase()`, the selections ordering key. Compared by code point on both drivers: SQLite's
   * default BINARY collation, and COLLATE "C" on PostgreSQL. The collation is only ever applied by the
   * migrations (SQLite has no collation named "C", so do not `synchronize` these entities on SQLite).
   */
  @Column({ name: 'sort_title', type: 'text', collation: 'C' })
  sortTitle: string;

  @Column({ name: 'original_title', type: 'text', nullable: true })
  originalTitle: string | null;

  /** `YYYY-MM-DD` or null. */
  @Column({ name: 'release_date', type: 'varchar', length: 10, nullable: true })
  releaseDate: string | null;

  /** TMDB's raw path (e.g. `/abc.jpg`), not a URL. */
  @Column({ name: 'poster_path', type: 'text', nullable: true })
  posterPath: string | null;

  @Column({ name: 'backdrop_path', type: 'text', nullable: true })
  backdropPath: string | null;

  @Column({ type: 'text', nullable: true })
  overview: string | null;

  /** Minutes; null when TMDB says 0 or nothing. */
  @Column({ type: 'integer', nullable: true })
  runtime: number | null;

  @Column({ name: 'vote_average', type: 'double precision', default: 0 })
  voteAverage: number;

  @Column({ name: 'vote_count', type: 'integer', default: 0 })
  voteCount: number;

  @Column({ type: 'text', nullable: true })
  tagline: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  status: string | null;

  @Column({ name: 'imdb_id', type: 'varchar', length: 32, nullable: true })
  imdbId: string | null;

  /** JSON array of `{id, name}`, what the API shows; `movie_genres` holds the same, for SQL. */
  @Column({ type: 'simple-json' })
  genres: Genre[];

  /** When the details were last fetched from TMDB. */
  @TimestampColumn('cached_at')
  cachedAt: Date;

  /** When the credits were last fetched from TMDB; null until they are. */
  @TimestampColumn('credits_cached_at', { nullable: true })
  creditsCachedAt: Date | null;
}
