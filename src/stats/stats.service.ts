import { Injectable } from '@nestjs/common';
import { toRatingSummary } from '../common/dto/rating-summary.dto.js';
import { Clock } from '../common/clock.js';
import { isoWeekOf } from '../weeks/iso-week.js';
import {
  toArtistStat,
  toClubVsTmdb,
  toDecadeCount,
  toDirectorStat,
  toGenreStat,
  toMemberStats,
  toPickStat,
  toTaste,
  type StatsDto,
} from './dto/stats-responses.dto.js';
import { StatsQueries, type Scope } from './stats-queries.js';
import { streaksOf } from './streaks.js';

/**
 * The group's stats (opinions.md §2): every figure from a fixed number of aggregate queries
 * (StatsQueries), whatever the data size; in memory only the streak walk over the picked weeks.
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
    const q = this.queries;
    // Side by side (ParallelReads), the costliest first: at 10,000 weeks the first two take
    // 60-70 ms each, the rest 1-30 ms, so the others fill in while those two run.
    const [rankings, named, members, taste, movies, picked, wrongest, ratings, albums, weeks] =
      await Promise.all([
        q.rankings(scope),
        q.namedStats(scope),
        q.members(scope),
        q.taste(scope),
        q.picked('movie', scope),
        q.pickedSpans(scope),
        q.wrongestOpinions(scope),
        q.ratings(scope),
        q.picked('album', scope),
        q.weeks(scope),
      ]);
    const now = isoWeekOf(this.clock.now());
    const streaks = streaksOf(picked, scope.year === null || scope.year === now.year ? now : null);
    return {
      year: scope.year,
      totals: {
        weeks: weeks.weeks,
        claimed_weeks: weeks.claimed,
        movie_picks: movies.picks,
        album_picks: albums.picks,
        distinct_movies: movies.items,
        distinct_albums: albums.items,
        verdicts: ratings.verdicts,
        reviews: ratings.reviews,
        runtime_minutes: movies.runtimeMinutes,
      },
      ratings: {
        count: ratings.totals.count,
        average: toRatingSummary(ratings.totals).average,
        histogram: ratings.histogram,
      },
      streaks: {
        current: streaks.current,
        longest: streaks.longest,
        longest_from: streaks.longestFrom,
        longest_to: streaks.longestTo,
      },
      members: members.map((member) =>
        toMemberStats(
          member,
          wrongest.find((row) => row.memberId === member.id),
        ),
      ),
      decades: {
        movies: movies.decades.map(toDecadeCount),
        albums: albums.decades.map(toDecadeCount),
      },
      genres: named.genres.map(toGenreStat),
      top_directors: named.directors.map(toDirectorStat),
      top_artists: named.artists.map(toArtistStat),
      top_rated: rankings.topRated.map(toPickStat),
      divisive: rankings.divisive.map(toPickStat),
      consensus: rankings.consensus.map(toPickStat),
      taste: taste.map(toTaste),
      club_vs_tmdb: toClubVsTmdb(rankings.club),
    };
  }
}
