import type { EntityManager } from 'typeorm';

/**
 * The stats keep figures per ISO year (`stats_year_*`, src/stats/year-figures.ts), recomputed when a
 * year's `changes` counter has moved past the count they were computed at (`figures_of`). Every write
 * that changes what the stats of a year show calls one of these inside its transaction, so the mark
 * commits exactly with the change, and the next stats read recomputes that year alone.
 *
 * They live here, below every feature, because the writers are spread over the layers (weeks,
 * verdicts, movies, albums, import) and may not import the stats module above them; they name the
 * tables in SQL for the same reason. Years are marked in ascending order, the order in which a stats
 * read locks them on PostgreSQL (no deadlock between the two).
 *
 * What needs no mark: usernames, titles and people's names (the figures hold ids; names are joined
 * when read). Whatever writes behind the app's back (a database shell) should call `all` or empty
 * `stats_years`.
 */
export const StatsYears = {
  /** The years of these weeks. Call before deleting a week, while its year can still be read. */
  ofWeeks: (manager: EntityManager, weekIds: readonly number[]) =>
    mark(manager, 'SELECT w.year FROM weeks w WHERE w.id IN (:...ids)', weekIds),

  /** The years of these picks (`week_movies` or `week_albums` ids). Call before deleting them. */
  ofPicks: (manager: EntityManager, kind: 'movie' | 'album', pickIds: readonly number[]) =>
    mark(
      manager,
      `SELECT w.year FROM weeks w INNER JOIN ${PICKS[kind]} p ON p.week_id = w.id WHERE p.id IN (:...ids)`,
      pickIds,
    ),

  /** Every year in which these movies or albums are picked: their details or credits changed. */
  ofItems: (manager: EntityManager, kind: 'movie' | 'album', itemIds: readonly number[]) =>
    mark(
      manager,
      `SELECT w.year FROM weeks w INNER JOIN ${PICKS[kind]} p ON p.week_id = w.id WHERE p.${ITEM[kind]} IN (:...ids)`,
      itemIds,
    ),

  /**
   * Every year that has weeks or a counter (an import, which marks before it writes: a year whose
   * weeks are all gone keeps its counter, and one without either has no figures to be stale).
   */
  all: (manager: EntityManager) =>
    mark(manager, 'SELECT w.year FROM weeks w UNION SELECT s.year FROM stats_years s', null),
};

const PICKS = { movie: 'week_movies', album: 'week_albums' } as const;
const ITEM = { movie: 'movie_id', album: 'album_id' } as const;

async function mark(
  manager: EntityManager,
  years: string,
  ids: readonly number[] | null,
): Promise<void> {
  if (ids !== null && ids.length === 0) return;
  // An upsert both drivers spell alike; `WHERE true` keeps SQLite from reading ON CONFLICT as a join's ON.
  const [sql, parameters] = manager.connection.driver.escapeQueryWithParameters(
    `INSERT INTO stats_years (year, changes) SELECT y.year, 1 FROM (${years}) y WHERE true ` +
      'GROUP BY y.year ORDER BY y.year ON CONFLICT (year) DO UPDATE SET changes = stats_years.changes + 1',
    ids === null ? {} : { ids: [...ids] },
  );
  await manager.query(sql, parameters);
}
