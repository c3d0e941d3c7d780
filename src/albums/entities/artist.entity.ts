import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../../database/columns.js';

/** A MusicBrainz artist, upserted by MBID on every album lookup. */
@Entity({ name: 'artists' })
@Index('UQ_artists_musicbrainz_id', ['musicbrainzId'], { unique: true })
export class Artist {
  @PrimaryGeneratedColumn()
  id: number;

  /** Lowercased UUID. */
  @Column({ name: 'musicbrainz_id', type: 'varchar', length: 36 })
  musicbrainzId: string;

  /** Canonical name (e.g. `JAY‐Z`); compared by code point (see Movie.sortTitle). */
  @Column({ type: 'text', collation: 'C' })
  name: string;

  @Column({ name: 'sort_name', type: 'text', nullable: true })
  sortName: string | null;

  @Column({ type: 'text', nullable: true })
  disambiguation: string | null;

  /** "Person", "Group", … */
  @Column({ name: 'artist_type', type: 'varchar', length: 64, nullable: true })
  artistType: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  country: string | null;

  @TimestampColumn('updated_at')
  updatedAt: Date;
}
