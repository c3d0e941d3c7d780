import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { MoviesController } from './movies.controller.js';

@Module({ imports: [CatalogModule], controllers: [MoviesController] })
export class MoviesModule {}
