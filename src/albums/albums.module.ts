import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { WeeksModule } from '../weeks/weeks.module.js';
import { AlbumsController } from './albums.controller.js';

@Module({ imports: [CatalogModule, WeeksModule], controllers: [AlbumsController] })
export class AlbumsModule {}
