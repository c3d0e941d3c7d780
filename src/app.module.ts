import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { RouterModule } from '@nestjs/core';
import { AlbumsModule } from './albums/albums.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CacheModule } from './cache/cache.module.js';
import { CommonModule } from './common/common.module.js';
import { loadConfiguration } from './config/configuration.js';
import { readEnv } from './config/env.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MoviesModule } from './movies/movies.module.js';
import { StartupReporter } from './startup-reporter.js';
import { UsersModule } from './users/users.module.js';
import { VerdictsModule } from './verdicts/verdicts.module.js';
import { WeeksModule } from './weeks/weeks.module.js';

/** The modules served under /api. */
const API_MODULES = [
  AuthModule,
  UsersModule,
  WeeksModule,
  VerdictsModule,
  MoviesModule,
  AlbumsModule,
];

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      // env.ts reads .env itself (it also serves the TypeORM CLI); the parsed namespaces are all we expose.
      ignoreEnvFile: true,
      skipProcessEnv: true,
      load: [() => loadConfiguration(readEnv())],
    }),
    CommonModule,
    CacheModule,
    DatabaseModule,
    HealthModule,
    ...API_MODULES,
    // The /api tree in one place. A RouterModule prefix instead of setGlobalPrefix, because with a
    // global prefix Nest's not-found handler only covers /api, and other unknown paths would get
    // Express's HTML 404 instead of our JSON.
    RouterModule.register([{ path: 'api', children: API_MODULES }]),
  ],
  providers: [StartupReporter],
})
export class AppModule {}
