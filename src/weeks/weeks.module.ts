import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlbumsModule } from '../albums/albums.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { MoviesModule } from '../movies/movies.module.js';
import { VerdictsModule } from '../verdicts/verdicts.module.js';
import { WeekAlbum } from './entities/week-album.entity.js';
import { WeekMovie } from './entities/week-movie.entity.js';
import { Week } from './entities/week.entity.js';
import { CreditsBackfill } from './credits-backfill.js';
import { OwnershipGuard } from './ownership.guard.js';
import { PickVerdictsController } from './pick-verdicts.controller.js';
import { WeekItemsService } from './week-items.service.js';
import { WeekReads } from './week-reads.js';
import { WeeksController } from './weeks.controller.js';
import { WeeksService } from './weeks.service.js';

@Module({
  imports: [
    CatalogModule,
    MoviesModule,
    AlbumsModule,
    VerdictsModule,
    TypeOrmModule.forFeature([Week, WeekMovie, WeekAlbum]),
  ],
  controllers: [WeeksController, PickVerdictsController],
  providers: [WeeksService, WeekReads, WeekItemsService, OwnershipGuard, CreditsBackfill],
})
export class WeeksModule {}
