import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../../database/columns.js';

/** A TMDB person (cast or crew). Name and profile path are refreshed on every credits fetch. */
@Entity({ name: 'people' })
@Index('UQ_people_tmdb_id', ['tmdbId'], { unique: true })
export class Person {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'tmdb_id', type: 'integer' })
  tmdbId: number;

  /** Compared by code point on both drivers (see Movie.sortTitle): the stats order directors by name. */
  @Column({ type: 'text', collation: 'C' })
  name: string;

  /** TMDB's raw path, not a URL. */
  @Column({ name: 'profile_path', type: 'text', nullable: true })
  profilePath: string | null;

  @TimestampColumn('updated_at')
  updatedAt: Date;
}
