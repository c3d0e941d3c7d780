import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner.js';
import type { RatingTotals } from '../common/dto/rating-summary.dto.js';
import type { PickedSpan } from './streaks.js';

/** The weeks the figures count: every week, or the weeks of one ISO year. */
export interface Scope {
  year: number | null;
}

export type Kind = 'movie' | 'album';

export interface Totals {
  weeks: number;
  claimedWeeks: number;
  moviePicks: number;
  albumPicks: number;
  distinctMovies: number;
  distinctAlbums: number;
  /** Unknown runtimes count 0. */
  runtimeMinutes: number;
  verdicts: number;
  reviews: number;
  /** Every rating in scope, pooled. */
  ratings: RatingTotals;
  club: { movies: number; averageDelta: number | null };
}

export interface Tallies {
  /** `histogram[i]`: the ratings equal to i + 1. */
  histogram: number[];
  movieDecades: DecadeRow[];
  albumDecades: DecadeRow[];
  genres: NamedStat<number>[];
  directors: NamedStat<number>[];
  artists: NamedStat<string>[];
}

export interface MemberRow {
  id: number;
  username: string;
  weeksOwned: number;
  moviePicks: number;
  albumPicks: number;
  verdictsGiven: number;
  given: RatingTotals;
  received: RatingTotals;
}

/** A pick with its week, picker, title and the unrounded totals of its ratings. */
export interface PickRow {
  kind: Kind;
  weekId: number;
  year: number;
  weekNumber: number;
  position: number;
  title: string;
  picker: { id: number; username: string } | null;
  ratings: RatingTotals;
}

export interface WrongestRow extends PickRow {
  memberId: number;
  yourRating: number;
}

export interface ClubRow extends PickRow {
  voteAverage: number;
}

export interface RankedPicks {
  topRated: PickRow[];
  divisive: PickRow[];
  consensus: PickRow[];
  overrated: ClubRow[];
  underrated: ClubRow[];
  wrongest: WrongestRow[];
}

export interface ClubVsTmdb {
  movies: number;
  /** Unrounded; null without movies. */
  averageDelta: number | null;
  overrated: ClubRow[];
  underrated: ClubRow[];
}

export interface DecadeRow {
  decade: number;
  count: number;
}

export interface NamedStat<K> {
  key: K;
  name: string;
  count: number;
  ratings: RatingTotals;
}

export interface PairRow {
  a: { id: number; username: string };
  b: { id: number; username: string };
  shared: number;
  /** Σ |rating_a − rating_b| over the shared picks. */
  difference: number;
}

/** What a reply is built from. */
export interface StatsRows {
  totals: Totals;
  tallies: Tallies;
  members: MemberRow[];
  taste: PairRow[];
  ranked: RankedPicks;
  spans: PickedSpan[];
}

type RankingList = 'top_rated' | 'divisive' | 'consensus' | 'overrated' | 'underrated';
type NamedList = 'genre' | 'director' | 'artist';

/** At most this many directors and artists; at most this many picks in each ranking. */
const TOP_PEOPLE = 10;
const TOP_PICKS = 5;

/** COUNT and SUM come back as strings from PostgreSQL (bigint), as numbers from SQLite. */
const int = (value: unknown): number => Number(value ?? 0);
const totalsOf = (row: Row, prefix = ''): RatingTotals => ({
  count: int(row[`${prefix}ratings`]),
  sum: int(row[`${prefix}rating_sum`]),
  sumOfSquares: int(row[`${prefix}rating_squares`]),
});
/** Exact enough to order by: equal fractions of integers give the same double on both drivers. */
export const ratio = (numerator: string, denominator: string) =>
  `CAST(${numerator} AS DOUBLE PRECISION) / ${denominator}`;

type Row = Record<string, unknown>;

/**
 * The stats of a scope (opinions.md §2), read from the figures of its years (YearFigures keeps them
 * current): six statements, each adding up the rows of the years in scope, whatever the data size.
 * Every rule is decided in SQL, in SQL that SQLite and PostgreSQL run alike (joins, UNION ALL,
 * aggregates, window functions, ORDER BY … LIMIT); the rows that come back are the answer.
 *
 * Sums of years are the figures of their union because every pick, and every verdict on it, belongs
 * to one year: counts and rating totals add up; the best 5 of a ranking are among the best 5 of
 * each year; a member's wrongest opinion is the wrongest of their yearly ones. Distinct movies and
 * albums do not add up (one can be picked in two years): they are counted from the picks.
 */
@Injectable()
export class StatsQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  /**
   * Every sum of a reply, in one unit of work: on SQLite, whose one connection every request shares,
   * no other unit (a recompute between its deletes and inserts, say) runs a statement among them.
   */
  read(scope: Scope): Promise<StatsRows> {
    return this.transactions.run([], async (manager) => {
      const [totals, tallies, members, taste, ranked, spans] = await Promise.all([
        this.totals(scope, manager),
        this.tallies(scope, manager),
        this.members(scope, manager),
        this.taste(scope, manager),
        this.rankedPicks(scope, manager),
        this.pickedSpans(scope, manager),
      ]);
      return { totals, tallies, members, taste, ranked, spans };
    });
  }

  /** The scope's counts, the pooled ratings and the club's size and mean delta against TMDB. */
  private async totals(scope: Scope, manager: EntityManager): Promise<Totals> {
    const distinct = (kind: Kind) => {
      const [picks, item] =
        kind === 'movie' ? ['week_movies', 'movie_id'] : ['week_albums', 'album_id'];
      return scope.year === null
        ? `SELECT COUNT(DISTINCT p.${item}) AS items FROM ${picks} p`
        : `SELECT COUNT(DISTINCT p.${item}) AS items FROM ${picks} p ` +
            'INNER JOIN weeks w ON w.id = p.week_id WHERE w.year = :year';
    };
    const [row = {}] = await this.rows(
      manager,
      'SELECT t.*, r.*, movies.items AS distinct_movies, albums.items AS distinct_albums FROM ' +
        '(SELECT SUM(t.weeks) AS weeks, SUM(t.claimed_weeks) AS claimed_weeks, ' +
        'SUM(t.movie_picks) AS movie_picks, SUM(t.album_picks) AS album_picks, ' +
        'SUM(t.runtime_minutes) AS runtime_minutes, SUM(t.verdicts) AS verdicts, ' +
        'SUM(t.reviews) AS reviews, SUM(t.club_movies) AS club_movies, ' +
        `CASE WHEN SUM(t.club_movies) > 0 THEN ${ratio('SUM(t.club_delta_sum)', 'SUM(t.club_movies)')} END ` +
        `AS club_average_delta FROM stats_year_totals t WHERE ${inScope('t', scope)}) t ` +
        'CROSS JOIN (SELECT SUM(r.count) AS ratings, SUM(r.count * r.tally_key) AS rating_sum, ' +
        'SUM(r.count * r.tally_key * r.tally_key) AS rating_squares FROM stats_year_tallies r ' +
        `WHERE r.tally = 'rating' AND ${inScope('r', scope)}) r ` +
        `CROSS JOIN (${distinct('movie')}) movies CROSS JOIN (${distinct('album')}) albums`,
      scope,
    );
    const clubMovies = int(row.club_movies);
    return {
      weeks: int(row.weeks),
      claimedWeeks: int(row.claimed_weeks),
      moviePicks: int(row.movie_picks),
      albumPicks: int(row.album_picks),
      distinctMovies: int(row.distinct_movies),
      distinctAlbums: int(row.distinct_albums),
      runtimeMinutes: int(row.runtime_minutes),
      verdicts: int(row.verdicts),
      reviews: int(row.reviews),
      ratings: totalsOf(row),
      club: {
        movies: clubMovies,
        averageDelta: clubMovies > 0 ? Number(row.club_average_delta) : null,
      },
    };
  }

  /**
   * The histogram, the decades (ascending; items without a release date are in none), every genre
   * (by count, then name) and the top 10 directors and artists (by count, best rated first and
   * unrated last, then name), each with its number of picks and the totals of their ratings.
   */
  private async tallies(scope: Scope, manager: EntityManager): Promise<Tallies> {
    /** A named list, its keys' sums `s` joined to their names, ordered and cut. */
    const named = (list: NamedList, join: string, id: string, name: string, limit?: number) => {
      const byRating = list !== 'genre';
      const unrated = byRating ? 'CASE WHEN s.ratings = 0 THEN 1 ELSE 0 END' : '0';
      const average = byRating ? ratio('s.rating_sum', 'NULLIF(s.ratings, 0)') : '0';
      const order = [
        's.count DESC',
        ...(byRating ? [`${unrated} ASC`, `${average} DESC`] : []),
        `${name} ASC`,
        `${id} ASC`,
      ];
      // Only keys counted at least as often as the last of the top `limit` can be among them: the
      // names (22,000 directors at 10,000 weeks) are joined to those alone.
      const contenders =
        limit === undefined
          ? ''
          : ` AND s.count >= COALESCE((SELECT c.count FROM sums c WHERE c.tally = '${list}' ` +
            `ORDER BY c.count DESC LIMIT 1 OFFSET ${limit - 1}), 0)`;
      return (
        `SELECT s.tally AS list, 0 AS sort_key, ${id} AS id, ${name} AS name, s.count, s.ratings, ` +
        `s.rating_sum, ${unrated} AS sort_unrated, CAST(${average} AS DOUBLE PRECISION) AS sort_average ` +
        `FROM sums s ${join} WHERE s.tally = '${list}'${contenders} ORDER BY ${order.join(', ')}` +
        (limit === undefined ? '' : ` LIMIT ${limit}`)
      );
    };
    const lists = [
      // Ratings and decades: every key, in key order.
      'SELECT s.tally AS list, s.tally_key AS sort_key, CAST(s.tally_key AS TEXT) AS id, ' +
        'CAST(NULL AS TEXT) AS name, s.count, s.ratings, s.rating_sum, 0 AS sort_unrated, ' +
        "CAST(0 AS DOUBLE PRECISION) AS sort_average FROM sums s WHERE s.tally IN ('rating', 'movie_decade', 'album_decade')",
      // One name per genre, should TMDB have renamed one between two fetches: the one stored last.
      named(
        'genre',
        'INNER JOIN movie_genres genre ON genre.id = s.name_row',
        'CAST(s.tally_key AS TEXT)',
        'genre.name',
      ),
      named(
        'director',
        'INNER JOIN people person ON person.id = s.tally_key',
        'CAST(person.tmdb_id AS TEXT)',
        'person.name',
        TOP_PEOPLE,
      ),
      named(
        'artist',
        'INNER JOIN artists artist ON artist.id = s.tally_key',
        'artist.musicbrainz_id',
        'artist.name',
        TOP_PEOPLE,
      ),
    ];
    const rows = await this.rows(
      manager,
      'WITH sums AS MATERIALIZED (SELECT t.tally, t.tally_key, SUM(t.count) AS count, ' +
        'SUM(t.ratings) AS ratings, SUM(t.rating_sum) AS rating_sum, MAX(t.name_row) AS name_row ' +
        `FROM stats_year_tallies t WHERE ${inScope('t', scope)} GROUP BY t.tally, t.tally_key) ` +
        'SELECT * FROM (' +
        lists.map((list, index) => `SELECT * FROM (${list}) list_${index}`).join(' UNION ALL ') +
        ') r ORDER BY r.list, r.sort_key, r.count DESC, r.sort_unrated, r.sort_average DESC, r.name, r.id',
      scope,
    );
    const list = (name: string) => rows.filter((row) => row.list === name);
    const histogram = Array<number>(10).fill(0);
    for (const row of list('rating')) histogram[int(row.sort_key) - 1] = int(row.count);
    const decades = (kind: Kind) =>
      list(`${kind}_decade`).map((row) => ({ decade: int(row.sort_key), count: int(row.count) }));
    return {
      histogram,
      movieDecades: decades('movie'),
      albumDecades: decades('album'),
      genres: list('genre').map((row) => namedStat(int(row.id), row)),
      directors: list('director').map((row) => namedStat(int(row.id), row)),
      artists: list('artist').map((row) => namedStat(String(row.id), row)),
    };
  }

  /**
   * Every member who owns a week or gave a verdict in scope, by username: what they own, the
   * ratings they gave, and the ratings others gave their picks.
   */
  private async members(scope: Scope, manager: EntityManager): Promise<MemberRow[]> {
    const sums = ['weeks_owned', 'movie_picks', 'album_picks', 'verdicts_given'].concat(
      ...['given_', 'received_'].map((prefix) =>
        ['ratings', 'rating_sum', 'rating_squares'].map((column) => prefix + column),
      ),
    );
    const rows = await this.rows(
      manager,
      `SELECT m.user_id AS id, u.username AS username, ${sums.map((column) => `SUM(m.${column}) AS ${column}`).join(', ')} ` +
        `FROM stats_year_members m INNER JOIN users u ON u.id = m.user_id WHERE ${inScope('m', scope)} ` +
        'GROUP BY m.user_id, u.username ORDER BY u.username',
      scope,
    );
    return rows.map((row) => ({
      id: int(row.id),
      username: String(row.username),
      weeksOwned: int(row.weeks_owned),
      moviePicks: int(row.movie_picks),
      albumPicks: int(row.album_picks),
      verdictsGiven: int(row.verdicts_given),
      given: totalsOf(row, 'given_'),
      received: totalsOf(row, 'received_'),
    }));
  }

  /** Pairs of members who both rated at least 3 of the same picks, most alike first. */
  private async taste(scope: Scope, manager: EntityManager): Promise<PairRow[]> {
    const rows = await this.rows(
      manager,
      'SELECT pair.a AS a_id, ua.username AS a_username, pair.b AS b_id, ub.username AS b_username, ' +
        'pair.shared AS shared, pair.difference AS difference FROM (' +
        'SELECT p.user_a AS a, p.user_b AS b, SUM(p.shared) AS shared, SUM(p.difference) AS difference ' +
        `FROM stats_year_pairs p WHERE ${inScope('p', scope)} GROUP BY p.user_a, p.user_b ` +
        'HAVING SUM(p.shared) >= 3) pair ' +
        'INNER JOIN users ua ON ua.id = pair.a INNER JOIN users ub ON ub.id = pair.b ' +
        // Similarity desc is mean difference asc.
        `ORDER BY ${ratio('pair.difference', 'pair.shared')} ASC, pair.shared DESC, pair.a ASC, pair.b ASC`,
      scope,
    );
    return rows.map((row) => ({
      a: { id: int(row.a_id), username: String(row.a_username) },
      b: { id: int(row.b_id), username: String(row.b_username) },
      shared: int(row.shared),
      difference: int(row.difference),
    }));
  }

  /**
   * top_rated, divisive, consensus, overrated and underrated (5 each), and each member's wrongest
   * opinion: the best of the years' best, by the same keys, then the latest week, movies first,
   * then position, with each pick's title and picker.
   */
  private async rankedPicks(scope: Scope, manager: EntityManager): Promise<RankedPicks> {
    const order = (alias: string) =>
      [
        'rank_key DESC',
        'rank_tie_break DESC',
        'year DESC',
        'week_number DESC',
        'kind_order ASC',
        'position ASC',
      ]
        .map((key) => `${alias}.${key}`)
        .join(', ');
    // Each ranking's best 5 by ORDER BY … LIMIT (from the (list, year) index, no sort of them all);
    // each member's wrongest by a window over the few wrongest rows. Titles join the rows kept.
    const rankings = (
      ['top_rated', 'divisive', 'consensus', 'overrated', 'underrated'] as const
    ).map(
      (list) =>
        `SELECT p.*, 0 AS place FROM stats_year_picks p WHERE p.list = '${list}' ` +
        `AND ${inScope('p', scope)} ORDER BY ${order('p')} LIMIT ${TOP_PICKS}`,
    );
    const wrongest =
      'SELECT * FROM (SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p.member_id ORDER BY ' +
      `${order('p')}) AS place FROM stats_year_picks p WHERE p.list = 'wrongest' ` +
      `AND ${inScope('p', scope)}) w WHERE w.place = 1`;
    const rows = await this.rows(
      manager,
      'SELECT r.*, COALESCE(m.title, a.title) AS title, picker.username AS picker_username FROM (' +
        [...rankings, wrongest]
          .map((list, index) => `SELECT * FROM (${list}) list_${index}`)
          .join(' UNION ALL ') +
        ') r ' +
        "LEFT JOIN movies m ON r.kind = 'movie' AND m.id = r.item_id " +
        "LEFT JOIN albums a ON r.kind = 'album' AND a.id = r.item_id " +
        'LEFT JOIN users picker ON picker.id = r.picker_id ' +
        `ORDER BY r.list, r.member_id, ${order('r')}`,
      scope,
    );
    const list = (name: RankingList | 'wrongest') => rows.filter((row) => row.list === name);
    // Overrated lists the largest deltas, underrated the most negative, as positive keys: a list
    // holds only picks on its own side of TMDB.
    const club = (name: RankingList) =>
      list(name)
        .filter((row) => Number(row.rank_key) > 0)
        .map((row) => ({ ...pickRow(row), voteAverage: Number(row.vote_average) }));
    return {
      topRated: list('top_rated').map(pickRow),
      divisive: list('divisive').map(pickRow),
      consensus: list('consensus').map(pickRow),
      overrated: club('overrated'),
      underrated: club('underrated'),
      wrongest: list('wrongest').map((row) => ({
        ...pickRow(row),
        memberId: int(row.member_id),
        yourRating: int(row.your_rating),
      })),
    };
  }

  /**
   * The weeks with at least one pick, as spans of consecutive week numbers within one year,
   * ascending: what the streak walk needs (`streaksOf`).
   */
  private async pickedSpans(scope: Scope, manager: EntityManager): Promise<PickedSpan[]> {
    const rows = await this.rows(
      manager,
      'SELECT s.year AS year, s.first_week AS first, s.last_week AS last FROM stats_year_spans s ' +
        `WHERE ${inScope('s', scope)} ORDER BY s.year, s.first_week`,
      scope,
    );
    return rows.map((row) => ({ year: int(row.year), first: int(row.first), last: int(row.last) }));
  }

  private rows(manager: EntityManager, sql: string, { year }: Scope): Promise<Row[]> {
    const [query, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      sql,
      year === null ? {} : { year },
    );
    return manager.query<Row[]>(query, parameters);
  }
}

/** The rows of the years in scope of a figures table (as `alias`). */
function inScope(alias: string, { year }: Scope): string {
  return year === null ? 'true' : `${alias}.year = :year`;
}

function pickRow(row: Row): PickRow {
  const pickerId = row.picker_id === null ? null : int(row.picker_id);
  return {
    kind: row.kind as Kind,
    weekId: int(row.week_id),
    year: int(row.year),
    weekNumber: int(row.week_number),
    position: int(row.position),
    title: String(row.title),
    picker: pickerId === null ? null : { id: pickerId, username: String(row.picker_username) },
    ratings: totalsOf(row),
  };
}

function namedStat<K>(key: K, row: Row): NamedStat<K> {
  return { key, name: String(row.name), count: int(row.count), ratings: totalsOf(row) };
}
