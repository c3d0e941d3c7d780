import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { MovieCast } from './entities/movie-cast.entity.js';
import { MovieCrew } from './entities/movie-crew.entity.js';
import { MovieGenre } from './entities/movie-genre.entity.js';
import { Movie } from './entities/movie.entity.js';
import { Person } from './entities/person.entity.js';
import { MoviesController } from './movies.controller.js';
import { MoviesService } from './movies.service.js';

/** Movies as stored from TMDB, with their people and credits, and the movie selections listing. */
@Module({
  imports: [
    CatalogModule,
    TypeOrmModule.forFeature([Movie, MovieGenre, Person, MovieCast, MovieCrew]),
  ],
  controllers: [MoviesController],
  providers: [MoviesService],
  exports: [MoviesService],
})
export class MoviesModule {}
