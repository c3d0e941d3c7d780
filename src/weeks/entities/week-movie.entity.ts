import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Movie } from '../../movies/entities/movie.entity.js';
import { TimestampColumn } from '../../database/columns.js';
import { Week } from './week.entity.js';

/** A movie picked for a week, in slot 1 or 2. */
@Entity({ name: 'week_movies' })
@Index('UQ_week_movies_week_id_position', ['weekId', 'position'], { unique: true })
@Index('UQ_week_movies_week_id_movie_id', ['weekId', 'movieId'], { unique: true })
@Index('IDX_week_movies_movie_id', ['movieId'])
@Check('CHK_week_movies_position', '"position" IN (1, 2)')
export class WeekMovie {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'week_id', type: 'integer' })
  weekId: number;

  @ManyToOne(() => Week, (week) => week.movies, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'week_id', foreignKeyConstraintName: 'FK_week_movies_week_id' })
  week?: Relation<Week>;

  @Column({ name: 'movie_id', type: 'integer' })
  movieId: number;

  /** RESTRICT: a selected catalog movie cannot vanish from the history. */
  @ManyToOne(() => Movie, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'movie_id', foreignKeyConstraintName: 'FK_week_movies_movie_id' })
  movie?: Relation<Movie>;

  /** 1 or 2. */
  @Column({ type: 'integer' })
  position: number;

  @TimestampColumn('added_at')
  addedAt: Date;
}
