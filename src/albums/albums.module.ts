import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { AlbumsController } from './albums.controller.js';
import { AlbumsService } from './albums.service.js';
import { AlbumAlias } from './entities/album-alias.entity.js';
import { AlbumArtist } from './entities/album-artist.entity.js';
import { Album } from './entities/album.entity.js';
import { Artist } from './entities/artist.entity.js';

/** Albums as stored from MusicBrainz, with their artists and aliases, and the album selections listing. */
@Module({
  imports: [CatalogModule, TypeOrmModule.forFeature([Album, AlbumAlias, Artist, AlbumArtist])],
  controllers: [AlbumsController],
  providers: [AlbumsService],
  exports: [AlbumsService],
})
export class AlbumsModule {}
