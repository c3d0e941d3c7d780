import type { DataSource } from 'typeorm';
import { Album } from '../albums/entities/album.entity.js';
import { Movie } from '../movies/entities/movie.entity.js';
import { Verdict } from '../verdicts/entities/verdict.entity.js';
import { WeekAlbum } from '../weeks/entities/week-album.entity.js';
import { WeekMovie } from '../weeks/entities/week-movie.entity.js';
import { Week } from '../weeks/entities/week.entity.js';

/** At most this many seeds per request (recommendations.md §1). */
export const MAX_SEEDS = 20;

/** A liked item: picked now, with a club average of 7 or more over all its picks' ratings. */
export interface Seed {
  /** Our id of the movie or album. */
  id: number;
  /** The TMDB id or the MusicBrainz release id. */
  externalId: number | string;
  title: string;
  /** The 2-decimal average, in hundredths (integers, so sums and ties are exact). */
  averageHundredths: number;
  /** `average − 5`, in hundredths. */
  weightHundredths: number;
}

const KINDS = {
  movie: { pick: WeekMovie, item: Movie, itemColumn: 'movie_id', external: 'tmdb_id' },
  album: { pick: WeekAlbum, item: Album, itemColumn: 'album_id', external: 'musicbrainz_id' },
} as const;

const VERDICT_PICK_COLUMN = { movie: 'week_movie_id', album: 'week_album_id' } as const;

interface SeedRow {
  id: number | string;
  external_id: number | string;
  title: string;
  average: number | string;
}

/**
 * The seeds of one kind, best first: weight desc, then the latest pick's week (newest first), then
 * our id; at most MAX_SEEDS. One query: the averages are SQL aggregates over the current picks'
 * ratings, pooled (every rating of every pick of the item), rounded half-up to hundredths on
 * integers — (200·Σ + n) / 2n, an integer division on both databases — so an average of 6.995
 * counts as the 7.00 the API would show. Verdicts without a rating do not count.
 */
export async function topSeeds(dataSource: DataSource, kind: 'movie' | 'album'): Promise<Seed[]> {
  const { pick, item, itemColumn, external } = KINDS[kind];
  const sum = 'SUM(verdict.rating)';
  const count = 'COUNT(verdict.rating)';
  const rows = await dataSource
    .createQueryBuilder()
    .select('item.id', 'id')
    .addSelect(`item.${external}`, 'external_id')
    .addSelect('item.title', 'title')
    .addSelect(`(200 * ${sum} + ${count}) / (2 * ${count})`, 'average')
    .addSelect('MAX(week.year * 100 + week.week_number)', 'latest_week')
    .from(pick, 'pick')
    .innerJoin(Week, 'week', 'week.id = pick.week_id')
    .innerJoin(item, 'item', `item.id = pick.${itemColumn}`)
    .innerJoin(Verdict, 'verdict', `verdict.${VERDICT_PICK_COLUMN[kind]} = pick.id`)
    .where('verdict.rating IS NOT NULL')
    // Grouping by the primary key lets PostgreSQL select the item's other columns.
    .groupBy('item.id')
    .having(`200 * ${sum} >= 1399 * ${count}`)
    .orderBy('average', 'DESC')
    .addOrderBy('latest_week', 'DESC')
    .addOrderBy('id', 'ASC')
    .limit(MAX_SEEDS)
    .getRawMany<SeedRow>();
  return rows.map((row) => {
    const averageHundredths = Number(row.average);
    return {
      id: Number(row.id),
      externalId: kind === 'movie' ? Number(row.external_id) : String(row.external_id),
      title: row.title,
      averageHundredths,
      weightHundredths: averageHundredths - 500,
    };
  });
}
