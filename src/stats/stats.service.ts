import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import type { OwnerDto } from '../common/dto/owner.dto.js';
import { isoWeekOf } from '../weeks/iso-week.js';
import type { MemberStatsDto, StatsDto } from './dto/stats-responses.dto.js';
import { StatsQueries, type DecadeRow, type MemberRow, type Scope } from './stats-queries.js';
import { streaksOf } from './streaks.js';

/**
 * The group's stats (opinions.md §2): every figure from a fixed number of aggregate queries
 * (StatsQueries), in memory only the streak walk over the picked weeks.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly queries: StatsQueries,
    private readonly clock: Clock,
  ) {}

  overview(): Promise<StatsDto> {
    return this.stats({ year: null });
  }

  byYear(year: number): Promise<StatsDto> {
    return this.stats({ year });
  }

  private async stats(scope: Scope): Promise<StatsDto> {
    const [totals, picked, members, movieDecades, albumDecades, genres, directors, artists] =
      await Promise.all([
        this.queries.totals(scope),
        this.queries.pickedWeeks(scope),
        this.queries.members(scope),
        this.queries.decades('movie', scope),
        this.queries.decades('album', scope),
        this.queries.genres(scope),
        this.queries.directors(scope),
        this.queries.artists(scope),
      ]);
    const now = isoWeekOf(this.clock.now());
    const streaks = streaksOf(picked, scope.year === null || scope.year === now.year ? now : null);
    return {
      year: scope.year,
      totals: {
        weeks: totals.weeks,
        claimed_weeks: totals.claimedWeeks,
        movie_picks: totals.moviePicks,
        album_picks: totals.albumPicks,
        distinct_movies: totals.distinctMovies,
        distinct_albums: totals.distinctAlbums,
        verdicts: 0,
        reviews: 0,
        runtime_minutes: totals.runtimeMinutes,
      },
      ratings: { count: 0, average: null, histogram: Array<number>(10).fill(0) },
      streaks: {
        current: streaks.current,
        longest: streaks.longest,
        longest_from: streaks.longestFrom,
        longest_to: streaks.longestTo,
      },
      members: members.map(toMemberStats),
      decades: { movies: movieDecades.map(toDecade), albums: albumDecades.map(toDecade) },
      genres: genres.map(({ key, name, count }) => ({ id: key, name, count, average: null })),
      top_directors: directors.map(({ key, name, count }) => ({
        tmdb_id: key,
        name,
        count,
        average: null,
      })),
      top_artists: artists.map(({ key, name, count }) => ({
        musicbrainz_id: key,
        name,
        count,
        average: null,
      })),
      top_rated: [],
      divisive: [],
      consensus: [],
      taste: [],
      club_vs_tmdb: { movies: 0, average_delta: null, overrated: [], underrated: [] },
    };
  }
}

function toMemberStats(row: MemberRow): MemberStatsDto {
  const user: OwnerDto = { id: row.id, username: row.username };
  return {
    user,
    weeks_owned: row.weeksOwned,
    movie_picks: row.moviePicks,
    album_picks: row.albumPicks,
    verdicts_given: 0,
    average_given: null,
    average_received: null,
    wrongest_opinion: null,
  };
}

function toDecade({ decade, count }: DecadeRow) {
  return { decade, count };
}
