import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { CatalogUrls } from '../../catalog/catalog-urls.js';
import type { CoverArtSource } from '../../catalog/catalog.types.js';
import type { AlbumRefDto } from './album-responses.dto.js';

/** An AlbumRef's columns in a raw read (weeks' slots, the selections listing), under these aliases. */
export interface AlbumRefRow {
  album_id: number;
  album_musicbrainz_id: string;
  album_title: string;
  album_artist: string;
  album_release_date: string | null;
  album_release_group_id: string | null;
  album_cover_art_source: CoverArtSource;
  /** As the driver reads it: see `isoTimestampReader`. */
  album_cached_at: unknown;
}

const COLUMNS: Record<keyof AlbumRefRow, string> = {
  album_id: 'id',
  album_musicbrainz_id: 'musicbrainzId',
  album_title: 'title',
  album_artist: 'artist',
  album_release_date: 'releaseDate',
  album_release_group_id: 'releaseGroupId',
  album_cover_art_source: 'coverArtSource',
  album_cached_at: 'cachedAt',
};

/** Adds the AlbumRef columns of the album joined as `alias`. */
export function selectAlbumRef<Q extends SelectQueryBuilder<ObjectLiteral>>(
  query: Q,
  alias: string,
): Q {
  for (const [as, property] of Object.entries(COLUMNS)) query.addSelect(`${alias}.${property}`, as);
  return query;
}

/** The same wire shape and key order as `toAlbumRef`, from a raw row. */
export function albumRefOfRow(
  row: AlbumRefRow,
  urls: CatalogUrls,
  isoTimestamp: (raw: unknown) => string,
): AlbumRefDto {
  return {
    id: row.album_id,
    musicbrainz_id: row.album_musicbrainz_id,
    title: row.album_title,
    artist: row.album_artist,
    release_date: row.album_release_date,
    cover_art_url: urls.coverArtUrl({
      musicbrainzId: row.album_musicbrainz_id,
      releaseGroupId: row.album_release_group_id,
      coverArtSource: row.album_cover_art_source,
    }),
    cached_at: isoTimestamp(row.album_cached_at),
  };
}
