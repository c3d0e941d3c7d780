import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { TimestampColumn } from '../../database/columns.js';
import { User } from '../../users/entities/user.entity.js';
import { WeekAlbum } from './week-album.entity.js';
import { WeekMovie } from './week-movie.entity.js';

/** One ISO week, globally unique by (year, week_number). `userId` null means unclaimed. */
@Entity({ name: 'weeks' })
@Index('UQ_weeks_year_week_number', ['year', 'weekNumber'], { unique: true })
@Index('IDX_weeks_user_id', ['userId'])
@Check('CHK_weeks_week_number', '"week_number" BETWEEN 1 AND 53')
export class Week {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;

  /** Removing the owner's user row leaves the week unclaimed (ON DELETE SET NULL). */
  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_weeks_user_id' })
  owner?: Relation<User> | null;

  @Column({ type: 'integer' })
  year: number;

  @Column({ name: 'week_number', type: 'integer' })
  weekNumber: number;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @TimestampColumn('created_at')
  createdAt: Date;

  @TimestampColumn('updated_at')
  updatedAt: Date;

  @OneToMany(() => WeekMovie, (item) => item.week)
  movies?: Relation<WeekMovie[]>;

  @OneToMany(() => WeekAlbum, (item) => item.week)
  albums?: Relation<WeekAlbum[]>;
}
