import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuthModule } from './auth/auth.module.js';
import { CommonModule } from './common/common.module.js';
import { loadConfiguration } from './config/configuration.js';
import { readEnv } from './config/env.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { StartupReporter } from './startup-reporter.js';
import { UsersModule } from './users/users.module.js';

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
    DatabaseModule,
    HealthModule,
    AuthModule,
    UsersModule,
  ],
  providers: [StartupReporter],
})
export class AppModule {}
