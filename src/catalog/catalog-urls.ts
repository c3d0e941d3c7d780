import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Configuration, UpstreamConfig } from '../config/configuration.js';
import type { CoverArtSource } from './catalog.types.js';

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

  private image(size: string, path: string | null): string | null {
    if (path === null || path === '') return null;
    return `${this.settings.tmdbImageBaseUrl}/${size}${path.startsWith('/') ? '' : '/'}${path}`;
  }
}
