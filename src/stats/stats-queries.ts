import { Injectable } from '@nestjs/common';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { AlbumArtist } from '../albums/entities/album-artist.entity.js';
import { Album } from '../albums/entities/album.entity.js';
import { Artist } from '../albums/entities/artist.entity.js';
import type { RatingTotals } from '../common/dto/rating-summary.dto.js';
import { ParallelReads, type ReadParameter } from '../database/parallel-reads.js';
import { MovieCrew } from '../movies/entities/movie-crew.entity.js';
import { MovieGenre } from '../movies/entities/movie-genre.entity.js';
import { Movie } from '../movies/entities/movie.entity.js';
import { Person } from '../movies/entities/person.entity.js';
import { User } from '../users/entities/user.entity.js';
import { Verdict } from '../verdicts/entities/verdict.entity.js';
import { WeekAlbum } from '../weeks/entities/week-album.entity.js';
import { WeekMovie } from '../weeks/entities/week-movie.entity.js';
import { Week } from '../weeks/entities/week.entity.js';
import type { PickedSpan } from './streaks.js';

/** The weeks the figures count: every week, or the weeks of one ISO year. */
export interface Scope {
  year: number | null;
}

export type Kind = 'movie' | 'album';

export interface PickCounts {
  picks: number;
  /** Distinct movies or albums. */
  items: number;
  /** Movies only; unknown runtimes count 0. */
  runtimeMinutes: number;
  decades: DecadeRow[];
}

export interface Ratings {
  verdicts: number;
  reviews: number;
  /** Every rating in scope, pooled. */
  totals: RatingTotals;
  /** `histogram[i]`: the ratings equal to i + 1. */
  histogram: number[];
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

export interface Rankings {
  topRated: PickRow[];
  divisive: PickRow[];
  consensus: PickRow[];
  club: ClubVsTmdb;
}

type RankingList = 'top_rated' | 'divisive' | 'consensus' | 'overrated' | 'underrated';

export interface NamedStats {
  genres: NamedStat<number>[];
  directors: NamedStat<number>[];
  artists: NamedStat<string>[];
}

type NamedList = 'genre' | 'director' | 'artist';

export interface ClubRow extends PickRow {
  voteAverage: number;
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

/** The kinds of pick: their table, the column naming their item, and the verdicts' column for them. */
const KINDS = {
  movie: { pick: WeekMovie, item: Movie, itemColumn: 'movie_id', verdictColumn: 'week_movie_id' },
  album: { pick: WeekAlbum, item: Album, itemColumn: 'album_id', verdictColumn: 'week_album_id' },
} as const;

/** At most this many directors and artists; at most this many picks in each ranking. */
const TOP_PEOPLE = 10;
const TOP_PICKS = 5;

/** `floor(year / 10) * 10` of a `YYYY…` date: integer division on both drivers. */
const DECADE = '(CAST(SUBSTR(item.release_date, 1, 4) AS INTEGER) / 10) * 10';

/** Exact enough to order by: equal fractions of integers give the same double on both drivers. */
const ratio = (numerator: string, denominator: string) =>
  `CAST(${numerator} AS DOUBLE PRECISION) / ${denominator}`;
/** A pick's mean rating and its variance (the spread squared orders the same), from its totals `t`. */
const AVERAGE = ratio('t.rating_sum', 't.ratings');
const VARIANCE = ratio(
  't.ratings * t.rating_squares - t.rating_sum * t.rating_sum',
  '(t.ratings * t.ratings)',
);
/** Latest week first, then movies before albums, then position: every ranking's last word. */
const LATEST = 'p.year DESC, p.week_number DESC, p.kind_order ASC, p.position ASC';

/** COUNT and SUM come back as strings from PostgreSQL (bigint), as numbers from SQLite. */
const int = (value: unknown): number => Number(value ?? 0);
const totalsOf = (row: Record<string, unknown>, prefix = ''): RatingTotals => ({
  count: int(row[`${prefix}ratings`]),
  sum: int(row[`${prefix}rating_sum`]),
  sumOfSquares: int(row[`${prefix}rating_squares`]),
});

type Row = Record<string, unknown>;
type Query = SelectQueryBuilder<object>;

/**
 * The SQL of the stats (opinions.md §2.3): a fixed number of aggregate queries over the picks and
 * verdicts in scope, whatever the data size, written with TypeORM's query builder in SQL that SQLite
 * and PostgreSQL run alike: joins, UNION ALL, common table expressions, aggregates and ORDER BY …
 * LIMIT, no JSON or date functions. Rankings are decided in SQL; the rows that come back are the
 * answer. What keeps them fast at 10,000 weeks (bench:stats): a pick's ratings are totalled once,
 * from the verdicts index alone (IDX_verdicts_week_*_id_user_id_rating); rankings take the top 5
 * (never a sort of every pick); the overview filters nothing, a year filters first.
 */
@Injectable()
export class StatsQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reads: ParallelReads,
  ) {}

  /** Weeks in scope, and those with an owner. */
  async weeks(scope: Scope): Promise<{ weeks: number; claimed: number }> {
    const [row] = await this.rows(
      narrow(
        this.query()
          .from(Week, 'w')
          .select('COUNT(*)', 'weeks')
          .addSelect('COUNT(w.user_id)', 'claimed'),
        scope,
      ),
    );
    return { weeks: int(row?.weeks), claimed: int(row?.claimed) };
  }

  /**
   * The picks of one kind by decade of their item's release year, ascending (those without one are
   * left out of the decades, not of the counts), with the counts of all the picks, their distinct
   * items and (movies) their runtime on every row: window sums over the decades, which add up
   * because an item is in one decade only.
   */
  async picked(kind: Kind, scope: Scope): Promise<PickCounts> {
    const { item, itemColumn } = KINDS[kind];
    const rows = await this.rows(
      this.picks(kind, scope)
        .innerJoin(item, 'item', `item.id = pick.${itemColumn}`)
        .select(DECADE, 'decade')
        .addSelect('COUNT(*)', 'count')
        .addSelect('SUM(COUNT(*)) OVER ()', 'picks')
        .addSelect(`SUM(COUNT(DISTINCT pick.${itemColumn})) OVER ()`, 'items')
        .addSelect(
          kind === 'movie' ? 'SUM(COALESCE(SUM(item.runtime), 0)) OVER ()' : '0',
          'runtime',
        )
        .groupBy(DECADE)
        .orderBy(DECADE, 'ASC'),
    );
    const first = rows[0] ?? {};
    return {
      picks: int(first.picks),
      items: int(first.items),
      runtimeMinutes: int(first.runtime),
      decades: rows
        .filter((row) => row.decade !== null)
        .map((row) => ({ decade: int(row.decade), count: int(row.count) })),
    };
  }

  /**
   * Verdicts, reviews and ratings by value; the totals ride along on every row (window sums). The
   * verdicts are first counted per member and rating (`ratingCounts`); reviews are counted apart,
   * as the index has none.
   */
  async ratings(scope: Scope): Promise<Ratings> {
    const perMember = this.ratingCounts(scope);
    const reviews = this.verdicts(scope).select('COUNT(v.review)');
    const rated = 'CASE WHEN g.rating IS NULL THEN 0 ELSE g.count END';
    const rows = await this.rows(
      this.query()
        .from(`(${perMember.getQuery()})`, 'g')
        .select('g.rating', 'rating')
        .addSelect('SUM(g.count)', 'count')
        .addSelect('SUM(SUM(g.count)) OVER ()', 'verdicts')
        .addSelect(`(${reviews.getQuery()})`, 'reviews')
        .addSelect(`SUM(SUM(${rated})) OVER ()`, 'ratings')
        .addSelect(`SUM(SUM(${rated} * g.rating)) OVER ()`, 'rating_sum')
        .addSelect(`SUM(SUM(${rated} * g.rating * g.rating)) OVER ()`, 'rating_squares')
        .setParameters(scopeParameters(scope))
        .groupBy('g.rating'),
    );
    const histogram = Array<number>(10).fill(0);
    for (const row of rows)
      if (row.rating !== null) histogram[int(row.rating) - 1] = int(row.count);
    const first = rows[0] ?? {};
    return {
      verdicts: int(first.verdicts),
      reviews: int(first.reviews),
      totals: totalsOf(first),
      histogram,
    };
  }

  /**
   * The weeks with at least one pick, as spans of consecutive week numbers within one year, ascending:
   * what the streak walk needs (`streaksOf`). Consecutive numbers of one year share their week number
   * minus their rank in the year, so each span is one group.
   */
  async pickedSpans(scope: Scope): Promise<PickedSpan[]> {
    const picked = (kind: Kind) =>
      `EXISTS (SELECT 1 FROM ${this.table(KINDS[kind].pick)} p WHERE p.week_id = w.id)`;
    const weeks = narrow(
      this.query()
        .from(Week, 'w')
        .select('w.year', 'year')
        .addSelect('w.week_number', 'week')
        .addSelect(
          'w.week_number - ROW_NUMBER() OVER (PARTITION BY w.year ORDER BY w.week_number)',
          'span',
        )
        .where(`(${picked('movie')} OR ${picked('album')})`),
      scope,
    );
    const rows = await this.rows(
      this.query()
        .from(`(${weeks.getQuery()})`, 'p')
        .select('p.year', 'year')
        .addSelect('MIN(p.week)', 'first')
        .addSelect('MAX(p.week)', 'last')
        .setParameters(weeks.getParameters())
        .groupBy('p.year')
        .addGroupBy('p.span')
        .orderBy('p.year', 'ASC')
        .addOrderBy('MIN(p.week)', 'ASC'),
    );
    return rows.map((row) => ({ year: int(row.year), first: int(row.first), last: int(row.last) }));
  }

  /**
   * Every member who owns a week or gave a verdict in scope, by username: what they own, the
   * ratings they gave, and the ratings others gave their picks.
   */
  async members(scope: Scope): Promise<MemberRow[]> {
    const owned = narrow(
      this.query()
        .from(Week, 'w')
        .select('w.user_id', 'user_id')
        .addSelect('COUNT(*)', 'weeks')
        .where('w.user_id IS NOT NULL')
        .groupBy('w.user_id'),
      scope,
    );
    const picked = (kind: Kind) =>
      this.picks(kind, scope, true)
        .select('w.user_id', 'user_id')
        .addSelect('COUNT(*)', 'picks')
        .andWhere('w.user_id IS NOT NULL')
        .groupBy('w.user_id');
    // Counted per member and rating first, from the (user_id, rating) index alone, as `ratings` does.
    const given = this.query()
      .from(`(${this.ratingCounts(scope).getQuery()})`, 'g')
      .select('g.user_id', 'user_id')
      .addSelect('SUM(g.count)', 'verdicts')
      .addSelect('SUM(CASE WHEN g.rating IS NULL THEN 0 ELSE g.count END)', 'ratings')
      .addSelect('SUM(g.count * g.rating)', 'rating_sum')
      .addSelect('SUM(g.count * g.rating * g.rating)', 'rating_squares')
      .groupBy('g.user_id');
    // CROSS JOIN holds SQLite to this order: each owner's weeks, their picks, then their verdicts,
    // all from indexes and already in owner order, so nothing is sorted to group them.
    const judged = (kind: Kind) =>
      `SELECT w.user_id AS user_id, COUNT(v.rating) AS ratings, SUM(v.rating) AS rating_sum, ` +
      `SUM(v.rating * v.rating) AS rating_squares FROM ${this.table(Week)} w ` +
      `CROSS JOIN ${this.table(KINDS[kind].pick)} pick CROSS JOIN ${this.table(Verdict)} v ` +
      `WHERE pick.week_id = w.id AND v.${KINDS[kind].verdictColumn} = pick.id ` +
      `AND w.user_id IS NOT NULL AND v.user_id <> w.user_id` +
      (scope.year === null ? '' : ' AND w.year = :year') +
      ' GROUP BY w.user_id';
    const received = this.query()
      .from(`(${judged('movie')} UNION ALL ${judged('album')})`, 'j')
      .select('j.user_id', 'user_id')
      .addSelect('SUM(j.ratings)', 'ratings')
      .addSelect('SUM(j.rating_sum)', 'rating_sum')
      .addSelect('SUM(j.rating_squares)', 'rating_squares')
      .groupBy('j.user_id');
    const rows = await this.rows(
      this.query()
        .from(User, 'u')
        .select('u.id', 'id')
        .addSelect('u.username', 'username')
        .addSelect('COALESCE(owned.weeks, 0)', 'weeks_owned')
        .addSelect('COALESCE(movies.picks, 0)', 'movie_picks')
        .addSelect('COALESCE(albums.picks, 0)', 'album_picks')
        .addSelect('COALESCE(given.verdicts, 0)', 'verdicts_given')
        .addSelect('given.ratings', 'given_ratings')
        .addSelect('given.rating_sum', 'given_rating_sum')
        .addSelect('given.rating_squares', 'given_rating_squares')
        .addSelect('received.ratings', 'received_ratings')
        .addSelect('received.rating_sum', 'received_rating_sum')
        .addSelect('received.rating_squares', 'received_rating_squares')
        .leftJoin(`(${owned.getQuery()})`, 'owned', 'owned.user_id = u.id')
        .leftJoin(`(${picked('movie').getQuery()})`, 'movies', 'movies.user_id = u.id')
        .leftJoin(`(${picked('album').getQuery()})`, 'albums', 'albums.user_id = u.id')
        .leftJoin(`(${given.getQuery()})`, 'given', 'given.user_id = u.id')
        .leftJoin(`(${received.getQuery()})`, 'received', 'received.user_id = u.id')
        .where('(owned.user_id IS NOT NULL OR given.user_id IS NOT NULL)')
        .setParameters(scopeParameters(scope))
        .orderBy('u.username', 'ASC'),
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

  /**
   * Each member's wrongest opinion: of their ratings of picks that at least 2 others rated, the
   * furthest from the others' mean, |n·r − Σ| / (n − 1) with n and Σ over all the pick's ratings;
   * ties to the latest week, movies first, then position. The largest deviation of each member is
   * found first (an aggregate); only the few ratings that reach it are then ranked.
   */
  async wrongestOpinions(scope: Scope): Promise<WrongestRow[]> {
    const candidates = (kind: Kind) =>
      this.ratedPicks(kind, scope)
        .innerJoin(Verdict, 'v', `v.${KINDS[kind].verdictColumn} = t.pick_id`)
        .addSelect('v.user_id', 'member_id')
        .addSelect('v.rating', 'your_rating')
        .addSelect(
          ratio('ABS(t.ratings * v.rating - t.rating_sum)', '(t.ratings - 1)'),
          'deviation',
        )
        .where('t.ratings >= 3')
        .andWhere('v.rating IS NOT NULL');
    const cte = this.union([candidates('movie'), candidates('album')]);
    const ranked = this.query()
      .from('wrongest_candidates', 'p')
      .innerJoin(
        '(SELECT c.member_id, MAX(c.deviation) AS deviation FROM wrongest_candidates c GROUP BY c.member_id)',
        'best',
        'best.member_id = p.member_id AND best.deviation = p.deviation',
      )
      .select('p.*')
      .addSelect(`ROW_NUMBER() OVER (PARTITION BY p.member_id ORDER BY ${LATEST})`, 'wrongness');
    const rows = await this.withMaterialized(
      [['wrongest_candidates', cte]],
      this.withTitles(ranked).where('r.wrongness = 1'),
    );
    return rows.map((row) => ({
      ...pickRow(row),
      memberId: int(row.member_id),
      yourRating: int(row.your_rating),
    }));
  }

  /**
   * top_rated, divisive and consensus (picks with ≥ 2 ratings), and the club against TMDB (movie
   * picks with a rating and TMDB votes: their number and mean delta on every row of theirs, and the
   * 5 largest deltas each way): five top-5 lists over one table of rated picks, in one statement.
   * Each list orders by its own two keys, both descending, then the latest week; the keys come back
   * with the rows so that the whole answer is ordered once more, list by list.
   */
  async rankings(scope: Scope): Promise<Rankings> {
    // Each pick's keys are computed once, here, rather than by every list that orders by them.
    const keys = (delta: string) => [
      `${AVERAGE} AS average`,
      `${VARIANCE} AS variance`,
      `${delta} AS delta`,
    ];
    const movies = this.ratedPicks('movie', scope)
      .innerJoin(Movie, 'm', 'm.id = pick.movie_id')
      .addSelect('m.vote_average', 'vote_average')
      .addSelect(keys(`CASE WHEN m.vote_count > 0 THEN ${AVERAGE} - m.vote_average END`));
    const albums = this.ratedPicks('album', scope).addSelect([
      'CAST(NULL AS DOUBLE PRECISION) AS vote_average',
      ...keys('CAST(NULL AS DOUBLE PRECISION)'),
    ]);
    const cte = this.union([movies, albums]);
    const noClub = [
      'CAST(NULL AS INTEGER) AS movies',
      'CAST(NULL AS DOUBLE PRECISION) AS average_delta',
    ];
    const ranked = (list: RankingList, key: string, tieBreak: string) =>
      this.query()
        .from('rated_picks', 'p')
        .select([
          `'${list}' AS list`,
          'p.*',
          `${key} AS rank_key`,
          `CAST(${tieBreak} AS DOUBLE PRECISION) AS rank_tie_break`,
        ])
        .orderBy(key, 'DESC')
        .addOrderBy(tieBreak, 'DESC')
        .addOrderBy('p.year', 'DESC')
        .addOrderBy('p.week_number', 'DESC')
        .addOrderBy('p.kind_order', 'ASC')
        .addOrderBy('p.position', 'ASC')
        .limit(TOP_PICKS);
    const judged = (list: RankingList, key: string, tieBreak: string) =>
      ranked(list, key, tieBreak).addSelect(noClub).where('p.ratings >= 2');
    // The club lists have one key, the delta: it stands in for the second one as well.
    const club = (list: RankingList, key: string) =>
      ranked(list, key, key)
        .innerJoin('club', 'club', '1 = 1')
        .addSelect('club.movies', 'movies')
        .addSelect('club.average_delta', 'average_delta')
        .where('p.delta IS NOT NULL');
    const clubTotals = this.query()
      .from('rated_picks', 'p')
      .select('COUNT(*)', 'movies')
      .addSelect('AVG(p.delta)', 'average_delta')
      .where('p.delta IS NOT NULL');
    const lists = [
      judged('top_rated', 'p.average', 'p.ratings'),
      judged('divisive', 'p.variance', 'p.average'),
      judged('consensus', '-p.variance', 'p.average'),
      club('overrated', 'p.delta'),
      club('underrated', '-p.delta'),
    ];
    const union = lists
      .map((list, index) => `SELECT * FROM (${list.getQuery()}) list_${index}`)
      .join(' UNION ALL ');
    const rows = await this.withMaterialized(
      [
        ['rated_picks', cte],
        ['club', { sql: clubTotals.getQuery(), parameters: {} }],
      ],
      this.withTitles(this.query().from(`(${union})`, 'p').select('p.*'))
        .orderBy('r.list')
        .addOrderBy('r.rank_key', 'DESC')
        .addOrderBy('r.rank_tie_break', 'DESC')
        .addOrderBy('r.year', 'DESC')
        .addOrderBy('r.week_number', 'DESC')
        .addOrderBy('r.kind_order', 'ASC')
        .addOrderBy('r.position', 'ASC'),
    );
    const list = (name: RankingList) => rows.filter((row) => row.list === name);
    const clubList = (name: RankingList, sign: 1 | -1) =>
      list(name)
        .filter((row) => Math.sign(Number(row.delta)) === sign)
        .map((row) => ({ ...pickRow(row), voteAverage: Number(row.vote_average) }));
    const anyClub = list('overrated')[0];
    return {
      topRated: list('top_rated').map(pickRow),
      divisive: list('divisive').map(pickRow),
      consensus: list('consensus').map(pickRow),
      club: {
        movies: int(anyClub?.movies),
        averageDelta: anyClub ? Number(anyClub.average_delta) : null,
        overrated: clubList('overrated', 1),
        underrated: clubList('underrated', -1),
      },
    };
  }

  /** Pairs of members who both rated at least 3 of the same picks, most alike first. */
  async taste(scope: Scope): Promise<PairRow[]> {
    const branch = (kind: Kind) => {
      const pick = KINDS[kind].verdictColumn;
      return this.verdictsOn(kind, scope)
        .innerJoin(Verdict, 'o', `o.${pick} = v.${pick} AND v.user_id < o.user_id`)
        .select('v.user_id', 'a')
        .addSelect('o.user_id', 'b')
        .addSelect('ABS(v.rating - o.rating)', 'difference')
        .andWhere('v.rating IS NOT NULL')
        .andWhere('o.rating IS NOT NULL');
    };
    // Pairs are counted by member ids alone; their names join the few pairs that remain.
    const pairs = this.fromUnion([branch('movie'), branch('album')], 'x')
      .select('x.a', 'a')
      .addSelect('x.b', 'b')
      .addSelect('COUNT(*)', 'shared')
      .addSelect('SUM(x.difference)', 'difference')
      .groupBy('x.a')
      .addGroupBy('x.b')
      .having('COUNT(*) >= 3');
    const rows = await this.rows(
      this.query()
        .from(`(${pairs.getQuery()})`, 'pair')
        .innerJoin(User, 'ua', 'ua.id = pair.a')
        .innerJoin(User, 'ub', 'ub.id = pair.b')
        .select('pair.a', 'a_id')
        .addSelect('ua.username', 'a_username')
        .addSelect('pair.b', 'b_id')
        .addSelect('ub.username', 'b_username')
        .addSelect('pair.shared', 'shared')
        .addSelect('pair.difference', 'difference')
        .setParameters(pairs.getParameters())
        // Similarity desc is mean difference asc.
        .orderBy(ratio('pair.difference', 'pair.shared'), 'ASC')
        .addOrderBy('pair.shared', 'DESC')
        .addOrderBy('pair.a', 'ASC')
        .addOrderBy('pair.b', 'ASC'),
    );
    return rows.map((row) => ({
      a: { id: int(row.a_id), username: String(row.a_username) },
      b: { id: int(row.b_id), username: String(row.b_username) },
      shared: int(row.shared),
      difference: int(row.difference),
    }));
  }

  /**
   * Genres (all, by count then name), the top 10 directors and the top 10 artists (by count, best
   * rated first and unrated last, then name), each with the number of picks and the totals of their
   * ratings, in one statement over the picks in scope and their ratings, computed once per kind.
   * A pick counts once per genre, director or artist (an artist credited twice on one album, as
   * MusicBrainz allows, counts once).
   */
  async namedStats(scope: Scope): Promise<NamedStats> {
    const movies = 'movie_picks';
    const albums = 'album_picks';
    /** Picks per key (`perKey` groups the picks `p`), then named, ordered and cut. */
    const named = (
      list: NamedList,
      perKey: Query,
      name: { join?: (query: Query) => Query; id: string; name: string },
      limit?: number,
    ) => {
      const counted = perKey
        .addSelect('COUNT(*)', 'count')
        .addSelect('SUM(p.ratings)', 'ratings')
        .addSelect('SUM(p.rating_sum)', 'rating_sum');
      const from = this.query().from(`(${counted.getQuery()})`, 'd');
      // Genres go by count, then name; people by count, best rated (unrated last), then name.
      const byRating = list !== 'genre';
      const unrated = byRating ? 'CASE WHEN d.ratings = 0 THEN 1 ELSE 0 END' : '0';
      const average = byRating ? ratio('d.rating_sum', 'NULLIF(d.ratings, 0)') : '0';
      const query = (name.join ? name.join(from) : from)
        .select([
          `'${list}' AS list`,
          `${name.id} AS id`,
          `${name.name} AS name`,
          'd.count AS count',
          'd.ratings AS ratings',
          'd.rating_sum AS rating_sum',
          `${unrated} AS sort_unrated`,
          `CAST(${average} AS DOUBLE PRECISION) AS sort_average`,
        ])
        .orderBy('d.count', 'DESC');
      if (byRating) query.addOrderBy(unrated, 'ASC').addOrderBy(average, 'DESC');
      query.addOrderBy(name.name, 'ASC').addOrderBy(name.id, 'ASC');
      return limit === undefined ? query : query.limit(limit);
    };
    const genres = named(
      'genre',
      this.query()
        .from(movies, 'p')
        .innerJoin(MovieGenre, 'g', 'g.movie_id = p.item_id')
        .select('g.genre_id', 'genre_id')
        // One name per id, should TMDB have renamed a genre between two fetches: the one stored
        // last. Its row is found from the (movie_id, genre_id) index, which holds the row id, and
        // named once per genre: reading every row's name took SQLite 35 ms at 10,000 weeks.
        .addSelect('MAX(g.id)', 'name_row')
        .groupBy('g.genre_id'),
      {
        join: (query) => query.innerJoin(MovieGenre, 'genre', 'genre.id = d.name_row'),
        id: 'CAST(d.genre_id AS TEXT)',
        name: 'genre.name',
      },
    );
    // CROSS JOIN, with its condition in WHERE, is an inner join on both drivers; SQLite alone also
    // reads it as "the picks first". Otherwise it scans every director credit in person order (to
    // skip a sort) and looks each one up among the picks: 10× the work for a year.
    const directed =
      `SELECT p.ratings, p.rating_sum, crew.person_id FROM ${movies} p CROSS JOIN ${this.table(MovieCrew)} crew ` +
      `WHERE crew.movie_id = p.item_id AND crew.job = 'Director'`;
    const directors = named(
      'director',
      this.query()
        .from(`(${directed})`, 'p')
        .select('p.person_id', 'person_id')
        .groupBy('p.person_id'),
      {
        join: (query) => query.innerJoin(Person, 'person', 'person.id = d.person_id'),
        id: 'CAST(person.tmdb_id AS TEXT)',
        name: 'person.name',
      },
      TOP_PEOPLE,
    );
    const artists = named(
      'artist',
      this.query()
        .from(albums, 'p')
        .innerJoin(AlbumArtist, 'credit', 'credit.album_id = p.item_id')
        .select('credit.artist_id', 'artist_id')
        .where(
          `NOT EXISTS (SELECT 1 FROM ${this.table(AlbumArtist)} earlier WHERE earlier.album_id = credit.album_id AND earlier.artist_id = credit.artist_id AND earlier.credit_order < credit.credit_order)`,
        )
        .groupBy('credit.artist_id'),
      {
        join: (query) => query.innerJoin(Artist, 'artist', 'artist.id = d.artist_id'),
        id: 'artist.musicbrainz_id',
        name: 'artist.name',
      },
      TOP_PEOPLE,
    );
    const union = [genres, directors, artists]
      .map((list, index) => `SELECT * FROM (${list.getQuery()}) named_${index}`)
      .join(' UNION ALL ');
    const rows = await this.withMaterialized(
      [
        [movies, this.picksWithRatings('movie', scope)],
        [albums, this.picksWithRatings('album', scope)],
      ],
      this.query()
        .from(`(${union})`, 'r')
        .select('r.*')
        .orderBy('r.list')
        .addOrderBy('r.count', 'DESC')
        .addOrderBy('r.sort_unrated', 'ASC')
        .addOrderBy('r.sort_average', 'DESC')
        .addOrderBy('r.name', 'ASC')
        .addOrderBy('r.id', 'ASC'),
    );
    const list = (name: NamedList) => rows.filter((row) => row.list === name);
    return {
      genres: list('genre').map((row) => namedStat(int(row.id), row)),
      directors: list('director').map((row) => namedStat(int(row.id), row)),
      artists: list('artist').map((row) => namedStat(String(row.id), row)),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Building blocks

  private query(): Query {
    return this.dataSource.createQueryBuilder();
  }

  /** Runs a query built here; the statements of one reply run side by side (ParallelReads). */
  private rows(query: Query): Promise<Row[]> {
    const [sql, parameters] = query.getQueryAndParameters();
    return this.reads.query<Row>(sql, parameters as ReadParameter[]);
  }

  /**
   * The picks of one kind in scope, as `pick`. Their week is joined as `w` when the scope is a year
   * (to filter on it) or when `withWeek` asks for its columns.
   */
  private picks(kind: Kind, scope: Scope, withWeek = false): Query {
    const picks = this.query().from(KINDS[kind].pick, 'pick');
    if (!withWeek && scope.year === null) return picks;
    return narrow(picks.innerJoin(Week, 'w', 'w.id = pick.week_id'), scope);
  }

  /** The ids of the picks of one kind in the scope's year, as a subquery. */
  private picksOfYear(kind: Kind): string {
    return this.query()
      .from(KINDS[kind].pick, 'pick')
      .innerJoin(Week, 'w', 'w.id = pick.week_id')
      .select('pick.id')
      .where('w.year = :year')
      .getQuery();
  }

  /** The verdicts on the picks of one kind in scope, as `v`: in the overview, all of them. */
  private verdictsOn(kind: Kind, scope: Scope): Query {
    const column = `v.${KINDS[kind].verdictColumn}`;
    const verdicts = this.query().from(Verdict, 'v');
    return scope.year === null
      ? verdicts.where(`${column} IS NOT NULL`)
      : verdicts.where(`${column} IN (${this.picksOfYear(kind)})`, scopeParameters(scope));
  }

  /** Every verdict in scope, of both kinds, as `v`. */
  private verdicts(scope: Scope): Query {
    const verdicts = this.query().from(Verdict, 'v');
    if (scope.year === null) return verdicts;
    return verdicts.where(
      `(v.week_movie_id IN (${this.picksOfYear('movie')}) OR v.week_album_id IN (${this.picksOfYear('album')}))`,
      scopeParameters(scope),
    );
  }

  /**
   * The verdicts in scope counted per member and rating (`user_id`, `rating`, `count`): the
   * (user_id, rating) index gives them in order without reading a verdict.
   */
  private ratingCounts(scope: Scope): Query {
    return this.verdicts(scope)
      .select('v.user_id', 'user_id')
      .addSelect('v.rating', 'rating')
      .addSelect('COUNT(*)', 'count')
      .groupBy('v.user_id')
      .addGroupBy('v.rating');
  }

  /**
   * The totals of each pick's ratings (picks in scope with at least one), as `pick_id`, `ratings`,
   * `rating_sum` and `rating_squares`: one pass over the verdicts index, in pick order.
   */
  private pickTotals(kind: Kind, scope: Scope): Query {
    const column = `v.${KINDS[kind].verdictColumn}`;
    return this.verdictsOn(kind, scope)
      .select(column, 'pick_id')
      .addSelect('COUNT(v.rating)', 'ratings')
      .addSelect('SUM(v.rating)', 'rating_sum')
      .addSelect('SUM(v.rating * v.rating)', 'rating_squares')
      .andWhere('v.rating IS NOT NULL')
      .groupBy(column);
  }

  /** Rated picks in scope (their totals as `t`) with what a PickStat shows of them. */
  private ratedPicks(kind: Kind, scope: Scope): Query {
    const totals = this.pickTotals(kind, scope);
    return this.query()
      .from(`(${totals.getQuery()})`, 't')
      .innerJoin(KINDS[kind].pick, 'pick', 'pick.id = t.pick_id')
      .innerJoin(Week, 'w', 'w.id = pick.week_id')
      .select([
        `'${kind}' AS kind`,
        `${kind === 'movie' ? 0 : 1} AS kind_order`,
        'pick.id AS pick_id',
        'pick.week_id AS week_id',
        'pick.position AS position',
        `pick.${KINDS[kind].itemColumn} AS item_id`,
        'w.year AS year',
        'w.week_number AS week_number',
        'w.user_id AS picker_id',
        't.ratings AS ratings',
        't.rating_sum AS rating_sum',
        't.rating_squares AS rating_squares',
      ])
      .setParameters(totals.getParameters());
  }

  /**
   * Every pick of one kind in scope, as `item_id`, with the totals of its ratings (0 without any):
   * one lookup of the verdicts index per pick. Grouped by item first, which the item index gives in
   * order unsorted, so that the genre, credit and artist lookups that read the rows walk those
   * indexes in order too.
   */
  private picksWithRatings(kind: Kind, scope: Scope): { sql: string; parameters: Row } {
    const { itemColumn, verdictColumn } = KINDS[kind];
    const query = this.picks(kind, scope)
      .leftJoin(Verdict, 'v', `v.${verdictColumn} = pick.id`)
      .select([
        `pick.${itemColumn} AS item_id`,
        'COUNT(v.rating) AS ratings',
        'COALESCE(SUM(v.rating), 0) AS rating_sum',
      ])
      .groupBy(`pick.${itemColumn}`)
      .addGroupBy('pick.id');
    return { sql: query.getQuery(), parameters: query.getParameters() };
  }

  /**
   * Runs `query` with the common table expressions `ctes`, each computed once however often the
   * query reads it (MATERIALIZED: SQLite ≥ 3.35 and PostgreSQL ≥ 12 both take the hint; TypeORM only
   * writes it for PostgreSQL, and SQLite would otherwise compute one again for some of its reads).
   */
  private withMaterialized(
    ctes: [string, { sql: string; parameters: Row }][],
    query: Query,
  ): Promise<Row[]> {
    const definitions = ctes.map(([name, cte]) => `${name} AS MATERIALIZED (${cte.sql})`);
    const [sql, values] = this.dataSource.driver.escapeQueryWithParameters(
      `WITH ${definitions.join(', ')} ${query.getQuery()}`,
      Object.assign({}, ...ctes.map(([, cte]) => cte.parameters), query.getParameters()) as Row,
    );
    return this.reads.query<Row>(sql, values as ReadParameter[]);
  }

  /** `q1 UNION ALL q2` with their (shared) parameters. */
  private union(queries: Query[]): { sql: string; parameters: Row } {
    return {
      sql: queries.map((query) => query.getQuery()).join(' UNION ALL '),
      parameters: Object.assign({}, ...queries.map((query) => query.getParameters())) as Row,
    };
  }

  /** `SELECT … FROM (q1 UNION ALL q2) alias`. */
  private fromUnion(queries: Query[], alias: string): Query {
    const { sql, parameters } = this.union(queries);
    return this.query().from(`(${sql})`, alias).setParameters(parameters);
  }

  /** The ranked picks `ranked` as `r`, with their item's title and their picker's username. */
  private withTitles(ranked: Query): Query {
    return this.query()
      .from(`(${ranked.getQuery()})`, 'r')
      .leftJoin(Movie, 'm', "r.kind = 'movie' AND m.id = r.item_id")
      .leftJoin(Album, 'a', "r.kind = 'album' AND a.id = r.item_id")
      .leftJoin(User, 'picker', 'picker.id = r.picker_id')
      .select('r.*')
      .addSelect('COALESCE(m.title, a.title)', 'title')
      .addSelect('picker.username', 'picker_username')
      .setParameters(ranked.getParameters());
  }

  private table(entity: new () => object): string {
    return this.dataSource.getMetadata(entity).tableName;
  }
}

/** Narrows a query over weeks (as `w`) to the scope's year. */
function narrow<T extends Query>(query: T, scope: Scope): T {
  return scope.year === null ? query : query.andWhere('w.year = :year', scopeParameters(scope));
}

function scopeParameters({ year }: Scope): Row {
  return year === null ? {} : { year };
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
