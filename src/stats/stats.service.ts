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
import { YearFigures } from './year-figures.js';

/**
 * The group's stats (opinions.md §2): the figures of the years in scope brought up to date
 * (YearFigures), then added up in six aggregate queries (StatsQueries), whatever the data size; in
 * memory only the streak walk over the picked spans.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly queries: StatsQueries,
    private readonly yearFigures: YearFigures,
    private readonly clock: Clock,
  ) {}

  overview(): Promise<StatsDto> {
    return this.stats({ year: null });
  }

  byYear(year: number): Promise<StatsDto> {
    return this.stats({ year });
  }

  private async stats(scope: Scope): Promise<StatsDto> {
    await this.yearFigures.bringUpToDate(scope);
    const { totals, tallies, members, taste, ranked, spans } = await this.queries.read(scope);
    const now = isoWeekOf(this.clock.now());
    const streaks = streaksOf(spans, scope.year === null || scope.year === now.year ? now : null);
    return {
      year: scope.year,
      totals: {
        weeks: totals.weeks,
        claimed_weeks: totals.claimedWeeks,
        movie_picks: totals.moviePicks,
        album_picks: totals.albumPicks,
        distinct_movies: totals.distinctMovies,
        distinct_albums: totals.distinctAlbums,
        verdicts: totals.verdicts,
        reviews: totals.reviews,
        runtime_minutes: totals.runtimeMinutes,
      },
      ratings: {
        count: totals.ratings.count,
        average: toRatingSummary(totals.ratings).average,
        histogram: tallies.histogram,
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
          ranked.wrongest.find((row) => row.memberId === member.id),
        ),
      ),
      decades: {
        movies: tallies.movieDecades.map(toDecadeCount),
        albums: tallies.albumDecades.map(toDecadeCount),
      },
      genres: tallies.genres.map(toGenreStat),
      top_directors: tallies.directors.map(toDirectorStat),
      top_artists: tallies.artists.map(toArtistStat),
      top_rated: ranked.topRated.map(toPickStat),
      divisive: ranked.divisive.map(toPickStat),
      consensus: ranked.consensus.map(toPickStat),
      taste: taste.map(toTaste),
      club_vs_tmdb: toClubVsTmdb({
        ...totals.club,
        overrated: ranked.overrated,
        underrated: ranked.underrated,
      }),
    };
  }
}
