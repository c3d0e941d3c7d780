import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { WeeksModule } from '../weeks/weeks.module.js';
import { MoviesController } from './movies.controller.js';

@Module({ imports: [CatalogModule, WeeksModule], controllers: [MoviesController] })
export class MoviesModule {}
