import { RefreshToken } from './users/entities/refresh-token.entity.js';
import { AlbumAlias } from './albums/entities/album-alias.entity.js';
import { AlbumArtist } from './albums/entities/album-artist.entity.js';
import { Album } from './albums/entities/album.entity.js';
import { Artist } from './albums/entities/artist.entity.js';
import { MovieCast } from './movies/entities/movie-cast.entity.js';
import { MovieCrew } from './movies/entities/movie-crew.entity.js';
import { MovieGenre } from './movies/entities/movie-genre.entity.js';
import { Movie } from './movies/entities/movie.entity.js';
import { ThrottleWindow } from './auth/entities/throttle-window.entity.js';
import { UpstreamPacing } from './catalog/upstream/upstream-pacing.entity.js';
import { Invite } from './invites/entities/invite.entity.js';
import { Person } from './movies/entities/person.entity.js';
import { User } from './users/entities/user.entity.js';
import { Verdict } from './verdicts/entities/verdict.entity.js';
import { ArtistReleaseGroups } from './recommendations/entities/artist-release-groups.entity.js';
import { MovieRecommendations } from './recommendations/entities/movie-recommendations.entity.js';
import { WeekAlbum } from './weeks/entities/week-album.entity.js';
import { WeekMovie } from './weeks/entities/week-movie.entity.js';
import { Week } from './weeks/entities/week.entity.js';

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
  MovieGenre,
  Person,
  MovieCast,
  MovieCrew,
  Album,
  AlbumAlias,
  Artist,
  AlbumArtist,
  Verdict,
  Invite,
  ThrottleWindow,
  UpstreamPacing,
  MovieRecommendations,
  ArtistReleaseGroups,
];
