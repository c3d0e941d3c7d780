import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { describeDatabase } from './config/database-url.js';
import type { Configuration } from './config/configuration.js';
import { redactApiKey } from './catalog/upstream/upstream-headers.js';

/** One startup line (version, database, upstreams; never credentials) plus config warnings. */
/** Also the line that says a shutdown completed (after in-flight requests and the database). */
@Injectable()
export class StartupReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Startup');

  constructor(private readonly config: ConfigService<Configuration, true>) {}

  onApplicationBootstrap(): void {
    const app = this.config.get('app', { infer: true });
    const upstream = this.config.get('upstream', { infer: true });
    const database = this.config.get('database', { infer: true });
    this.logger.log(
      `Wrong Opinions ${app.version} (${app.nodeEnv}); database ${describeDatabase(database)}; ` +
        `TMDB ${upstream.tmdbApiKey ? 'configured' : 'not configured'} at ${redactApiKey(upstream.tmdbBaseUrl)}; ` +
        `MusicBrainz ${upstream.musicbrainzBaseUrl}; Cover Art Archive ${upstream.coverArtBaseUrl}`,
    );
    for (const warning of this.config.get('warnings', { infer: true })) this.logger.warn(warning);
  }

  onApplicationShutdown(signal?: string): void {
    this.logger.log(`Stopped${signal ? ` on ${signal}` : ''}`);
  }
}
