import type { DataSource, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import {
  addRatings,
  NO_RATINGS,
  toRatingSummary,
  type RatingSummaryDto,
  type RatingTotals,
} from '../common/dto/rating-summary.dto.js';
import type { SelectionDto } from '../common/dto/selections-page.dto.js';
import { CompiledQuery, isoTimestampReader } from './compiled-query.js';

/**
 * How each kind of pick is stored. Picks belong to the weeks module and verdicts to the verdicts
 * module, which both depend on movies and albums, so their entities are named here, not imported.
 */
const PICKS = {
  movie: {
    pickEntityName: 'WeekMovie',
    pickItemRelation: 'pick.movie',
    pickItemColumn: 'movie_id',
    verdictPickColumn: 'week_movie_id',
  },
  album: {
    pickEntityName: 'WeekAlbum',
    pickItemRelation: 'pick.album',
    pickItemColumn: 'album_id',
    verdictPickColumn: 'week_album_id',
  },
} as const;

export interface SelectedItemsSource<R, D> {
  kind: keyof typeof PICKS;
  itemEntity: EntityTarget<ObjectLiteral>;
  /** Adds the columns `toRef` reads of the item, joined as `alias`. */
  selectItem: (query: SelectQueryBuilder<ObjectLiteral>, alias: string) => void;
  toRef: (row: R) => D;
}

/** One pick of an item, with its week and the aggregates of its ratings. */
interface PickRow {
  item_id: number;
  week_id: number;
  year: number;
  week_number: number;
  position: number;
  added_at: unknown;
  count: number | string;
  sum: number | string | null;
  squares: number | string | null;
}

export type SelectedItem<D> = D & { selections: SelectionDto[]; rating: RatingSummaryDto };

export interface SelectedItemsPage<D> {
  total: number;
  page: number;
  page_size: number;
  results: SelectedItem<D>[];
}

/**
 * Distinct picked movies or albums, by lowercased title then id (a stable order, so pages never
 * overlap), each with every week it was picked in and the ratings of each pick, added up per item
 * (opinions.md §1.4), mapped straight from raw rows to the reply. Two queries whatever the page
 * size, compiled once (`CompiledQuery`): the count, and the page's picks with their items, weeks
 * and rating aggregates (count, sum, sum of squares: no verdict row is read). The lowercased title
 * is stored (`sort_title`, compared by code point on both databases) because SQLite's lower() only
 * folds ASCII.
 */
export class SelectedItems<R, D> {
  private readonly iso: (raw: unknown) => string;
  private readonly count: CompiledQuery<Record<string, never>, { total: number | string }>;
  private readonly picks: CompiledQuery<{ limit: number; offset: number }, PickRow & R>;

  constructor(
    dataSource: DataSource,
    private readonly source: SelectedItemsSource<R, D>,
  ) {
    const { kind, itemEntity, selectItem } = source;
    const { pickEntityName, pickItemRelation, pickItemColumn, verdictPickColumn } = PICKS[kind];
    const pickTable = dataSource.getMetadata(pickEntityName).tableName;
    const itemTable = dataSource.getMetadata(itemEntity).tableName;
    this.iso = isoTimestampReader(dataSource, pickEntityName, 'addedAt');
    this.count = new CompiledQuery(dataSource, [], () =>
      dataSource
        .createQueryBuilder()
        .select(`COUNT(DISTINCT pick.${pickItemColumn})`, 'total')
        .from(pickEntityName, 'pick'),
    );
    this.picks = new CompiledQuery(dataSource, ['limit', 'offset'], () => {
      const query = dataSource
        .createQueryBuilder()
        .select('item.id', 'item_id')
        .addSelect('pick.weekId', 'week_id')
        .addSelect('week.year', 'year')
        .addSelect('week.weekNumber', 'week_number')
        .addSelect('pick.position', 'position')
        .addSelect('pick.addedAt', 'added_at')
        .addSelect('COUNT(verdict.rating)', 'count')
        .addSelect('SUM(verdict.rating)', 'sum')
        .addSelect('SUM(verdict.rating * verdict.rating)', 'squares')
        .from(pickEntityName, 'pick')
        .innerJoin('pick.week', 'week')
        .innerJoin(pickItemRelation, 'item')
        .leftJoin('Verdict', 'verdict', `verdict.${verdictPickColumn} = pick.id`)
        // The page of items as a subquery, so LIMIT and OFFSET are parameters. EXISTS lets the
        // database walk the sort_title index and stop after one page; IN (subquery) made SQLite
        // sort every selected item first (5 ms at 20,000 picks, per bench:reads).
        .where(
          `pick.${pickItemColumn} IN (SELECT paged.id FROM ${itemTable} paged ` +
            `WHERE EXISTS (SELECT 1 FROM ${pickTable} p WHERE p.${pickItemColumn} = paged.id) ` +
            'ORDER BY paged.sort_title, paged.id LIMIT :limit OFFSET :offset)',
        )
        // Grouped by primary keys: PostgreSQL then allows every other column of those rows.
        .groupBy('pick.id')
        .addGroupBy('week.id')
        .addGroupBy('item.id')
        .orderBy('item.sortTitle', 'ASC')
        .addOrderBy('item.id', 'ASC')
        .addOrderBy('week.year', 'ASC')
        .addOrderBy('week.weekNumber', 'ASC')
        .addOrderBy('pick.position', 'ASC');
      selectItem(query, 'item');
      return query;
    });
  }

  async page(page: number, pageSize: number): Promise<SelectedItemsPage<D>> {
    const [counted, rows] = await Promise.all([
      this.count.run({}),
      this.picks.run({ limit: pageSize, offset: (page - 1) * pageSize }),
    ]);
    const results: SelectedItem<D>[] = [];
    // Rows come item by item, each item's picks in week order.
    for (let start = 0; start < rows.length;) {
      const first = rows[start];
      const selections: SelectionDto[] = [];
      let pooled = NO_RATINGS;
      let end = start;
      for (; end < rows.length && rows[end].item_id === first.item_id; end++) {
        const row = rows[end];
        const totals: RatingTotals = {
          count: Number(row.count),
          sum: Number(row.sum),
          sumOfSquares: Number(row.squares),
        };
        selections.push({
          week_id: row.week_id,
          year: row.year,
          week_number: row.week_number,
          position: row.position,
          added_at: this.iso(row.added_at),
          rating: toRatingSummary(totals),
        });
        pooled = addRatings(pooled, totals);
      }
      results.push({ ...this.source.toRef(first), selections, rating: toRatingSummary(pooled) });
      start = end;
    }
    return { total: Number(counted[0].total), page, page_size: pageSize, results };
  }
}
