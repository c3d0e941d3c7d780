import { ApiProperty } from '@nestjs/swagger';
import type { CatalogUrls } from '../../catalog/catalog-urls.js';
import type { Recommended } from '../movie-recommendations.service.js';
import type { RankedMovie, RankedReleaseGroup } from '../scoring.js';
import type { Seed } from '../seeds.js';

const SEEDS_DESCRIPTION =
  'Seeds taken (liked items: club average of 7 or more; at most 20), whether or not their upstream data could be had';
const PENDING_DESCRIPTION =
  'Seeds left out of this reply because their upstream data is not stored yet and could not be fetched now; a later call fetches them';
const SCORE_DESCRIPTION = 'The sum of the weights (average − 5) of the seeds behind it, 2 decimals';

class MovieSeedDto {
  @ApiProperty({ type: 'integer', example: 27205 }) tmdb_id: number;
  @ApiProperty({ example: 'Inception' }) title: string;
  @ApiProperty({ example: 8.33, description: 'Club average, 2 decimals' }) average: number;
}

export class MovieRecommendationDto {
  @ApiProperty({ type: 'integer', example: 1946 }) tmdb_id: number;
  @ApiProperty({ example: 'eXistenZ' }) title: string;
  @ApiProperty({ type: String, nullable: true, example: '1999-04-14' }) release_date: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'w500 poster' }) poster_url:
    string | null;
  @ApiProperty({ example: 6.9, description: "TMDB's, 0 when unknown" }) vote_average: number;
  @ApiProperty({ example: 5.33, description: SCORE_DESCRIPTION }) score: number;
  @ApiProperty({ type: [MovieSeedDto], description: 'The seeds recommending it, by weight desc' })
  because: MovieSeedDto[];
}

export class MovieRecommendationsDto {
  @ApiProperty({ type: [MovieRecommendationDto] }) results: MovieRecommendationDto[];
  @ApiProperty({ type: 'integer', description: SEEDS_DESCRIPTION }) seeds: number;
  @ApiProperty({ type: 'integer', description: PENDING_DESCRIPTION }) pending_seeds: number;
}

class AlbumSeedDto {
  @ApiProperty({ example: '3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9' }) musicbrainz_id: string;
  @ApiProperty({ example: 'The Dark Side of the Moon' }) title: string;
  @ApiProperty({ example: 9, description: 'Club average, 2 decimals' }) average: number;
}

export class AlbumRecommendationDto {
  @ApiProperty({ example: 'f5093c06-23e3-404f-aeaa-40f72885ee3a' }) release_group_id: string;
  @ApiProperty({ example: 'Wish You Were Here' }) title: string;
  @ApiProperty({ example: 'Pink Floyd', description: 'The joined artist credit' }) artist: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '1975-09-12',
    description: '`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as MusicBrainz gives it',
  })
  first_release_date: string | null;
  @ApiProperty({ example: 4, description: SCORE_DESCRIPTION }) score: number;
  @ApiProperty({
    example: 'releasegroup:"Wish You Were Here" AND artist:"Pink Floyd"',
    description: 'A query for `GET /api/albums/search` that finds releases of it',
  })
  search_query: string;
  @ApiProperty({
    type: [AlbumSeedDto],
    description: 'The seed albums of its credited seed artists, by weight desc, then title',
  })
  because: AlbumSeedDto[];
}

export class AlbumRecommendationsDto {
  @ApiProperty({ type: [AlbumRecommendationDto] }) results: AlbumRecommendationDto[];
  @ApiProperty({ type: 'integer', description: SEEDS_DESCRIPTION }) seeds: number;
  @ApiProperty({ type: 'integer', description: PENDING_DESCRIPTION }) pending_seeds: number;
}

export function toMovieRecommendations(
  { results, seeds, pendingSeeds }: Recommended<RankedMovie>,
  urls: CatalogUrls,
): MovieRecommendationsDto {
  return {
    results: results.map(({ movie, scoreHundredths, because }) => ({
      tmdb_id: movie.tmdbId,
      title: movie.title,
      release_date: movie.releaseDate,
      poster_url: urls.posterUrl(movie.posterPath),
      vote_average: movie.voteAverage,
      score: scoreHundredths / 100,
      because: because.map((seed) => ({
        tmdb_id: seed.externalId as number,
        title: seed.title,
        average: seed.averageHundredths / 100,
      })),
    })),
    seeds,
    pending_seeds: pendingSeeds,
  };
}

export function toAlbumRecommendations({
  results,
  seeds,
  pendingSeeds,
}: Recommended<RankedReleaseGroup>): AlbumRecommendationsDto {
  return {
    results: results.map(({ group, scoreHundredths, because }) => ({
      release_group_id: group.releaseGroupId,
      title: group.title,
      artist: group.artist,
      first_release_date: group.firstReleaseDate,
      score: scoreHundredths / 100,
      search_query: searchQuery(group.title, group.artist),
      because: because.map((seed: Seed) => ({
        musicbrainz_id: seed.externalId as string,
        title: seed.title,
        average: seed.averageHundredths / 100,
      })),
    })),
    seeds,
    pending_seeds: pendingSeeds,
  };
}

/** `releasegroup:"<title>" AND artist:"<artist>"`, each `"` and `\` in the values escaped by `\`. */
export function searchQuery(title: string, artist: string): string {
  const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
  return `releasegroup:${quoted(title)} AND artist:${quoted(artist)}`;
}
