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

/** One key-crew credit of a movie: a person appears once per job. Kept in TMDB's list order. */
@Entity({ name: 'movie_crew' })
@Index('UQ_movie_crew_movie_id_person_id_job', ['movieId', 'personId', 'job'], { unique: true })
@Index('IDX_movie_crew_person_id', ['personId'])
export class MovieCrew {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'movie_id', type: 'integer' })
  movieId: number;

  @ManyToOne(() => Movie, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'movie_id', foreignKeyConstraintName: 'FK_movie_crew_movie_id' })
  movie?: Relation<Movie>;

  @Column({ name: 'person_id', type: 'integer' })
  personId: number;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_movie_crew_person_id' })
  person?: Relation<Person>;

  @Column({ type: 'varchar', length: 64, nullable: true })
  department: string | null;

  @Column({ type: 'varchar', length: 64 })
  job: string;

  /** Position in TMDB's crew list. */
  @Column({ name: 'list_index', type: 'integer' })
  listIndex: number;
}
