import { ApiProperty } from '@nestjs/swagger';
import { OwnerDto, toOwner } from '../../common/dto/owner.dto.js';
import { RatingSummaryDto, toRatingSummary } from '../../common/dto/rating-summary.dto.js';
import { roundHalfUp, roundRatio } from '../../common/rounding.js';
import type {
  ClubRow,
  ClubVsTmdb,
  DecadeRow,
  MemberRow,
  NamedStat,
  PairRow,
  PickRow,
  WrongestRow,
} from '../stats-queries.js';

/** An average or a spread as sent: rounded half-up to 2 decimals, null where undefined. */
const ROUNDED = { type: Number, nullable: true, example: 7.33 } as const;
const COUNT = { type: 'integer', minimum: 0 } as const;
const ISO_WEEK = { type: String, nullable: true, pattern: '^\\d{4}-W\\d{2}$', example: '2025-W07' };

export class StatsTotalsDto {
  @ApiProperty({ ...COUNT, description: 'Weeks, unclaimed ones included' }) weeks: number;
  @ApiProperty({ ...COUNT, description: 'Weeks with an owner' }) claimed_weeks: number;
  @ApiProperty(COUNT) movie_picks: number;
  @ApiProperty(COUNT) album_picks: number;
  @ApiProperty({ ...COUNT, description: 'Distinct movies picked' }) distinct_movies: number;
  @ApiProperty({ ...COUNT, description: 'Distinct albums picked' }) distinct_albums: number;
  @ApiProperty(COUNT) verdicts: number;
  @ApiProperty({ ...COUNT, description: 'Verdicts with a review' }) reviews: number;
  @ApiProperty({
    ...COUNT,
    description:
      'Stored runtime of every movie pick (unknown counts 0; a movie picked twice, twice)',
  })
  runtime_minutes: number;
}

export class RatingsDto {
  @ApiProperty(COUNT) count: number;
  @ApiProperty({ ...ROUNDED, description: 'Mean of every rating; null without ratings' })
  average: number | null;
  @ApiProperty({
    type: 'integer',
    isArray: true,
    minItems: 10,
    maxItems: 10,
    example: [0, 1, 0, 2, 3, 5, 8, 4, 2, 1],
    description: '`histogram[i]` counts the ratings equal to i + 1',
  })
  histogram: number[];
}

export class StreaksDto {
  @ApiProperty({
    ...COUNT,
    description:
      'The run ending at the current ISO week, or at the week before when the current week has no pick yet; else 0',
  })
  current: number;
  @ApiProperty({ ...COUNT, description: 'The longest run of consecutive ISO weeks with a pick' })
  longest: number;
  @ApiProperty({ ...ISO_WEEK, description: "The longest run's first week (earliest run on a tie)" })
  longest_from: string | null;
  @ApiProperty({ ...ISO_WEEK, description: "The longest run's last week" })
  longest_to: string | null;
}

export class PickStatDto {
  @ApiProperty({ enum: ['movie', 'album'] }) kind: 'movie' | 'album';
  @ApiProperty({ type: 'integer' }) week_id: number;
  @ApiProperty({ type: 'integer', example: 2025 }) year: number;
  @ApiProperty({ type: 'integer', example: 7 }) week_number: number;
  @ApiProperty({ type: 'integer', enum: [1, 2] }) position: number;
  @ApiProperty() title: string;
  @ApiProperty({
    type: OwnerDto,
    nullable: true,
    description: "The week's owner; null if unclaimed",
  })
  picked_by: OwnerDto | null;
  @ApiProperty({ type: RatingSummaryDto }) rating: RatingSummaryDto;
}

export class TmdbPickStatDto extends PickStatDto {
  @ApiProperty({ type: Number, example: 7.9 }) tmdb_vote_average: number;
}

export class WrongestOpinionDto extends PickStatDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 10 }) your_rating: number;
  @ApiProperty({ type: Number, example: 8.5, description: "Other members' mean rating" })
  others_average: number;
  @ApiProperty({ type: Number, example: -6.5, description: 'your_rating − others_average' })
  deviation: number;
}

export class MemberStatsDto {
  @ApiProperty({ type: OwnerDto }) user: OwnerDto;
  @ApiProperty(COUNT) weeks_owned: number;
  @ApiProperty(COUNT) movie_picks: number;
  @ApiProperty(COUNT) album_picks: number;
  @ApiProperty(COUNT) verdicts_given: number;
  @ApiProperty({ ...ROUNDED, description: "The member's own ratings" })
  average_given: number | null;
  @ApiProperty({
    ...ROUNDED,
    description: "Other members' ratings of the member's picks (the member's own excluded)",
  })
  average_received: number | null;
  @ApiProperty({
    type: WrongestOpinionDto,
    nullable: true,
    description:
      'The rating furthest from the mean of the others, on picks at least 2 others rated; null when there is none',
  })
  wrongest_opinion: WrongestOpinionDto | null;
}

export class DecadeCountDto {
  @ApiProperty({ type: 'integer', example: 1990 }) decade: number;
  @ApiProperty(COUNT) count: number;
}

export class DecadesDto {
  @ApiProperty({ type: [DecadeCountDto], description: 'By release year of movie picks, ascending' })
  movies: DecadeCountDto[];
  @ApiProperty({ type: [DecadeCountDto], description: 'By release year of album picks, ascending' })
  albums: DecadeCountDto[];
}

export class GenreStatDto {
  @ApiProperty({ type: 'integer', description: "TMDB's genre id" }) id: number;
  @ApiProperty({ example: 'Science Fiction' }) name: string;
  @ApiProperty({ ...COUNT, description: 'Movie picks of that genre' }) count: number;
  @ApiProperty({ ...ROUNDED, description: 'Over the ratings of those picks' })
  average: number | null;
}

export class DirectorStatDto {
  @ApiProperty({ type: 'integer' }) tmdb_id: number;
  @ApiProperty({ example: 'Christopher Nolan' }) name: string;
  @ApiProperty({ ...COUNT, description: 'Movie picks directed' }) count: number;
  @ApiProperty({ ...ROUNDED, description: 'Over the ratings of those picks' })
  average: number | null;
}

export class ArtistStatDto {
  @ApiProperty({ format: 'uuid' }) musicbrainz_id: string;
  @ApiProperty({ example: 'Radiohead' }) name: string;
  @ApiProperty({ ...COUNT, description: 'Album picks credited' }) count: number;
  @ApiProperty({ ...ROUNDED, description: 'Over the ratings of those picks' })
  average: number | null;
}

export class TasteDto {
  @ApiProperty({ type: OwnerDto, description: 'The member with the smaller id' }) a: OwnerDto;
  @ApiProperty({ type: OwnerDto }) b: OwnerDto;
  @ApiProperty({ type: 'integer', minimum: 3, description: 'Picks both rated' }) shared: number;
  @ApiProperty({
    type: Number,
    minimum: 0,
    maximum: 1,
    example: 0.81,
    description: '1 − mean(|rating_a − rating_b|) / 9 over those picks',
  })
  similarity: number;
}

export class ClubVsTmdbDto {
  @ApiProperty({ ...COUNT, description: 'Movie picks with a rating and TMDB votes' })
  movies: number;
  @ApiProperty({ ...ROUNDED, description: 'Mean of (club average − TMDB vote_average)' })
  average_delta: number | null;
  @ApiProperty({ type: [TmdbPickStatDto], description: 'Largest positive delta first, at most 5' })
  overrated: TmdbPickStatDto[];
  @ApiProperty({ type: [TmdbPickStatDto], description: 'Most negative delta first, at most 5' })
  underrated: TmdbPickStatDto[];
}

/** `GET /api/stats/overview` and `GET /api/stats/by-year/{year}` (opinions.md §2.1). */
export class StatsDto {
  @ApiProperty({ type: 'integer', nullable: true, description: 'null for the overview' })
  year: number | null;
  @ApiProperty({ type: StatsTotalsDto }) totals: StatsTotalsDto;
  @ApiProperty({ type: RatingsDto }) ratings: RatingsDto;
  @ApiProperty({ type: StreaksDto }) streaks: StreaksDto;
  @ApiProperty({
    type: [MemberStatsDto],
    description: 'Who owns a week or gave a verdict in scope, by username',
  })
  members: MemberStatsDto[];
  @ApiProperty({ type: DecadesDto }) decades: DecadesDto;
  @ApiProperty({ type: [GenreStatDto], description: 'Every genre, by count desc then name' })
  genres: GenreStatDto[];
  @ApiProperty({
    type: [DirectorStatDto],
    description: 'At most 10, by count desc, average desc (null last), name',
  })
  top_directors: DirectorStatDto[];
  @ApiProperty({
    type: [ArtistStatDto],
    description: 'At most 10, by count desc, average desc (null last), name',
  })
  top_artists: ArtistStatDto[];
  @ApiProperty({
    type: [PickStatDto],
    description: 'Picks with ≥ 2 ratings by average desc, count desc, latest week; at most 5',
  })
  top_rated: PickStatDto[];
  @ApiProperty({
    type: [PickStatDto],
    description: 'Picks with ≥ 2 ratings by spread desc, average desc, latest week; at most 5',
  })
  divisive: PickStatDto[];
  @ApiProperty({
    type: [PickStatDto],
    description: 'Picks with ≥ 2 ratings by spread asc, average desc, latest week; at most 5',
  })
  consensus: PickStatDto[];
  @ApiProperty({
    type: [TasteDto],
    description: 'Pairs with ≥ 3 shared rated picks, by similarity desc, shared desc, a.id, b.id',
  })
  taste: TasteDto[];
  @ApiProperty({ type: ClubVsTmdbDto }) club_vs_tmdb: ClubVsTmdbDto;
}

// ---------------------------------------------------------------------------------------------
// Mappers: rounding happens here, when the numbers are sent, and nowhere before.

export function toPickStat(row: PickRow): PickStatDto {
  return {
    kind: row.kind,
    week_id: row.weekId,
    year: row.year,
    week_number: row.weekNumber,
    position: row.position,
    title: row.title,
    picked_by: row.picker && toOwner(row.picker),
    rating: toRatingSummary(row.ratings),
  };
}

/** The others' mean is (Σ − r) / (n − 1) and the deviation r − that, (n·r − Σ) / (n − 1): exact fractions. */
export function toWrongestOpinion(row: WrongestRow): WrongestOpinionDto {
  const { count, sum } = row.ratings;
  return {
    ...toPickStat(row),
    your_rating: row.yourRating,
    others_average: roundRatio(sum - row.yourRating, count - 1),
    deviation: roundRatio(count * row.yourRating - sum, count - 1),
  };
}

export function toMemberStats(row: MemberRow, wrongest: WrongestRow | undefined): MemberStatsDto {
  return {
    user: toOwner(row),
    weeks_owned: row.weeksOwned,
    movie_picks: row.moviePicks,
    album_picks: row.albumPicks,
    verdicts_given: row.verdictsGiven,
    average_given: toRatingSummary(row.given).average,
    average_received: toRatingSummary(row.received).average,
    wrongest_opinion: wrongest ? toWrongestOpinion(wrongest) : null,
  };
}

export function toDecadeCount({ decade, count }: DecadeRow): DecadeCountDto {
  return { decade, count };
}

export function toGenreStat({ key, name, count, ratings }: NamedStat<number>): GenreStatDto {
  return { id: key, name, count, average: toRatingSummary(ratings).average };
}

export function toDirectorStat({ key, name, count, ratings }: NamedStat<number>): DirectorStatDto {
  return { tmdb_id: key, name, count, average: toRatingSummary(ratings).average };
}

export function toArtistStat({ key, name, count, ratings }: NamedStat<string>): ArtistStatDto {
  return { musicbrainz_id: key, name, count, average: toRatingSummary(ratings).average };
}

/** 1 − mean(|a − b|) / 9 is (9·shared − Σ|a − b|) / (9·shared), a fraction of integers. */
export function toTaste({ a, b, shared, difference }: PairRow): TasteDto {
  return {
    a: toOwner(a),
    b: toOwner(b),
    shared,
    similarity: roundRatio(9 * shared - difference, 9 * shared),
  };
}

function toTmdbPickStat(row: ClubRow): TmdbPickStatDto {
  return { ...toPickStat(row), tmdb_vote_average: row.voteAverage };
}

export function toClubVsTmdb(club: ClubVsTmdb): ClubVsTmdbDto {
  return {
    movies: club.movies,
    average_delta: club.averageDelta === null ? null : roundHalfUp(club.averageDelta),
    overrated: club.overrated.map(toTmdbPickStat),
    underrated: club.underrated.map(toTmdbPickStat),
  };
}
