import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { AlbumRecommendationsService } from './album-recommendations.service.js';
import { ArtistReleaseGroups } from './entities/artist-release-groups.entity.js';
import { MovieRecommendations } from './entities/movie-recommendations.entity.js';
import { MovieRecommendationsService } from './movie-recommendations.service.js';
import { RecommendationsController } from './recommendations.controller.js';

/**
 * "What should we pick next?" (recommendations.md): seeds from the club's verdicts, candidates
 * from the upstream answers stored per seed movie and per seed artist.
 */
@Module({
  imports: [CatalogModule, TypeOrmModule.forFeature([MovieRecommendations, ArtistReleaseGroups])],
  controllers: [RecommendationsController],
  providers: [MovieRecommendationsService, AlbumRecommendationsService],
})
export class RecommendationsModule {}
