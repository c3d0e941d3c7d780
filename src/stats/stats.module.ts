import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller.js';
import { StatsQueries } from './stats-queries.js';
import { StatsService } from './stats.service.js';
import { YearFigures } from './year-figures.js';

/**
 * The group's stats (opinions.md §2), from our database, through the response cache. A read writes
 * only the derived per-year figures (YearFigures), never what a user entered.
 */
@Module({
  controllers: [StatsController],
  providers: [StatsService, StatsQueries, YearFigures],
})
export class StatsModule {}
