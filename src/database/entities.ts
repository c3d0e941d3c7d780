import { RefreshToken } from '../auth/entities/refresh-token.entity.js';
import { AlbumAlias } from '../catalog/entities/album-alias.entity.js';
import { AlbumArtist } from '../catalog/entities/album-artist.entity.js';
import { Album } from '../catalog/entities/album.entity.js';
import { Artist } from '../catalog/entities/artist.entity.js';
import { MovieCast } from '../catalog/entities/movie-cast.entity.js';
import { MovieCrew } from '../catalog/entities/movie-crew.entity.js';
import { Movie } from '../catalog/entities/movie.entity.js';
import { Person } from '../catalog/entities/person.entity.js';
import { User } from '../users/entities/user.entity.js';
import { WeekAlbum } from '../weeks/entities/week-album.entity.js';
import { WeekMovie } from '../weeks/entities/week-movie.entity.js';
import { Week } from '../weeks/entities/week.entity.js';

/**
 * Every entity, listed explicitly (no globs) so the same list works under jest (ts) and from dist (js). The schema
 * itself is owned by the migrations in /migrations, which must match these entities exactly.
 */
export const ENTITIES = [
  User,
  RefreshToken,
  Week,
  WeekMovie,
  WeekAlbum,
  Movie,
  Person,
  MovieCast,
  MovieCrew,
  Album,
  AlbumAlias,
  Artist,
  AlbumArtist,
];
