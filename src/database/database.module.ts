import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Configuration } from '../config/configuration.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { ChangeFeed } from './change-feed.js';
import { DataVersion } from './data-version.js';
import { initializeAndMigrate } from './locked-migrations.js';
import { OutsideWrites, OutsideWritesMiddleware } from './outside-writes.js';
import { TransactionRunner } from './transaction-runner.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Configuration, true>) => ({
        ...buildDataSourceOptions(config.get('database', { infer: true })),
        // Each feature module registers its own entities with TypeOrmModule.forFeature.
        autoLoadEntities: true,
      }),
      // Migrations under PostgreSQL's advisory lock, so instances starting together migrate once.
      dataSourceFactory: (options) => initializeAndMigrate(options!),
    }),
  ],
  providers: [DataVersion, TransactionRunner, OutsideWrites, ChangeFeed],
  exports: [DataVersion, TransactionRunner],
})
export class DatabaseModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(OutsideWritesMiddleware).forRoutes('*');
  }
}
