import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Configuration, UpstreamConfig } from '../config/configuration.js';
import type { CoverArtSource } from './catalog.types.js';

/** TMDB image sizes: posters, backdrops and profile pictures. */
export type ImageSize = 'w500' | 'w1280' | 'w185';

/**
 * Builds public URLs from what we store: raw TMDB image paths and which cover art was found. Built
 * when replying, so a new image base or Cover Art Archive URL needs no migration.
 */
@Injectable()
export class CatalogUrls {
  private readonly settings: UpstreamConfig;

  constructor(config: ConfigService<Configuration, true>) {
    this.settings = config.get('upstream', { infer: true });
  }

  posterUrl(path: string | null): string | null {
    return this.image('w500', path);
  }

  backdropUrl(path: string | null): string | null {
    return this.image('w1280', path);
  }

  profileUrl(path: string | null): string | null {
    return this.image('w185', path);
  }

  releaseCoverUrl(musicbrainzId: string): string {
    return `${this.settings.coverArtBaseUrl}/release/${musicbrainzId}/front`;
  }

  coverArtUrl(album: {
    musicbrainzId: string;
    releaseGroupId: string | null;
    coverArtSource: CoverArtSource;
  }): string | null {
    if (album.coverArtSource === 'release') return this.releaseCoverUrl(album.musicbrainzId);
    if (album.coverArtSource === 'release-group' && album.releaseGroupId !== null) {
      return `${this.settings.coverArtBaseUrl}/release-group/${album.releaseGroupId}/front`;
    }
    return null;
  }

  /**
   * The inverse of the builders above, for an import (export/) that must restore what we store from
   * an exported reply: the raw TMDB path an image URL was built from, whatever its image base.
   * Undefined when `url` is not such a URL.
   */
  static imagePathOf(url: string, size: ImageSize): string | undefined {
    return new RegExp(`^https?://[^?#]*/${size}(/[^/?#]+)$`).exec(url)?.[1];
  }

  /** Which cover `coverArtUrl` found for `album`, from the URL it built; undefined when neither. */
  static coverArtSourceOf(
    url: string | null,
    album: { musicbrainzId: string; releaseGroupId: string | null },
  ): CoverArtSource | undefined {
    if (url === null) return 'none';
    if (url.endsWith(`/release/${album.musicbrainzId}/front`)) return 'release';
    if (
      album.releaseGroupId !== null &&
      url.endsWith(`/release-group/${album.releaseGroupId}/front`)
    )
      return 'release-group';
    return undefined;
  }

  private image(size: ImageSize, path: string | null): string | null {
    if (path === null || path === '') return null;
    return `${this.settings.tmdbImageBaseUrl}/${size}${path.startsWith('/') ? '' : '/'}${path}`;
  }
}
