import type { EntityManager } from 'typeorm';

/**
 * The stats keep figures per ISO year (`stats_year_*`, src/stats/year-figures.ts), recomputed when a
 * year's `changes` counter has moved past the count they were computed at (`figures_of`). Every write
 * that changes what the stats of a year show calls one of these inside its transaction, so the mark
 * commits exactly with the change, and the next stats read recomputes that year alone.
 *
 * They live here, below every feature, because the writers are spread over the layers (weeks,
 * verdicts, movies, albums, import) and may not import the stats module above them; they name the
 * tables in SQL for the same reason.
 *
 * Locks, on PostgreSQL (SQLite has one writer at a time): a mark takes its years' counters in
 * ascending order, the order a stats recompute locks them in. Week, pick and verdict writers and the
 * import mark before they write anything, so none of them holds a row while it waits for a counter.
 * A stored movie or album marks last, after its own row, so that every pick of it committed by then
 * is seen; a new pick takes a share lock on its item before marking (`ofNewPick`), so that a store
 * of that item in flight commits first and sees the pick, or waits for it.
 *
 * What needs no mark: usernames, titles and people's names (the figures hold ids; names are joined
 * when read). Whatever writes behind the app's back (a database shell) should call `all` or empty
 * `stats_years`.
 */
export const StatsYears = {
  /** These years (a week about to be created in them). */
  ofYears: (manager: EntityManager, years: readonly number[]) =>
    mark(manager, yearValues(years), parametersOf(years)),

  /** The years of these weeks. Call before deleting a week, while its year can still be read. */
  ofWeeks: (manager: EntityManager, weekIds: readonly number[]) =>
    mark(manager, 'SELECT w.year FROM weeks w WHERE w.id IN (:...ids)', { ids: weekIds }),

  /** The years of these picks (`week_movies` or `week_albums` ids). Call before deleting them. */
  ofPicks: (manager: EntityManager, kind: Kind, pickIds: readonly number[]) =>
    mark(
      manager,
      `SELECT w.year FROM weeks w INNER JOIN ${PICKS[kind]} p ON p.week_id = w.id WHERE p.id IN (:...ids)`,
      { ids: pickIds },
    ),

  /** The year of a week about to get a pick of this movie or album (see the locks above). */
  async ofNewPick(manager: EntityManager, kind: Kind, weekId: number, itemId: number) {
    if (manager.connection.options.type === 'postgres') {
      await manager.query(`SELECT 1 FROM ${ITEMS[kind]} WHERE id = $1 FOR SHARE`, [itemId]);
    }
    await StatsYears.ofWeeks(manager, [weekId]);
  },

  /** Every year in which these movies or albums are picked: their details or credits changed. */
  ofItems: (manager: EntityManager, kind: Kind, itemIds: readonly number[]) =>
    mark(
      manager,
      `SELECT w.year FROM weeks w INNER JOIN ${PICKS[kind]} p ON p.week_id = w.id WHERE p.${ITEM[kind]} IN (:...ids)`,
      { ids: itemIds },
    ),

  /**
   * Every year that has weeks or a counter, and `alsoYears` (an import, before it writes: the years
   * of its weeks, so that a year new to the database is held from the start as well).
   */
  all: (manager: EntityManager, alsoYears: readonly number[] = []) =>
    mark(
      manager,
      ['SELECT w.year FROM weeks w', 'SELECT s.year FROM stats_years s']
        .concat(alsoYears.length === 0 ? [] : [yearValues(alsoYears)])
        .join(' UNION '),
      parametersOf(alsoYears),
    ),
};

type Kind = 'movie' | 'album';

const PICKS = { movie: 'week_movies', album: 'week_albums' } as const;
const ITEMS = { movie: 'movies', album: 'albums' } as const;
const ITEM = { movie: 'movie_id', album: 'album_id' } as const;

/** Years given as values: `SELECT CAST(:y0 AS INTEGER) AS year UNION …`, in both dialects. */
const yearValues = (years: readonly number[]) =>
  years.map((_, i) => `SELECT CAST(:y${i} AS INTEGER) AS year`).join(' UNION ');
const parametersOf = (years: readonly number[]) =>
  Object.fromEntries(years.map((year, i) => [`y${i}`, year]));

async function mark(
  manager: EntityManager,
  years: string,
  parameters: Record<string, number | readonly number[]>,
): Promise<void> {
  if (years === '' || Object.values(parameters).some((value) => isEmptyList(value))) return;
  // An upsert both drivers spell alike; `WHERE true` keeps SQLite from reading ON CONFLICT as a join's ON.
  const [sql, values] = manager.connection.driver.escapeQueryWithParameters(
    `INSERT INTO stats_years (year, changes) SELECT y.year, 1 FROM (${years}) y WHERE true ` +
      'GROUP BY y.year ORDER BY y.year ON CONFLICT (year) DO UPDATE SET changes = stats_years.changes + 1',
    Object.fromEntries(
      Object.entries(parameters).map(([name, value]) => [
        name,
        typeof value === 'number' ? value : [...value],
      ]),
    ),
  );
  await manager.query(sql, values);
}

function isEmptyList(value: number | readonly number[]): boolean {
  return typeof value !== 'number' && value.length === 0;
}
