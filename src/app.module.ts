import { Module, type DynamicModule } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { AlbumsModule } from './albums/albums.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BackupModule } from './backup/backup.module.js';
import { BackupScheduler } from './backup/backup.scheduler.js';
import { CacheModule } from './cache/cache.module.js';
import { CommonModule } from './common/common.module.js';
import { configModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { ExportModule } from './export/export.module.js';
import { HealthModule } from './health/health.module.js';
import { InvitesModule } from './invites/invites.module.js';
import { MetricsModule } from './metrics/metrics.js';
import { MoviesModule } from './movies/movies.module.js';
import { RecommendationsModule } from './recommendations/recommendations.module.js';
import { StartupReporter } from './startup-reporter.js';
import { StatsModule } from './stats/stats.module.js';
import { UsersModule } from './users/users.module.js';
import { VerdictsModule } from './verdicts/verdicts.module.js';
import { WeeksModule } from './weeks/weeks.module.js';

/** The modules served under /api. */
const API_MODULES = [
  AuthModule,
  UsersModule,
  InvitesModule,
  WeeksModule,
  VerdictsModule,
  MoviesModule,
  AlbumsModule,
  ExportModule,
  RecommendationsModule,
  StatsModule,
];

@Module({
  imports: [
    CommonModule,
    MetricsModule,
    CacheModule,
    DatabaseModule,
    HealthModule,
    ...API_MODULES,
    BackupModule,
    // The /api tree in one place. A RouterModule prefix instead of setGlobalPrefix, because with a
    // global prefix Nest's not-found handler only covers /api, and other unknown paths would get
    // Express's HTML 404 instead of our JSON.
    RouterModule.register([{ path: 'api', children: API_MODULES }]),
  ],
  // Only the server schedules backups; the admin commands build their own module (cli/).
  providers: [StartupReporter, BackupScheduler],
})
export class AppModule {
  /** The whole app, configured from the environment as it is now (see configModule). */
  static forRoot(config: DynamicModule | Promise<DynamicModule> = configModule()): DynamicModule {
    return { module: AppModule, imports: [config] };
  }
}
