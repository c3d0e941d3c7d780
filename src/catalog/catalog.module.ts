import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { cachedClient } from '../cache/cached-client.js';
import { CatalogCache } from '../cache/catalog-cache.js';
import { Clock } from '../common/clock.js';
import type { Configuration } from '../config/configuration.js';
import { Metrics } from '../metrics/metrics.js';
import { CatalogUrls } from './catalog-urls.js';
import { CoverArtClient } from './cover-art/cover-art.client.js';
import { MusicBrainzClient } from './musicbrainz/musicbrainz.client.js';
import { TmdbClient } from './tmdb/tmdb.client.js';
import { upstreamFailureOf } from './upstream/upstream-error.js';
import { UpstreamHttp } from './upstream/upstream-http.js';

/**
 * The external providers: TMDB, MusicBrainz and the Cover Art Archive, behind one cache layer.
 * Nothing else talks to an upstream; what is stored of their answers belongs to movies and albums.
 * Searches and definite cover-art answers are remembered for SEARCH_CACHE_TTL (src/cache/README.md).
 */
@Module({
  providers: [
    UpstreamHttp,
    {
      provide: CatalogCache,
      inject: [ConfigService, Clock, Metrics],
      useFactory: (config: ConfigService<Configuration, true>, clock: Clock, metrics: Metrics) =>
        new CatalogCache(config, clock, upstreamFailureOf, metrics),
    },
    // The clients know nothing of caching: whoever injects one gets it wrapped by the cache layer.
    ...cachedClient(TmdbClient, { searchMovies: { namespace: 'tmdb-search' } }),
    ...cachedClient(MusicBrainzClient, { searchReleases: { namespace: 'mb-search' } }),
    ...cachedClient(CoverArtClient, {
      check: { namespace: 'caa', remember: (answer) => answer !== 'inconclusive' },
    }),
    CatalogUrls,
  ],
  exports: [CatalogCache, TmdbClient, MusicBrainzClient, CoverArtClient, CatalogUrls],
})
export class CatalogModule {}
