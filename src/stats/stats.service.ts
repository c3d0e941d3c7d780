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
    const [
      totals,
      ratings,
      picked,
      members,
      wrongest,
      ranked,
      club,
      taste,
      movieDecades,
      albumDecades,
      genres,
      directors,
      artists,
    ] = await Promise.all([
      q.totals(scope),
      q.ratings(scope),
      q.pickedWeeks(scope),
      q.members(scope),
      q.wrongestOpinions(scope),
      q.rankedPicks(scope),
      q.clubVsTmdb(scope),
      q.taste(scope),
      q.decades('movie', scope),
      q.decades('album', scope),
      q.genres(scope),
      q.directors(scope),
      q.artists(scope),
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
        verdicts: ratings.verdicts,
        reviews: ratings.reviews,
        runtime_minutes: totals.runtimeMinutes,
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
      decades: { movies: movieDecades.map(toDecadeCount), albums: albumDecades.map(toDecadeCount) },
      genres: genres.map(toGenreStat),
      top_directors: directors.map(toDirectorStat),
      top_artists: artists.map(toArtistStat),
      top_rated: ranked.topRated.map(toPickStat),
      divisive: ranked.divisive.map(toPickStat),
      consensus: ranked.consensus.map(toPickStat),
      taste: taste.map(toTaste),
      club_vs_tmdb: toClubVsTmdb(club),
    };
  }
}
