import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Artist } from '../../albums/entities/artist.entity.js';
import type { ReleaseGroupData } from '../../catalog/catalog.types.js';
import { TimestampColumn } from '../../database/columns.js';

/**
 * The release groups of one stored artist (upstream.md §3.8), every type, as MusicBrainz's browse
 * listed them (at most 500), stored whole as one answer with its fetch time. An unknown artist
 * stores an empty list.
 */
@Entity({ name: 'artist_release_groups' })
export class ArtistReleaseGroups {
  @PrimaryColumn({ name: 'artist_id', type: 'integer' })
  artistId: number;

  /** CASCADE: the list is the artist's catalog data, and goes with it. */
  @ManyToOne(() => Artist, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'artist_id', foreignKeyConstraintName: 'FK_artist_release_groups_artist_id' })
  artist?: Relation<Artist>;

  /**
   * JSON array of `{releaseGroupId, title, primaryType, secondaryTypes, firstReleaseDate, artist,
   * artistIds}`.
   */
  @Column({ name: 'release_groups', type: 'simple-json' })
  releaseGroups: ReleaseGroupData[];

  /** When the list was last fetched from MusicBrainz. */
  @TimestampColumn('cached_at')
  cachedAt: Date;
}
