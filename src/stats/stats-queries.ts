import { Injectable } from '@nestjs/common';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { AlbumArtist } from '../albums/entities/album-artist.entity.js';
import { Album } from '../albums/entities/album.entity.js';
import { Artist } from '../albums/entities/artist.entity.js';
import { MovieCrew } from '../movies/entities/movie-crew.entity.js';
import { MovieGenre } from '../movies/entities/movie-genre.entity.js';
import { Movie } from '../movies/entities/movie.entity.js';
import { Person } from '../movies/entities/person.entity.js';
import { User } from '../users/entities/user.entity.js';
import { WeekAlbum } from '../weeks/entities/week-album.entity.js';
import { WeekMovie } from '../weeks/entities/week-movie.entity.js';
import { Week } from '../weeks/entities/week.entity.js';
import type { IsoWeek } from '../weeks/iso-week.js';

/** The weeks the figures count: every week, or the weeks of one ISO year. */
export interface Scope {
  year: number | null;
}

export interface Totals {
  weeks: number;
  claimedWeeks: number;
  moviePicks: number;
  distinctMovies: number;
  runtimeMinutes: number;
  albumPicks: number;
  distinctAlbums: number;
}

export interface MemberRow {
  id: number;
  username: string;
  weeksOwned: number;
  moviePicks: number;
  albumPicks: number;
}

export interface DecadeRow {
  decade: number;
  count: number;
}

export interface NamedCount<K> {
  key: K;
  name: string;
  count: number;
}

/** The kinds of pick: their table, the column naming their item, and the item entity. */
const PICKS = {
  movie: { pick: WeekMovie, item: Movie, itemColumn: 'movie_id' },
  album: { pick: WeekAlbum, item: Album, itemColumn: 'album_id' },
} as const;
type Kind = keyof typeof PICKS;

/** `floor(year / 10) * 10` of a `YYYY…` date: integer division on both drivers. */
const DECADE = '(CAST(SUBSTR(item.release_date, 1, 4) AS INTEGER) / 10) * 10';

/** COUNT and SUM come back as strings from PostgreSQL (bigint), as numbers from SQLite. */
const int = (value: unknown): number => Number(value ?? 0);

/**
 * The SQL of the stats (opinions.md §2.3): each figure is one aggregate query over the picks in scope,
 * whatever the data size, written with TypeORM's query builder in SQL that SQLite and PostgreSQL both
 * run the same way (no JSON or date functions, no dialect-specific syntax).
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
      this.dataSource
        .createQueryBuilder()
        .from(Week, 'w')
        .select('COUNT(*)', 'weeks')
        .addSelect('COUNT(w.user_id)', 'claimed'),
      scope,
    );
    const [w, m, a] = await Promise.all([
      weeks.getRawOne<Record<string, unknown>>(),
      movies.getRawOne<Record<string, unknown>>(),
      albums.getRawOne<Record<string, unknown>>(),
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

  /** The distinct weeks with at least one pick, ascending: what the streak walk needs. */
  async pickedWeeks(scope: Scope): Promise<IsoWeek[]> {
    const picked = (kind: Kind) =>
      `EXISTS (SELECT 1 FROM ${this.table(PICKS[kind].pick)} p WHERE p.week_id = w.id)`;
    const rows = await narrow(
      this.dataSource
        .createQueryBuilder()
        .from(Week, 'w')
        .select('w.year', 'year')
        .addSelect('w.week_number', 'week')
        .where(`(${picked('movie')} OR ${picked('album')})`)
        .orderBy('w.year', 'ASC')
        .addOrderBy('w.week_number', 'ASC'),
      scope,
    ).getRawMany<{ year: unknown; week: unknown }>();
    return rows.map((row) => ({ year: int(row.year), week: int(row.week) }));
  }

  /** Every member who owns a week in scope, by username, with what they own. */
  async members(scope: Scope): Promise<MemberRow[]> {
    const owned = narrow(
      this.dataSource
        .createQueryBuilder()
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
    const [movies, albums] = [picked('movie'), picked('album')];
    const rows = await this.dataSource
      .createQueryBuilder()
      .from(User, 'u')
      .select('u.id', 'id')
      .addSelect('u.username', 'username')
      .addSelect('owned.weeks', 'weeks_owned')
      .addSelect('COALESCE(movies.picks, 0)', 'movie_picks')
      .addSelect('COALESCE(albums.picks, 0)', 'album_picks')
      .innerJoin(`(${owned.getQuery()})`, 'owned', 'owned.user_id = u.id')
      .leftJoin(`(${movies.getQuery()})`, 'movies', 'movies.user_id = u.id')
      .leftJoin(`(${albums.getQuery()})`, 'albums', 'albums.user_id = u.id')
      .setParameters(owned.getParameters())
      .orderBy('u.username', 'ASC')
      .getRawMany<Record<string, unknown>>();
    return rows.map((row) => ({
      id: int(row.id),
      username: String(row.username),
      weeksOwned: int(row.weeks_owned),
      moviePicks: int(row.movie_picks),
      albumPicks: int(row.album_picks),
    }));
  }

  /** Picks by decade of their item's release year, ascending; picks without one left out. */
  async decades(kind: Kind, scope: Scope): Promise<DecadeRow[]> {
    const { item, itemColumn } = PICKS[kind];
    const rows = await this.picks(kind, scope)
      .innerJoin(item, 'item', `item.id = pick.${itemColumn}`)
      .select(DECADE, 'decade')
      .addSelect('COUNT(*)', 'count')
      .andWhere('item.release_date IS NOT NULL')
      .groupBy(DECADE)
      .orderBy(DECADE, 'ASC')
      .getRawMany<Record<string, unknown>>();
    return rows.map((row) => ({ decade: int(row.decade), count: int(row.count) }));
  }

  /** Movie picks per genre (a pick counts once per genre), by count desc then name. */
  async genres(scope: Scope): Promise<NamedCount<number>[]> {
    const rows = await this.picks('movie', scope)
      .innerJoin(MovieGenre, 'g', 'g.movie_id = pick.movie_id')
      .select('g.genre_id', 'id')
      // One name per id, should TMDB have renamed a genre between two fetches.
      .addSelect('MAX(g.name)', 'name')
      .addSelect('COUNT(*)', 'count')
      .groupBy('g.genre_id')
      .orderBy('COUNT(*)', 'DESC')
      .addOrderBy('MAX(g.name)', 'ASC')
      .getRawMany<Record<string, unknown>>();
    return rows.map(named);
  }

  /** Stored directors of movie picks: the 10 with most picks, then by name. */
  async directors(scope: Scope): Promise<NamedCount<number>[]> {
    const rows = await this.picks('movie', scope)
      .innerJoin(MovieCrew, 'crew', "crew.movie_id = pick.movie_id AND crew.job = 'Director'")
      .innerJoin(Person, 'person', 'person.id = crew.person_id')
      .select('person.tmdb_id', 'id')
      .addSelect('person.name', 'name')
      .addSelect('COUNT(*)', 'count')
      .groupBy('person.id')
      .addGroupBy('person.tmdb_id')
      .addGroupBy('person.name')
      .orderBy('COUNT(*)', 'DESC')
      .addOrderBy('person.name', 'ASC')
      .addOrderBy('person.tmdb_id', 'ASC')
      .limit(TOP)
      .getRawMany<Record<string, unknown>>();
    return rows.map(named);
  }

  /** Artists credited on album picks (once per pick, however often credited): the 10 with most picks. */
  async artists(scope: Scope): Promise<NamedCount<string>[]> {
    const credited = this.dataSource
      .createQueryBuilder()
      .from(AlbumArtist, 'aa')
      .select('aa.album_id', 'album_id')
      .addSelect('aa.artist_id', 'artist_id')
      .distinct(true);
    const rows = await this.picks('album', scope)
      .innerJoin(`(${credited.getQuery()})`, 'credit', 'credit.album_id = pick.album_id')
      .innerJoin(Artist, 'artist', 'artist.id = credit.artist_id')
      .select('artist.musicbrainz_id', 'id')
      .addSelect('artist.name', 'name')
      .addSelect('COUNT(*)', 'count')
      .groupBy('artist.id')
      .addGroupBy('artist.musicbrainz_id')
      .addGroupBy('artist.name')
      .orderBy('COUNT(*)', 'DESC')
      .addOrderBy('artist.name', 'ASC')
      .addOrderBy('artist.musicbrainz_id', 'ASC')
      .limit(TOP)
      .getRawMany<Record<string, unknown>>();
    return rows.map((row) => ({
      key: String(row.id),
      name: String(row.name),
      count: int(row.count),
    }));
  }

  /** The picks of one kind in scope, as `pick`, with their week as `w`. */
  private picks(kind: Kind, scope: Scope): SelectQueryBuilder<object> {
    return narrow(
      this.dataSource
        .createQueryBuilder()
        .from(PICKS[kind].pick, 'pick')
        .innerJoin(Week, 'w', 'w.id = pick.week_id'),
      scope,
    );
  }

  private table(entity: new () => object): string {
    return this.dataSource.getMetadata(entity).tableName;
  }
}

const TOP = 10;

/** Narrows a query over weeks (as `w`) to the scope's year. */
function narrow<T extends SelectQueryBuilder<object>>(query: T, { year }: Scope): T {
  return year === null ? query : query.andWhere('w.year = :year', { year });
}

function named(row: Record<string, unknown>): NamedCount<number> {
  return { key: int(row.id), name: String(row.name), count: int(row.count) };
}
