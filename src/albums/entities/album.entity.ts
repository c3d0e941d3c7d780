import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CoverArtSource } from '../../catalog/catalog.types.js';
import { TimestampColumn } from '../../database/columns.js';

/** Where the album's cover was found: `cover_art_url` is built from this when replying. */

/** A MusicBrainz release, stored under the id MusicBrainz returned (merged ids live in `album_aliases`). */
@Entity({ name: 'albums' })
@Index('UQ_albums_musicbrainz_id', ['musicbrainzId'], { unique: true })
@Index('IDX_albums_sort_title', ['sortTitle'])
@Check('CHK_albums_cover_art_source', `"cover_art_source" IN ('release', 'release-group', 'none')`)
export class Album {
  @PrimaryGeneratedColumn()
  id: number;

  /** Lowercased UUID. */
  @Column({ name: 'musicbrainz_id', type: 'varchar', length: 36 })
  musicbrainzId: string;

  @Column({ type: 'text' })
  title: string;

  /** `title.toLowerCase()`; compared by code point (see Movie.sortTitle). */
  @Column({ name: 'sort_title', type: 'text', collation: 'C' })
  sortTitle: string;

  /** Joined artist credit, or "Unknown Artist". */
  @Column({ type: 'text' })
  artist: string;

  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as MusicBrainz gave it, or null. */
  @Column({ name: 'release_date', type: 'varchar', length: 10, nullable: true })
  releaseDate: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  country: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  status: string | null;

  @Column({ name: 'release_group_id', type: 'varchar', length: 36, nullable: true })
  releaseGroupId: string | null;

  @Column({ name: 'cover_art_source', type: 'varchar', length: 16, default: 'none' })
  coverArtSource: CoverArtSource;

  /** When the album was last fetched from MusicBrainz. */
  @TimestampColumn('cached_at')
  cachedAt: Date;
}
