import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Album } from './album.entity.js';
import { Artist } from './artist.entity.js';

/** One entry of an album's artist credit, at 0-based `creditOrder`. */
@Entity({ name: 'album_artists' })
@Index('UQ_album_artists_album_id_credit_order', ['albumId', 'creditOrder'], { unique: true })
@Index('IDX_album_artists_artist_id', ['artistId'])
export class AlbumArtist {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'album_id', type: 'integer' })
  albumId: number;

  @ManyToOne(() => Album, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'album_id', foreignKeyConstraintName: 'FK_album_artists_album_id' })
  album?: Relation<Album>;

  @Column({ name: 'artist_id', type: 'integer' })
  artistId: number;

  @ManyToOne(() => Artist, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'artist_id', foreignKeyConstraintName: 'FK_album_artists_artist_id' })
  artist?: Relation<Artist>;

  /** The name as credited on this release (e.g. `Jay-Z`). */
  @Column({ name: 'credited_name', type: 'text' })
  creditedName: string;

  @Column({ name: 'join_phrase', type: 'text', nullable: true })
  joinPhrase: string | null;

  @Column({ name: 'credit_order', type: 'integer' })
  creditOrder: number;
}
