import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Movie } from './movie.entity.js';

/**
 * One genre of a movie: `movies.genres` as rows, written with it, so that SQL can count and average
 * by genre on both databases (JSON functions differ between SQLite and PostgreSQL).
 */
@Entity({ name: 'movie_genres' })
@Index('UQ_movie_genres_movie_id_genre_id', ['movieId', 'genreId'], { unique: true })
export class MovieGenre {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'movie_id', type: 'integer' })
  movieId: number;

  @ManyToOne(() => Movie, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'movie_id', foreignKeyConstraintName: 'FK_movie_genres_movie_id' })
  movie?: Relation<Movie>;

  /** TMDB's genre id. */
  @Column({ name: 'genre_id', type: 'integer' })
  genreId: number;

  /** Compared by code point on both drivers (see Movie.sortTitle). */
  @Column({ type: 'text', collation: 'C' })
  name: string;
}
