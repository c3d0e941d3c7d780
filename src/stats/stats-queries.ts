import { Injectable } from '@nestjs/common';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { AlbumArtist } from '../albums/entities/album-artist.entity.js';
import { Album } from '../albums/entities/album.entity.js';
import { Artist } from '../albums/entities/artist.entity.js';
import type { RatingTotals } from '../common/dto/rating-summary.dto.js';
import { MovieCrew } from '../movies/entities/movie-crew.entity.js';
import { MovieGenre } from '../movies/entities/movie-genre.entity.js';
import { Movie } from '../movies/entities/movie.entity.js';
import { Person } from '../movies/entities/person.entity.js';
import { User } from '../users/entities/user.entity.js';
import { Verdict } from '../verdicts/entities/verdict.entity.js';
import { WeekAlbum } from '../weeks/entities/week-album.entity.js';
import { WeekMovie } from '../weeks/entities/week-movie.entity.js';
import { Week } from '../weeks/entities/week.entity.js';
import type { IsoWeek } from '../weeks/iso-week.js';

/** The weeks the figures count: every week, or the weeks of one ISO year. */
export interface Scope {
  year: number | null;
}

export type Kind = 'movie' | 'album';

export interface Totals {
  weeks: number;
  claimedWeeks: number;
  moviePicks: number;
  distinctMovies: number;
  runtimeMinutes: number;
  albumPicks: number;
  distinctAlbums: number;
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

export interface RankedPicks {
  topRated: PickRow[];
  divisive: PickRow[];
  consensus: PickRow[];
}

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
/** A pick's mean rating and its variance (the spread squared orders the same) from its totals. */
const AVERAGE = ratio('p.rating_sum', 'p.ratings');
const VARIANCE = ratio(
  'p.ratings * p.rating_squares - p.rating_sum * p.rating_sum',
  '(p.ratings * p.ratings)',
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
 * and PostgreSQL run alike: standard joins, UNION ALL, aggregates and window functions, no JSON or
 * date functions. Rankings are decided in SQL; the rows that come back are already the answer.
 */
@Injectable()
export class StatsQueries {
  constructor(private readonly dataSource: DataSource) {}

  async totals(scope: Scope): Promise<Totals> {
    const movies = this.picks('movie', scope)
      .innerJoin(Movie, 'item', 'item.id = pick.movie_id')
      .select('COUNT(*)', 'picks')
      .addSelect('COUNT(DISTINCT pick.movie_id)', 'items')
      .addSelect('COALESCE(SUM(item.runtime), 0)', 'runtime');
    const albums = this.picks('album', scope)
      .select('COUNT(*)', 'picks')
      .addSelect('COUNT(DISTINCT pick.album_id)', 'items');
    const weeks = narrow(
      this.query()
        .from(Week, 'w')
        .select('COUNT(*)', 'weeks')
        .addSelect('COUNT(w.user_id)', 'claimed'),
      scope,
    );
    const [w, m, a] = await Promise.all([
      weeks.getRawOne<Row>(),
      movies.getRawOne<Row>(),
      albums.getRawOne<Row>(),
    ]);
    return {
      weeks: int(w?.weeks),
      claimedWeeks: int(w?.claimed),
      moviePicks: int(m?.picks),
      distinctMovies: int(m?.items),
      runtimeMinutes: int(m?.runtime),
      albumPicks: int(a?.picks),
      distinctAlbums: int(a?.items),
    };
  }

  /** Verdicts, reviews and ratings by value; the totals ride along on every row (window sums). */
  async ratings(scope: Scope): Promise<Ratings> {
    const rows = await this.fromUnion(this.judged(scope), 'j')
      .select('j.rating', 'rating')
      .addSelect('COUNT(*)', 'count')
      .addSelect('SUM(COUNT(*)) OVER ()', 'verdicts')
      .addSelect('SUM(COUNT(j.review)) OVER ()', 'reviews')
      .addSelect('SUM(COUNT(j.rating)) OVER ()', 'ratings')
      .addSelect('SUM(SUM(j.rating)) OVER ()', 'rating_sum')
      .addSelect('SUM(SUM(j.rating * j.rating)) OVER ()', 'rating_squares')
      .groupBy('j.rating')
      .getRawMany<Row>();
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

  /** The distinct weeks with at least one pick, ascending: what the streak walk needs. */
  async pickedWeeks(scope: Scope): Promise<IsoWeek[]> {
    const picked = (kind: Kind) =>
      `EXISTS (SELECT 1 FROM ${this.table(KINDS[kind].pick)} p WHERE p.week_id = w.id)`;
    const rows = await narrow(
      this.query()
        .from(Week, 'w')
        .select('w.year', 'year')
        .addSelect('w.week_number', 'week')
        .where(`(${picked('movie')} OR ${picked('album')})`)
        .orderBy('w.year', 'ASC')
        .addOrderBy('w.week_number', 'ASC'),
      scope,
    ).getRawMany<Row>();
    return rows.map((row) => ({ year: int(row.year), week: int(row.week) }));
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
      this.picks(kind, scope)
        .select('w.user_id', 'user_id')
        .addSelect('COUNT(*)', 'picks')
        .andWhere('w.user_id IS NOT NULL')
        .groupBy('w.user_id');
    const judged = this.judged(scope);
    const given = this.fromUnion(judged, 'j')
      .select('j.user_id', 'user_id')
      .addSelect('COUNT(*)', 'verdicts')
      .addSelect('COUNT(j.rating)', 'ratings')
      .addSelect('SUM(j.rating)', 'rating_sum')
      .addSelect('SUM(j.rating * j.rating)', 'rating_squares')
      .groupBy('j.user_id');
    const received = this.fromUnion(judged, 'j')
      .select('j.picker_id', 'user_id')
      .addSelect('COUNT(j.rating)', 'ratings')
      .addSelect('SUM(j.rating)', 'rating_sum')
      .addSelect('SUM(j.rating * j.rating)', 'rating_squares')
      .where('j.user_id <> j.picker_id')
      .groupBy('j.picker_id');
    const rows = await this.query()
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
      .orderBy('u.username', 'ASC')
      .getRawMany<Row>();
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
   * ties to the latest week, movies first, then position. One row per member who has one.
   */
  async wrongestOpinions(scope: Scope): Promise<WrongestRow[]> {
    const branch = (kind: Kind) =>
      this.judgedOne(kind, scope)
        .innerJoin(Verdict, 'o', `o.${KINDS[kind].verdictColumn} = pick.id`)
        .select(this.pickColumns(kind))
        .addSelect('v.user_id', 'member_id')
        .addSelect('v.rating', 'your_rating')
        .addSelect('COUNT(o.rating)', 'ratings')
        .addSelect('SUM(o.rating)', 'rating_sum')
        .addSelect('SUM(o.rating * o.rating)', 'rating_squares')
        .andWhere('v.rating IS NOT NULL')
        .groupBy(this.pickGroup(kind))
        .addGroupBy('v.id')
        .addGroupBy('v.user_id')
        .addGroupBy('v.rating')
        .having('COUNT(o.rating) >= 3');
    const deviation = ratio('ABS(p.ratings * p.your_rating - p.rating_sum)', '(p.ratings - 1)');
    const ranked = this.fromUnion([branch('movie'), branch('album')], 'p')
      .select('p.*')
      .addSelect(
        `ROW_NUMBER() OVER (PARTITION BY p.member_id ORDER BY ${deviation} DESC, ${LATEST})`,
        'wrongness',
      );
    const rows = await this.withTitles(ranked).where('r.wrongness = 1').getRawMany<Row>();
    return rows.map((row) => ({
      ...pickRow(row),
      memberId: int(row.member_id),
      yourRating: int(row.your_rating),
    }));
  }

  /** top_rated, divisive and consensus (picks with ≥ 2 ratings), ranked in one pass. */
  async rankedPicks(scope: Scope): Promise<RankedPicks> {
    const ranked = this.fromUnion(this.pickRatings(scope), 'p')
      .select('p.*')
      .addSelect(
        `ROW_NUMBER() OVER (ORDER BY ${AVERAGE} DESC, p.ratings DESC, ${LATEST})`,
        'top_rank',
      )
      .addSelect(
        `ROW_NUMBER() OVER (ORDER BY ${VARIANCE} DESC, ${AVERAGE} DESC, ${LATEST})`,
        'divisive_rank',
      )
      .addSelect(
        `ROW_NUMBER() OVER (ORDER BY ${VARIANCE} ASC, ${AVERAGE} DESC, ${LATEST})`,
        'consensus_rank',
      )
      .where('p.ratings >= 2');
    const rows = await this.withTitles(ranked)
      .where(
        `(r.top_rank <= ${TOP_PICKS} OR r.divisive_rank <= ${TOP_PICKS} OR r.consensus_rank <= ${TOP_PICKS})`,
      )
      .getRawMany<Row>();
    const list = (rank: string) =>
      rows
        .filter((row) => int(row[rank]) <= TOP_PICKS)
        .sort((a, b) => int(a[rank]) - int(b[rank]))
        .map(pickRow);
    return {
      topRated: list('top_rank'),
      divisive: list('divisive_rank'),
      consensus: list('consensus_rank'),
    };
  }

  /**
   * Movie picks with a rating and TMDB votes: their number and mean delta (club average − TMDB's
   * vote_average) on every row, and the 5 largest deltas each way, latest week first on a tie.
   */
  async clubVsTmdb(scope: Scope): Promise<ClubVsTmdb> {
    const delta = `${AVERAGE} - item.vote_average`;
    const ranked = this.fromUnion(this.pickRatings(scope, ['movie']), 'p')
      .innerJoin(Movie, 'item', 'item.id = p.item_id')
      .select('p.*')
      .addSelect('item.vote_average', 'vote_average')
      .addSelect(delta, 'delta')
      .addSelect('COUNT(*) OVER ()', 'movies')
      .addSelect(`AVG(${delta}) OVER ()`, 'average_delta')
      .addSelect(`ROW_NUMBER() OVER (ORDER BY ${delta} DESC, ${LATEST})`, 'over_rank')
      .addSelect(`ROW_NUMBER() OVER (ORDER BY ${delta} ASC, ${LATEST})`, 'under_rank')
      .where('item.vote_count > 0');
    const rows = await this.withTitles(ranked)
      .where(`(r.over_rank <= ${TOP_PICKS} OR r.under_rank <= ${TOP_PICKS})`)
      .getRawMany<Row>();
    const list = (rank: string, sign: 1 | -1) =>
      rows
        .filter((row) => int(row[rank]) <= TOP_PICKS && Math.sign(Number(row.delta)) === sign)
        .sort((a, b) => int(a[rank]) - int(b[rank]))
        .map((row) => ({ ...pickRow(row), voteAverage: Number(row.vote_average) }));
    return {
      movies: int(rows[0]?.movies),
      averageDelta: rows.length === 0 ? null : Number(rows[0].average_delta),
      overrated: list('over_rank', 1),
      underrated: list('under_rank', -1),
    };
  }

  /** Pairs of members who both rated at least 3 of the same picks, most alike first. */
  async taste(scope: Scope): Promise<PairRow[]> {
    const branch = (kind: Kind) =>
      this.judgedOne(kind, scope)
        .innerJoin(
          Verdict,
          'o',
          `o.${KINDS[kind].verdictColumn} = pick.id AND v.user_id < o.user_id`,
        )
        .select('v.user_id', 'a')
        .addSelect('o.user_id', 'b')
        .addSelect('ABS(v.rating - o.rating)', 'difference')
        .andWhere('v.rating IS NOT NULL')
        .andWhere('o.rating IS NOT NULL');
    const rows = await this.fromUnion([branch('movie'), branch('album')], 'x')
      .innerJoin(User, 'ua', 'ua.id = x.a')
      .innerJoin(User, 'ub', 'ub.id = x.b')
      .select('x.a', 'a_id')
      .addSelect('ua.username', 'a_username')
      .addSelect('x.b', 'b_id')
      .addSelect('ub.username', 'b_username')
      .addSelect('COUNT(*)', 'shared')
      .addSelect('SUM(x.difference)', 'difference')
      .groupBy('x.a')
      .addGroupBy('ua.username')
      .addGroupBy('x.b')
      .addGroupBy('ub.username')
      .having('COUNT(*) >= 3')
      // Similarity desc is mean difference asc.
      .orderBy(ratio('SUM(x.difference)', 'COUNT(*)'), 'ASC')
      .addOrderBy('COUNT(*)', 'DESC')
      .addOrderBy('x.a', 'ASC')
      .addOrderBy('x.b', 'ASC')
      .getRawMany<Row>();
    return rows.map((row) => ({
      a: { id: int(row.a_id), username: String(row.a_username) },
      b: { id: int(row.b_id), username: String(row.b_username) },
      shared: int(row.shared),
      difference: int(row.difference),
    }));
  }

  /** Picks by decade of their item's release year, ascending; picks without one left out. */
  async decades(kind: Kind, scope: Scope): Promise<DecadeRow[]> {
    const { item, itemColumn } = KINDS[kind];
    const rows = await this.picks(kind, scope)
      .innerJoin(item, 'item', `item.id = pick.${itemColumn}`)
      .select(DECADE, 'decade')
      .addSelect('COUNT(*)', 'count')
      .andWhere('item.release_date IS NOT NULL')
      .groupBy(DECADE)
      .orderBy(DECADE, 'ASC')
      .getRawMany<Row>();
    return rows.map((row) => ({ decade: int(row.decade), count: int(row.count) }));
  }

  /** Movie picks per genre (a pick counts once per genre) with their ratings, by count then name. */
  async genres(scope: Scope): Promise<NamedStat<number>[]> {
    const rows = await this.withRatings(
      this.picks('movie', scope).innerJoin(MovieGenre, 'g', 'g.movie_id = pick.movie_id'),
      'movie',
    )
      .addSelect('g.genre_id', 'id')
      // One name per id, should TMDB have renamed a genre between two fetches.
      .addSelect('MAX(g.name)', 'name')
      .groupBy('g.genre_id')
      .orderBy('COUNT(DISTINCT pick.id)', 'DESC')
      .addOrderBy('MAX(g.name)', 'ASC')
      .getRawMany<Row>();
    return rows.map((row) => namedStat(int(row.id), row));
  }

  /** Stored directors of movie picks: the 10 with most picks, best rated, then by name. */
  async directors(scope: Scope): Promise<NamedStat<number>[]> {
    const query = this.picks('movie', scope)
      .innerJoin(MovieCrew, 'crew', "crew.movie_id = pick.movie_id AND crew.job = 'Director'")
      .innerJoin(Person, 'person', 'person.id = crew.person_id');
    const rows = await this.topPeople(this.withRatings(query, 'movie'), 'person', 'tmdb_id');
    return rows.map((row) => namedStat(int(row.id), row));
  }

  /** Artists credited on album picks (once per pick, however often credited): the 10 with most picks. */
  async artists(scope: Scope): Promise<NamedStat<string>[]> {
    const credited = this.query()
      .from(AlbumArtist, 'aa')
      .select('aa.album_id', 'album_id')
      .addSelect('aa.artist_id', 'artist_id')
      .distinct(true);
    const query = this.picks('album', scope)
      .innerJoin(`(${credited.getQuery()})`, 'credit', 'credit.album_id = pick.album_id')
      .innerJoin(Artist, 'artist', 'artist.id = credit.artist_id');
    const rows = await this.topPeople(this.withRatings(query, 'album'), 'artist', 'musicbrainz_id');
    return rows.map((row) => namedStat(String(row.id), row));
  }

  // -------------------------------------------------------------------------------------------
  // Building blocks

  private query(): Query {
    return this.dataSource.createQueryBuilder();
  }

  /** The picks of one kind in scope, as `pick`, with their week as `w`. */
  private picks(kind: Kind, scope: Scope): Query {
    return narrow(
      this.query().from(KINDS[kind].pick, 'pick').innerJoin(Week, 'w', 'w.id = pick.week_id'),
      scope,
    );
  }

  /** The verdicts on the picks of one kind in scope, as `v`. */
  private judgedOne(kind: Kind, scope: Scope): Query {
    return this.picks(kind, scope).innerJoin(
      Verdict,
      'v',
      `v.${KINDS[kind].verdictColumn} = pick.id`,
    );
  }

  /** Every verdict in scope, of both kinds: who gave it, its rating and review, and the picker. */
  private judged(scope: Scope): Query[] {
    return (['movie', 'album'] as const).map((kind) =>
      this.judgedOne(kind, scope)
        .select('v.user_id', 'user_id')
        .addSelect('v.rating', 'rating')
        .addSelect('v.review', 'review')
        .addSelect('w.user_id', 'picker_id'),
    );
  }

  /** Picks in scope with at least one rating, with the totals of their ratings. */
  private pickRatings(scope: Scope, kinds: Kind[] = ['movie', 'album']): Query[] {
    return kinds.map((kind) =>
      this.judgedOne(kind, scope)
        .select(this.pickColumns(kind))
        .addSelect('COUNT(v.rating)', 'ratings')
        .addSelect('SUM(v.rating)', 'rating_sum')
        .addSelect('SUM(v.rating * v.rating)', 'rating_squares')
        .andWhere('v.rating IS NOT NULL')
        .groupBy(this.pickGroup(kind)),
    );
  }

  /** What a PickStat shows of a pick (its title and picker are joined later, on the few rows kept). */
  private pickColumns(kind: Kind): string[] {
    return [
      `'${kind}' AS kind`,
      `${kind === 'movie' ? 0 : 1} AS kind_order`,
      'pick.week_id AS week_id',
      'pick.position AS position',
      `pick.${KINDS[kind].itemColumn} AS item_id`,
      'w.year AS year',
      'w.week_number AS week_number',
      'w.user_id AS picker_id',
    ];
  }

  private pickGroup(kind: Kind): string {
    return `pick.id, pick.week_id, pick.position, pick.${KINDS[kind].itemColumn}, w.year, w.week_number, w.user_id`;
  }

  /** `SELECT … FROM (q1 UNION ALL q2) alias`, with their (shared) parameters. */
  private fromUnion(queries: Query[], alias: string): Query {
    const union = queries.map((query) => query.getQuery()).join(' UNION ALL ');
    const parameters = Object.assign({}, ...queries.map((query) => query.getParameters())) as Row;
    return this.query().from(`(${union})`, alias).setParameters(parameters);
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

  /** Adds the number of picks and the totals of their ratings (a pick counted once per group). */
  private withRatings(query: Query, kind: Kind): Query {
    return query
      .leftJoin(Verdict, 'v', `v.${KINDS[kind].verdictColumn} = pick.id`)
      .select('COUNT(DISTINCT pick.id)', 'count')
      .addSelect('COUNT(v.rating)', 'ratings')
      .addSelect('SUM(v.rating)', 'rating_sum')
      .addSelect('SUM(v.rating * v.rating)', 'rating_squares');
  }

  /** The 10 people (directors, artists) with most picks, best rated first (unrated last), then by name. */
  private topPeople(query: Query, alias: string, idColumn: string): Promise<Row[]> {
    return query
      .addSelect(`${alias}.${idColumn}`, 'id')
      .addSelect(`${alias}.name`, 'name')
      .groupBy(`${alias}.id`)
      .addGroupBy(`${alias}.${idColumn}`)
      .addGroupBy(`${alias}.name`)
      .orderBy('COUNT(DISTINCT pick.id)', 'DESC')
      .addOrderBy('CASE WHEN COUNT(v.rating) = 0 THEN 1 ELSE 0 END', 'ASC')
      .addOrderBy(ratio('SUM(v.rating)', 'NULLIF(COUNT(v.rating), 0)'), 'DESC')
      .addOrderBy(`${alias}.name`, 'ASC')
      .addOrderBy(`${alias}.${idColumn}`, 'ASC')
      .limit(TOP_PEOPLE)
      .getRawMany<Row>();
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
