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
import { Person } from './person.entity.js';

/** One cast credit of a movie. Ordered by `billingOrder`, ties broken by TMDB's `listIndex`. */
@Entity({ name: 'movie_cast' })
@Index('IDX_movie_cast_movie_id_billing_order_list_index', ['movieId', 'billingOrder', 'listIndex'])
@Index('IDX_movie_cast_person_id', ['personId'])
export class MovieCast {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'movie_id', type: 'integer' })
  movieId: number;

  @ManyToOne(() => Movie, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'movie_id', foreignKeyConstraintName: 'FK_movie_cast_movie_id' })
  movie?: Relation<Movie>;

  @Column({ name: 'person_id', type: 'integer' })
  personId: number;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_movie_cast_person_id' })
  person?: Relation<Person>;

  @Column({ type: 'text', nullable: true })
  character: string | null;

  /** TMDB's `order` (or the list index when missing). */
  @Column({ name: 'billing_order', type: 'integer' })
  billingOrder: number;

  /** Position in TMDB's cast list, the tie-breaker. */
  @Column({ name: 'list_index', type: 'integer' })
  listIndex: number;
}
