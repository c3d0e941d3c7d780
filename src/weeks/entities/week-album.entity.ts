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
import { Album } from '../../albums/entities/album.entity.js';
import { TimestampColumn } from '../../database/columns.js';
import { Week } from './week.entity.js';

/** An album picked for a week, in slot 1 or 2. */
@Entity({ name: 'week_albums' })
@Index('UQ_week_albums_week_id_position', ['weekId', 'position'], { unique: true })
@Index('UQ_week_albums_week_id_album_id', ['weekId', 'albumId'], { unique: true })
@Index('IDX_week_albums_album_id', ['albumId'])
@Check('CHK_week_albums_position', '"position" IN (1, 2)')
export class WeekAlbum {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'week_id', type: 'integer' })
  weekId: number;

  @ManyToOne(() => Week, (week) => week.albums, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'week_id', foreignKeyConstraintName: 'FK_week_albums_week_id' })
  week?: Relation<Week>;

  @Column({ name: 'album_id', type: 'integer' })
  albumId: number;

  /** RESTRICT: a selected catalog album cannot vanish from the history. */
  @ManyToOne(() => Album, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'album_id', foreignKeyConstraintName: 'FK_week_albums_album_id' })
  album?: Relation<Album>;

  /** 1 or 2. */
  @Column({ type: 'integer' })
  position: number;

  @TimestampColumn('added_at')
  addedAt: Date;
}
