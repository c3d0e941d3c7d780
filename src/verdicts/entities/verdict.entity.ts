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
import type { Album } from '../../albums/entities/album.entity.js';
import { TimestampColumn } from '../../database/columns.js';
import type { Movie } from '../../movies/entities/movie.entity.js';
import { User } from '../../users/entities/user.entity.js';

/**
 * A pick (a `WeekMovie` or `WeekAlbum` row) as verdicts see it. Picks belong to weeks, and weeks
 * depend on verdicts, so the pick entities are named ('WeekMovie', 'WeekAlbum'), not imported.
 */
export interface PickRow {
  id: number;
  weekId: number;
  position: number;
  week?: { id: number; year: number; weekNumber: number };
  movie?: Movie;
  album?: Album;
}

/**
 * One member's verdict on one pick (opinions.md §1). One table for both kinds of pick, with a
 * column for each and a CHECK that exactly one is set, rather than a table per kind: a verdict is
 * the same thing whichever it judges, so one entity, one write path and one diary query serve
 * both, and the stats read all verdicts from one place. Each pick column has its own foreign key
 * and its own unique index with the user (NULLs never collide, so the two indexes stay apart).
 */
@Entity({ name: 'verdicts' })
@Index('UQ_verdicts_week_movie_id_user_id', ['weekMovieId', 'userId'], { unique: true })
@Index('UQ_verdicts_week_album_id_user_id', ['weekAlbumId', 'userId'], { unique: true })
@Index('IDX_verdicts_user_id', ['userId'])
// The stats' (migration Stats1796774400000): every pick's and every member's ratings, from an index alone.
@Index('IDX_verdicts_week_movie_id_user_id_rating', ['weekMovieId', 'userId', 'rating'])
@Index('IDX_verdicts_week_album_id_user_id_rating', ['weekAlbumId', 'userId', 'rating'])
@Index('IDX_verdicts_user_id_rating', ['userId', 'rating'])
@Check('CHK_verdicts_one_pick', '("week_movie_id" IS NULL) <> ("week_album_id" IS NULL)')
@Check('CHK_verdicts_rating', '"rating" BETWEEN 1 AND 10')
@Check('CHK_verdicts_rating_or_review', '"rating" IS NOT NULL OR "review" IS NOT NULL')
export class Verdict {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'week_movie_id', type: 'integer', nullable: true })
  weekMovieId: number | null;

  /**
   * RESTRICT: the database never deletes a member's verdict with a pick (§1.5). Removing a pick
   * deletes its picker's verdicts first; anyone else's, even one added meanwhile, refuses the delete.
   */
  @ManyToOne('WeekMovie', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'week_movie_id', foreignKeyConstraintName: 'FK_verdicts_week_movie_id' })
  weekMovie?: PickRow | null;

  @Column({ name: 'week_album_id', type: 'integer', nullable: true })
  weekAlbumId: number | null;

  /** RESTRICT, as `weekMovie`. */
  @ManyToOne('WeekAlbum', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'week_album_id', foreignKeyConstraintName: 'FK_verdicts_week_album_id' })
  weekAlbum?: PickRow | null;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  /** CASCADE: a verdict is its member's own words, and goes when their user row is removed. */
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_verdicts_user_id' })
  user?: Relation<User>;

  /** 1–10, or null for a review only. */
  @Column({ type: 'integer', nullable: true })
  rating: number | null;

  /** Trimmed, at most 5000 code points, never empty. */
  @Column({ type: 'text', nullable: true })
  review: string | null;

  @Column({ type: 'boolean', default: false })
  spoiler: boolean;

  /** `YYYY-MM-DD`: a string on both drivers (PostgreSQL's `date` would come back as a local Date). */
  @Column({ name: 'consumed_on', type: 'varchar', length: 10, nullable: true })
  consumedOn: string | null;

  @TimestampColumn('created_at')
  createdAt: Date;

  @TimestampColumn('updated_at')
  updatedAt: Date;
}
