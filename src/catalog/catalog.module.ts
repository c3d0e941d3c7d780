import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlbumCatalogService } from './album-catalog.service.js';
import { ConfigService } from '@nestjs/config';
import { cachedClient } from '../cache/cached-client.js';
import { CatalogCache } from '../cache/catalog-cache.js';
import { Clock } from '../common/clock.js';
import type { Configuration } from '../config/configuration.js';
import { CatalogUrls } from './catalog-urls.js';
import { CoverArtClient } from './cover-art/cover-art.client.js';
import { AlbumAlias } from './entities/album-alias.entity.js';
import { AlbumArtist } from './entities/album-artist.entity.js';
import { Album } from './entities/album.entity.js';
import { MovieCast } from './entities/movie-cast.entity.js';
import { MovieCrew } from './entities/movie-crew.entity.js';
import { Movie } from './entities/movie.entity.js';
import { MovieCatalogService } from './movie-catalog.service.js';
import { MusicBrainzClient } from './musicbrainz/musicbrainz.client.js';
import { TmdbClient } from './tmdb/tmdb.client.js';
import { upstreamFailureOf } from './upstream/upstream-error.js';
import { UpstreamHttp } from './upstream/upstream-http.js';

/**
 * Owns the upstream clients and the stored catalog; nothing else talks to an upstream. Searches and
 * definite cover-art answers are remembered for SEARCH_CACHE_TTL (src/cache/README.md).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Movie, MovieCast, MovieCrew, Album, AlbumAlias, AlbumArtist]),
  ],
  providers: [
    UpstreamHttp,
    {
      provide: CatalogCache,
      inject: [ConfigService, Clock],
      useFactory: (config: ConfigService<Configuration, true>, clock: Clock) =>
        new CatalogCache(config, clock, upstreamFailureOf),
    },
    // The clients know nothing of caching: whoever injects one gets it wrapped by the cache layer.
    ...cachedClient(TmdbClient, { searchMovies: { namespace: 'tmdb-search' } }),
    ...cachedClient(MusicBrainzClient, { searchReleases: { namespace: 'mb-search' } }),
    ...cachedClient(CoverArtClient, {
      check: { namespace: 'caa', remember: (answer) => answer !== 'inconclusive' },
    }),
    MovieCatalogService,
    AlbumCatalogService,
    CatalogUrls,
  ],
  exports: [MovieCatalogService, AlbumCatalogService, CatalogUrls],
})
export class CatalogModule {}
