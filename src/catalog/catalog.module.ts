import { Module } from '@nestjs/common';
import { CatalogCache } from './cache/catalog-cache.js';
import { CatalogUrls } from './catalog-urls.js';
import { CoverArtClient } from './cover-art/cover-art.client.js';
import { MusicBrainzClient } from './musicbrainz/musicbrainz.client.js';
import { TmdbClient } from './tmdb/tmdb.client.js';
import { UpstreamHttp } from './upstream/upstream-http.js';

/**
 * The external providers: TMDB, MusicBrainz and the Cover Art Archive, behind one cache layer.
 * Nothing else talks to an upstream; what is stored of their answers belongs to movies and albums.
 */
@Module({
  providers: [
    UpstreamHttp,
    CatalogCache,
    TmdbClient,
    MusicBrainzClient,
    CoverArtClient,
    CatalogUrls,
  ],
  exports: [CatalogCache, TmdbClient, MusicBrainzClient, CoverArtClient, CatalogUrls],
})
export class CatalogModule {}
