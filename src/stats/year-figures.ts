import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner.js';
import { ratio, type Kind, type Scope } from './stats-queries.js';

/**
 * The stats' figures per ISO year (`stats_year_*`, migration StatsYears1796860800000), which the
 * stats reads add up (StatsQueries): at 10,000 weeks the overview then adds up some 40,000 yearly
 * rows, one per year and key, instead of joining every pick, verdict and credit (bench:stats).
 *
 * A year's figures are current when its `changes` counter (moved by every write that changes what
 * they show: `StatsYears` in src/database) equals the count they were computed at. Before a read,
 * `bringUpToDate` recomputes the years in scope that are not, all of them in one transaction of a
 * fixed number of statements (each grouped by year), whatever their number.
 *
 * Why this cannot serve stale figures: the counter moves in the writer's own transaction, so it
 * becomes visible exactly with the write. The recompute locks the counters of its years first (on
 * SQLite, its first write takes the database's write lock; on PostgreSQL, FOR UPDATE in ascending
 * year order, as every mark takes them: StatsYears says who marks when), so no write to those years
 * commits while it reads them, and stamps each year with the counter it saw.
 */
@Injectable()
export class YearFigures {
  private readonly postgres: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** Recomputes the figures of the years in scope that have changed since they were computed. */
  async bringUpToDate(scope: Scope): Promise<void> {
    const stale = await this.staleYears(this.dataSource.manager, scope);
    if (stale.length === 0) return;
    // Derived data, not a user's write: no domain's read cache ends (the stats' own did, with the
    // write that made the year stale).
    await this.transactions.run([], async (manager) => {
      await this.run(manager, ENSURE_YEARS, stale);
      if (this.postgres) {
        await this.run(manager, LOCK_YEARS, stale);
        // PostgreSQL's JIT compiled one year's totals for 0.8 s (10,000 weeks: the joins'
        // estimates crossed jit_above_cost) to run them in 1 ms; no statement here needs it.
        await manager.query('SET LOCAL jit = off');
      }
      // Another request (or instance) may have recomputed some while this one waited for the lock.
      const years = await this.staleYears(manager, { year: null }, stale);
      if (years.length === 0) return;
      for (const table of FIGURE_TABLES)
        await this.run(manager, `DELETE FROM ${table} WHERE year IN (:...years)`, years);
      for (const statement of RECOMPUTE) await this.run(manager, statement, years);
      await this.run(manager, STAMP_YEARS, years);
    });
  }

  /**
   * The years in scope (or among `among`) whose figures are not current: those of the years that
   * have weeks or figures (a year whose weeks are all gone still has its figures to clear). With
   * `stats_years` emptied, every year is computed again.
   */
  private async staleYears(
    manager: EntityManager,
    scope: Scope,
    among?: number[],
  ): Promise<number[]> {
    const inScope =
      among !== undefined ? 'year IN (:...years)' : scope.year === null ? 'true' : 'year = :year';
    const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      'SELECT d.year FROM (' +
        `SELECT DISTINCT year FROM weeks WHERE ${inScope} ` +
        `UNION SELECT year FROM stats_year_totals WHERE ${inScope}` +
        ') d LEFT JOIN stats_years y ON y.year = d.year ' +
        'WHERE y.figures_of IS NULL OR y.figures_of <> y.changes ORDER BY d.year',
      { year: scope.year, years: among },
    );
    const rows = await manager.query<{ year: number | string }[]>(sql, parameters);
    return rows.map((row) => Number(row.year));
  }

  private async run(manager: EntityManager, statement: string, years: number[]): Promise<void> {
    const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(statement, {
      years,
    });
    await manager.query(sql, parameters);
  }
}

// ---------------------------------------------------------------------------------------------
// The statements. `:...years` is the list of years being recomputed. Written in SQL that SQLite
// and PostgreSQL run alike, as the reads are (StatsQueries); every rule is the one opinions.md §2
// gives for a scope, applied to each year on its own.

const FIGURE_TABLES = [
  'stats_year_totals',
  'stats_year_tallies',
  'stats_year_members',
  'stats_year_pairs',
  'stats_year_picks',
  'stats_year_spans',
];

/**
 * A counter for each year that has weeks but none yet, in ascending order as every mark (see
 * StatsYears); on SQLite, this first write takes the database's write lock.
 */
const ENSURE_YEARS =
  'INSERT INTO stats_years (year, changes) SELECT w.year, 0 FROM weeks w ' +
  'WHERE w.year IN (:...years) GROUP BY w.year ORDER BY w.year ON CONFLICT (year) DO NOTHING';

const LOCK_YEARS =
  'SELECT year FROM stats_years WHERE year IN (:...years) ORDER BY year FOR UPDATE';

const STAMP_YEARS = 'UPDATE stats_years SET figures_of = changes WHERE year IN (:...years)';

/** One SELECT per kind of pick, as `… UNION ALL …`. */
const bothKinds = (select: (kind: Kind) => string) =>
  (['movie', 'album'] as const).map(select).join(' UNION ALL ');

const KINDS = {
  movie: {
    picks: 'week_movies',
    items: 'movies',
    item: 'movie_id',
    verdict: 'week_movie_id',
    order: 0,
  },
  album: {
    picks: 'week_albums',
    items: 'albums',
    item: 'album_id',
    verdict: 'week_album_id',
    order: 1,
  },
} as const;

/**
 * Each use binds every year again: weeks are 1900–2100, so at most 201 years × the 7 uses of the
 * busiest statement (tallies, members), far under SQLite's 32,766 parameters and PostgreSQL's 65,535.
 */
const IN_YEARS = 'w.year IN (:...years)';

/** The picks of one kind in the years, as `p`, with their week as `w`. */
const picksOf = (kind: Kind) => `weeks w INNER JOIN ${KINDS[kind].picks} p ON p.week_id = w.id`;

/** The verdicts on the picks of one kind in the years, as `v`. */
const verdictsOf = (kind: Kind) =>
  `${picksOf(kind)} INNER JOIN verdicts v ON v.${KINDS[kind].verdict} = p.id`;

/** `floor(year / 10) * 10` of a `YYYY…` date: integer division on both drivers. */
const DECADE = '(CAST(SUBSTR(item.release_date, 1, 4) AS INTEGER) / 10) * 10';

/**
 * Each rated pick of one kind in the years, with what a PickStat shows of it and the totals of
 * its ratings (`ratings`, `rating_sum`, `rating_squares`).
 */
const ratedPicks = (kind: Kind) =>
  `SELECT '${kind}' AS kind, ${KINDS[kind].order} AS kind_order, p.id AS pick_id, ` +
  `p.week_id AS week_id, p.position AS position, p.${KINDS[kind].item} AS item_id, ` +
  `w.year AS year, w.week_number AS week_number, w.user_id AS picker_id, ` +
  'COUNT(v.rating) AS ratings, SUM(v.rating) AS rating_sum, SUM(v.rating * v.rating) AS rating_squares ' +
  `FROM ${verdictsOf(kind)} WHERE ${IN_YEARS} AND v.rating IS NOT NULL GROUP BY p.id, w.id`;

/** Every pick of one kind in the years, as `item_id`, with its ratings' count and sum (0 without). */
const picksWithRatings = (kind: Kind) =>
  `SELECT w.year AS year, p.${KINDS[kind].item} AS item_id, ` +
  'COUNT(v.rating) AS ratings, COALESCE(SUM(v.rating), 0) AS rating_sum ' +
  `FROM ${picksOf(kind)} LEFT JOIN verdicts v ON v.${KINDS[kind].verdict} = p.id ` +
  `WHERE ${IN_YEARS} GROUP BY w.year, p.id`;

const AVERAGE = ratio('r.rating_sum', 'r.ratings');
const VARIANCE = ratio(
  'r.ratings * r.rating_squares - r.rating_sum * r.rating_sum',
  '(r.ratings * r.ratings)',
);
const DELTA = `CASE WHEN r.kind = 'movie' AND m.vote_count > 0 THEN ${AVERAGE} - m.vote_average END`;

/** Each year's counts: one row per year on every side of the joins. */
const TOTALS =
  'INSERT INTO stats_year_totals (year, weeks, claimed_weeks, movie_picks, album_picks, ' +
  'runtime_minutes, verdicts, reviews, club_movies, club_delta_sum) ' +
  'SELECT weeks.year, weeks.weeks, weeks.claimed, COALESCE(movies.picks, 0), ' +
  'COALESCE(albums.picks, 0), COALESCE(movies.runtime, 0), COALESCE(verdicts.verdicts, 0), ' +
  'COALESCE(verdicts.reviews, 0), COALESCE(club.movies, 0), club.delta_sum ' +
  'FROM (SELECT w.year, COUNT(*) AS weeks, COUNT(w.user_id) AS claimed FROM weeks w ' +
  `WHERE ${IN_YEARS} GROUP BY w.year) weeks ` +
  `LEFT JOIN (SELECT w.year, COUNT(*) AS picks, SUM(COALESCE(item.runtime, 0)) AS runtime FROM ${picksOf('movie')} ` +
  `INNER JOIN movies item ON item.id = p.movie_id WHERE ${IN_YEARS} GROUP BY w.year) movies ON movies.year = weeks.year ` +
  `LEFT JOIN (SELECT w.year, COUNT(*) AS picks FROM ${picksOf('album')} WHERE ${IN_YEARS} GROUP BY w.year) albums ` +
  'ON albums.year = weeks.year ' +
  'LEFT JOIN (SELECT v.year, SUM(v.verdicts) AS verdicts, SUM(v.reviews) AS reviews FROM (' +
  bothKinds(
    (kind) =>
      `SELECT w.year, COUNT(*) AS verdicts, COUNT(v.review) AS reviews FROM ${verdictsOf(kind)} ` +
      `WHERE ${IN_YEARS} GROUP BY w.year`,
  ) +
  ') v GROUP BY v.year) verdicts ON verdicts.year = weeks.year ' +
  // The club (opinions.md §2.1): rated movie picks whose movie has TMDB votes.
  `LEFT JOIN (SELECT r.year, COUNT(*) AS movies, SUM(${AVERAGE} - m.vote_average) AS delta_sum ` +
  `FROM (${ratedPicks('movie')}) r INNER JOIN movies m ON m.id = r.item_id WHERE m.vote_count > 0 ` +
  'GROUP BY r.year) club ON club.year = weeks.year';

/** A tally's rows: (year, tally, tally_key, count, ratings, rating_sum, name_row). */
const TALLIES =
  'INSERT INTO stats_year_tallies (year, tally, tally_key, count, ratings, rating_sum, name_row) ' +
  [
    // Ratings by value, both kinds together.
    "SELECT r.year, 'rating', r.rating, SUM(r.count), 0, 0, CAST(NULL AS INTEGER) FROM (" +
      bothKinds(
        (kind) =>
          `SELECT w.year, v.rating, COUNT(*) AS count FROM ${verdictsOf(kind)} ` +
          `WHERE ${IN_YEARS} AND v.rating IS NOT NULL GROUP BY w.year, v.rating`,
      ) +
      ') r GROUP BY r.year, r.rating',
    // Picks by decade of their item's release (those without a release date are in no decade).
    ...(['movie', 'album'] as const).map(
      (kind) =>
        `SELECT w.year, '${kind}_decade', ${DECADE}, COUNT(*), 0, 0, CAST(NULL AS INTEGER) FROM ${picksOf(kind)} ` +
        `INNER JOIN ${KINDS[kind].items} item ON item.id = p.${KINDS[kind].item} ` +
        `WHERE ${IN_YEARS} AND item.release_date IS NOT NULL GROUP BY w.year, ${DECADE}`,
    ),
    // Genres, with the row holding the name stored last (MAX(id), named by StatsQueries.tallies).
    "SELECT p.year, 'genre', g.genre_id, COUNT(*), SUM(p.ratings), SUM(p.rating_sum), MAX(g.id) " +
      `FROM (${picksWithRatings('movie')}) p INNER JOIN movie_genres g ON g.movie_id = p.item_id ` +
      'WHERE true GROUP BY p.year, g.genre_id',
    // Directors. CROSS JOIN (its condition in WHERE) holds SQLite to "the picks first".
    "SELECT p.year, 'director', crew.person_id, COUNT(*), SUM(p.ratings), SUM(p.rating_sum), CAST(NULL AS INTEGER) " +
      `FROM (${picksWithRatings('movie')}) p CROSS JOIN movie_crew crew ` +
      "WHERE crew.movie_id = p.item_id AND crew.job = 'Director' GROUP BY p.year, crew.person_id",
    // Artists: one credited twice on an album (MusicBrainz allows it) counts once.
    "SELECT p.year, 'artist', credit.artist_id, COUNT(*), SUM(p.ratings), SUM(p.rating_sum), CAST(NULL AS INTEGER) " +
      `FROM (${picksWithRatings('album')}) p INNER JOIN album_artists credit ON credit.album_id = p.item_id ` +
      'WHERE NOT EXISTS (SELECT 1 FROM album_artists earlier WHERE earlier.album_id = credit.album_id ' +
      'AND earlier.artist_id = credit.artist_id AND earlier.credit_order < credit.credit_order) ' +
      'GROUP BY p.year, credit.artist_id',
  ].join(' UNION ALL ');

/** What each member owns, gave and received in each year: partial sums, added up per member. */
const MEMBERS =
  'INSERT INTO stats_year_members (year, user_id, weeks_owned, movie_picks, album_picks, verdicts_given, ' +
  'given_ratings, given_rating_sum, given_rating_squares, ' +
  'received_ratings, received_rating_sum, received_rating_squares) ' +
  'SELECT f.year, f.user_id, SUM(f.weeks), SUM(f.movies), SUM(f.albums), SUM(f.verdicts), ' +
  'SUM(f.g_n), SUM(f.g_sum), SUM(f.g_sq), SUM(f.r_n), SUM(f.r_sum), SUM(f.r_sq) FROM (' +
  [
    'SELECT w.year, w.user_id, COUNT(*) AS weeks, 0 AS movies, 0 AS albums, 0 AS verdicts, ' +
      '0 AS g_n, 0 AS g_sum, 0 AS g_sq, 0 AS r_n, 0 AS r_sum, 0 AS r_sq ' +
      `FROM weeks w WHERE ${IN_YEARS} AND w.user_id IS NOT NULL GROUP BY w.year, w.user_id`,
    ...(['movie', 'album'] as const).flatMap((kind) => [
      `SELECT w.year, w.user_id, 0, ${kind === 'movie' ? 'COUNT(*), 0' : '0, COUNT(*)'}, 0, 0, 0, 0, 0, 0, 0 ` +
        `FROM ${picksOf(kind)} WHERE ${IN_YEARS} AND w.user_id IS NOT NULL GROUP BY w.year, w.user_id`,
      'SELECT w.year, v.user_id, 0, 0, 0, COUNT(*), COUNT(v.rating), COALESCE(SUM(v.rating), 0), ' +
        `COALESCE(SUM(v.rating * v.rating), 0), 0, 0, 0 FROM ${verdictsOf(kind)} WHERE ${IN_YEARS} ` +
        'GROUP BY w.year, v.user_id',
      'SELECT w.year, w.user_id, 0, 0, 0, 0, 0, 0, 0, COUNT(v.rating), COALESCE(SUM(v.rating), 0), ' +
        `COALESCE(SUM(v.rating * v.rating), 0) FROM ${verdictsOf(kind)} WHERE ${IN_YEARS} ` +
        'AND w.user_id IS NOT NULL AND v.user_id <> w.user_id GROUP BY w.year, w.user_id',
    ]),
  ].join(' UNION ALL ') +
  ') f GROUP BY f.year, f.user_id';

/** Each pair's ratings of the same picks: how many, and Σ |a − b|. */
const PAIRS =
  'INSERT INTO stats_year_pairs (year, user_a, user_b, shared, difference) ' +
  'SELECT x.year, x.a, x.b, COUNT(*), SUM(x.difference) FROM (' +
  bothKinds(
    (kind) =>
      `SELECT w.year, v.user_id AS a, o.user_id AS b, ABS(v.rating - o.rating) AS difference ` +
      `FROM ${verdictsOf(kind)} INNER JOIN verdicts o ON o.${KINDS[kind].verdict} = p.id ` +
      `AND v.user_id < o.user_id WHERE ${IN_YEARS} AND v.rating IS NOT NULL AND o.rating IS NOT NULL`,
  ) +
  ') x GROUP BY x.year, x.a, x.b';

const PICK_COLUMNS =
  'year, list, member_id, kind, kind_order, pick_id, week_id, week_number, position, item_id, ' +
  'picker_id, ratings, rating_sum, rating_squares, vote_average, rank_key, rank_tie_break, your_rating';

/** Within a year, latest week first, then movies before albums, then position. */
const LATEST = 'r.week_number DESC, r.kind_order ASC, r.position ASC';

/**
 * The best 5 of each ranking in each year, by its two keys (both descending) and then the latest
 * week, as `rank_key` and `rank_tie_break`: the best 5 of any set of years are among these.
 */
const ranking = (list: string, key: string, tieBreak: string, where: string) =>
  `SELECT r.*, '${list}' AS list, CAST(NULL AS INTEGER) AS member_id, ${key} AS rank_key, ` +
  `${tieBreak} AS rank_tie_break, CAST(NULL AS INTEGER) AS your_rating, ` +
  `ROW_NUMBER() OVER (PARTITION BY r.year ORDER BY ${key} DESC, ${tieBreak} DESC, ${LATEST}) AS place ` +
  `FROM rated r WHERE ${where}`;

/**
 * Each member's wrongest opinion of each year: of their ratings of picks that at least 2 others
 * rated, the furthest from the others' mean, |n·r − Σ| / (n − 1), then the latest.
 */
const DEVIATION = ratio('ABS(r.ratings * v.rating - r.rating_sum)', '(r.ratings - 1)');
const wrongest = (kind: Kind) =>
  `SELECT r.*, 'wrongest' AS list, v.user_id AS member_id, ${DEVIATION} AS rank_key, ` +
  'CAST(0 AS DOUBLE PRECISION) AS rank_tie_break, v.rating AS your_rating, ' +
  `ROW_NUMBER() OVER (PARTITION BY r.year, v.user_id ORDER BY ${DEVIATION} DESC, ${LATEST}) AS place ` +
  `FROM rated r INNER JOIN verdicts v ON v.${KINDS[kind].verdict} = r.pick_id ` +
  `WHERE r.kind = '${kind}' AND r.ratings >= 3 AND v.rating IS NOT NULL`;

const PICKS =
  'WITH rated AS MATERIALIZED (' +
  `SELECT r.*, m.vote_average AS vote_average, ${AVERAGE} AS average, ${VARIANCE} AS variance, ` +
  `${DELTA} AS delta FROM (${bothKinds(ratedPicks)}) r ` +
  "LEFT JOIN movies m ON r.kind = 'movie' AND m.id = r.item_id) " +
  `INSERT INTO stats_year_picks (${PICK_COLUMNS}) SELECT ${PICK_COLUMNS} FROM (` +
  [
    ranking('top_rated', 'r.average', 'CAST(r.ratings AS DOUBLE PRECISION)', 'r.ratings >= 2'),
    ranking('divisive', 'r.variance', 'r.average', 'r.ratings >= 2'),
    ranking('consensus', '-r.variance', 'r.average', 'r.ratings >= 2'),
    // The club lists have one key, the delta: it stands in for the second one as well.
    ranking('overrated', 'r.delta', 'r.delta', 'r.delta IS NOT NULL'),
    ranking('underrated', '-r.delta', '-r.delta', 'r.delta IS NOT NULL'),
    wrongest('movie'),
    wrongest('album'),
  ]
    .map((list, index) => `SELECT * FROM (${list}) list_${index}`)
    .join(' UNION ALL ') +
  ") ranked WHERE ranked.place <= CASE WHEN ranked.list = 'wrongest' THEN 1 ELSE 5 END";

/**
 * The runs of consecutive picked weeks within each year: consecutive numbers share their week
 * number minus their rank in the year.
 */
const SPANS =
  'INSERT INTO stats_year_spans (year, first_week, last_week) ' +
  'SELECT s.year, MIN(s.week), MAX(s.week) FROM (' +
  'SELECT w.year, w.week_number AS week, ' +
  'w.week_number - ROW_NUMBER() OVER (PARTITION BY w.year ORDER BY w.week_number) AS span ' +
  `FROM weeks w WHERE ${IN_YEARS} AND (EXISTS (SELECT 1 FROM week_movies p WHERE p.week_id = w.id) ` +
  'OR EXISTS (SELECT 1 FROM week_albums p WHERE p.week_id = w.id))' +
  ') s GROUP BY s.year, s.span';

const RECOMPUTE = [TOTALS, TALLIES, MEMBERS, PAIRS, PICKS, SPANS];
