import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { TimestampColumn } from '../../database/columns.js';
import { Album } from './album.entity.js';

/** An old (merged) MusicBrainz release id that now resolves to a stored album. */
@Entity({ name: 'album_aliases' })
@Index('IDX_album_aliases_album_id', ['albumId'])
export class AlbumAlias {
  /** The requested (old) id, lowercased. */
  @PrimaryColumn({ name: 'musicbrainz_id', type: 'varchar', length: 36 })
  musicbrainzId: string;

  @Column({ name: 'album_id', type: 'integer' })
  albumId: number;

  @ManyToOne(() => Album, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'album_id', foreignKeyConstraintName: 'FK_album_aliases_album_id' })
  album?: Relation<Album>;

  @TimestampColumn('created_at')
  createdAt: Date;
}
