import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { AlbumsController } from './albums.controller.js';

@Module({ imports: [CatalogModule], controllers: [AlbumsController] })
export class AlbumsModule {}
