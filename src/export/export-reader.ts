import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AlbumArtist } from '../albums/entities/album-artist.entity.js';
import { Album } from '../albums/entities/album.entity.js';
import { Artist } from '../albums/entities/artist.entity.js';
import { isoTimestampReader } from '../database/compiled-query.js';
import type { RawRow, ReadSnapshot } from '../database/read-snapshot.js';
import { MovieCast } from '../movies/entities/movie-cast.entity.js';
import { MovieCrew } from '../movies/entities/movie-crew.entity.js';
import { Movie } from '../movies/entities/movie.entity.js';
import { Person } from '../movies/entities/person.entity.js';
import type { MovieCredits } from '../movies/movies.service.js';
import { User } from '../users/entities/user.entity.js';
import { Verdict } from '../verdicts/entities/verdict.entity.js';
import { WeekAlbum } from '../weeks/entities/week-album.entity.js';
import { WeekMovie } from '../weeks/entities/week-movie.entity.js';
import { Week } from '../weeks/entities/week.entity.js';
import type { ExportVerdict } from './export-document.js';

/**
 * Weeks (and catalog items, users, diary rows) per batch. Each batch is a fixed number of queries
 * (at most five), and only one batch is held at a time, so an export's memory does not grow with
 * the data; a batch of weeks is about 3 MB of JSON. Larger batches cost fewer queries, but each
 * is read synchronously on SQLite, which holds up other requests for as long.
 */
export const EXPORT_BATCH = 500;

/** Timestamps as the exports write them: ISO 8601 in UTC with milliseconds. */
type IsoText = string;

export interface UserRow {
  id: number;
  username: string;
  email: string;
  isActive: boolean;
  passwordHash: string;
  createdAt: IsoText;
}

export interface WeekRow {
  id: number;
  year: number;
  weekNumber: number;
  /** The owner's username; null when unclaimed. */
  owner: string | null;
  notes: string | null;
  createdAt: IsoText;
  updatedAt: IsoText;
}

interface PickRow {
  id: number;
  weekId: number;
  position: number;
  addedAt: IsoText;
  title: string;
  releaseDate: string | null;
}

export interface MoviePickRow extends PickRow {
  tmdbId: number;
}

export interface AlbumPickRow extends PickRow {
  musicbrainzId: string;
  artist: string;
}

/** One batch of weeks (by year, week_number), with their picks and every verdict on them. */
export interface WeekBatch {
  weeks: WeekRow[];
  /** By week id, in position order. */
  movies: Map<number, MoviePickRow[]>;
  albums: Map<number, AlbumPickRow[]>;
  /** By pick id, as the export writes them: by created_at, then username. */
  movieVerdicts: Map<number, ExportVerdict[]>;
  albumVerdicts: Map<number, ExportVerdict[]>;
}

export interface MovieEntry {
  movie: Movie;
  /** Null until the credits were first fetched. */
  credits: MovieCredits | null;
}

export interface AlbumEntry {
  album: Album;
  credits: AlbumArtist[];
}

/** A row of the caller's Letterboxd diary. */
export interface DiaryRow {
  year: number;
  weekNumber: number;
  position: number;
  tmdbId: number;
  title: string;
  releaseDate: string | null;
  rating: number | null;
  review: string | null;
  consumedOn: string | null;
}

/**
 * Reads what an export holds, from one snapshot, in keyset-paged batches: each batch starts after
 * the last row of the one before (an index range, never an OFFSET), in the export's order
 * (portability.md §1.1). The SQL comes from TypeORM's query builder, so it is each database's own,
 * but rows are read raw, as arrays in the order of their SELECT list, and mapped straight to what
 * the export writes: entity objects and their transformer were most of an export's CPU (and of
 * its garbage).
 */
export class ExportReader {
  private readonly timestamp: (value: unknown) => IsoText;

  constructor(
    private readonly dataSource: DataSource,
    private readonly snapshot: ReadSnapshot,
  ) {
    // Every timestamp column reads alike: a TimestampColumn (database/columns.ts).
    this.timestamp = isoTimestampReader(dataSource, Verdict, 'createdAt');
  }

  /** Every user, by id. */
  users(): AsyncGenerator<UserRow[]> {
    return keyset<UserRow>(async (after) => {
      const query = this.dataSource
        .createQueryBuilder(User, 'user')
        .where(after ? 'user.id > :id' : '1 = 1', { id: after?.id })
        .orderBy('user.id', 'ASC')
        .limit(EXPORT_BATCH);
      const rows = await this.rows(query, [
        'user.id',
        'user.username',
        'user.email',
        'user.isActive',
        'user.passwordHash',
        'user.createdAt',
      ]);
      return rows.map(([id, username, email, isActive, passwordHash, createdAt]) => ({
        id: id as number,
        username: username as string,
        email: email as string,
        isActive: Boolean(isActive),
        passwordHash: passwordHash as string,
        createdAt: this.timestamp(createdAt),
      }));
    });
  }

  /** Every week with its picks and verdicts: five queries a batch. */
  async *weeks(): AsyncGenerator<WeekBatch> {
    const batches = keyset<WeekRow>(async (after) => {
      const query = this.dataSource
        .createQueryBuilder(Week, 'week')
        .leftJoin('week.owner', 'owner')
        .where(
          // `year >= :year` first, so the (year, week_number) index gives the range.
          after
            ? 'week.year >= :year AND (week.year > :year OR week.weekNumber > :weekNumber)'
            : '1 = 1',
          { year: after?.year, weekNumber: after?.weekNumber },
        )
        .orderBy('week.year', 'ASC')
        .addOrderBy('week.weekNumber', 'ASC')
        .limit(EXPORT_BATCH);
      const rows = await this.rows(query, [
        'week.id',
        'week.year',
        'week.weekNumber',
        'week.notes',
        'week.createdAt',
        'week.updatedAt',
        'owner.username',
      ]);
      return rows.map(([id, year, weekNumber, notes, createdAt, updatedAt, owner]) => ({
        id: id as number,
        year: year as number,
        weekNumber: weekNumber as number,
        owner: (owner as string | null) ?? null,
        notes: notes as string | null,
        createdAt: this.timestamp(createdAt),
        updatedAt: this.timestamp(updatedAt),
      }));
    });
    for await (const weeks of batches) {
      const weekIds = weeks.map((week) => week.id);
      // Only what the exports show of the item: the rest would be read for nothing.
      const movies = (await this.picksOf(WeekMovie, 'movie', weekIds, ['movie.tmdbId'])).map(
        (row): MoviePickRow => ({ ...this.pick(row), tmdbId: row[6] as number }),
      );
      const albums = (
        await this.picksOf(WeekAlbum, 'album', weekIds, ['album.musicbrainzId', 'album.artist'])
      ).map((row): AlbumPickRow => ({
        ...this.pick(row),
        musicbrainzId: row[6] as string,
        artist: row[7] as string,
      }));
      // One query per kind: an OR of both would not use either index (a scan of every verdict).
      yield {
        weeks,
        movies: groupBy(movies, (pick) => pick.weekId),
        albums: groupBy(albums, (pick) => pick.weekId),
        movieVerdicts: await this.verdictsOn(
          'weekMovieId',
          movies.map((pick) => pick.id),
        ),
        albumVerdicts: await this.verdictsOn(
          'weekAlbumId',
          albums.map((pick) => pick.id),
        ),
      };
    }
  }

  /** Every picked movie, by TMDB id, with its stored credits: three queries a batch. */
  async *movies(): AsyncGenerator<MovieEntry[]> {
    const movie = this.columnsOf(Movie, 'item');
    const person = this.columnsOf(Person, 'person');
    const credits = async <C extends MovieCast | MovieCrew>(
      entity: new () => C,
      alias: string,
      movieIds: number[],
      order: string[],
    ) => {
      const columns = this.columnsOf(entity, alias);
      const query = this.dataSource
        .createQueryBuilder(entity, alias)
        .innerJoin(`${alias}.person`, 'person')
        .where(`${alias}.movieId IN (:...movieIds)`, { movieIds });
      for (const column of order) query.addOrderBy(`${alias}.${column}`, 'ASC');
      const rows = await this.rows(query, [...columns.select, ...person.select]);
      return groupBy(
        rows.map((row) => ({
          ...columns.read(row, 0),
          person: person.read(row, columns.select.length),
        })),
        (entry) => entry.movieId,
      );
    };
    const batches = this.picked(movie, WeekMovie, 'movie_id', 'tmdbId');
    for await (const movies of batches) {
      const movieIds = movies.map(({ id }) => id);
      const cast = await credits(MovieCast, 'cast', movieIds, [
        'movieId',
        'billingOrder',
        'listIndex',
      ]);
      const crew = await credits(MovieCrew, 'crew', movieIds, ['movieId', 'listIndex']);
      yield movies.map((movie) => ({
        movie,
        credits: movie.creditsCachedAt
          ? { cast: cast.get(movie.id) ?? [], crew: crew.get(movie.id) ?? [] }
          : null,
      }));
    }
  }

  /** Every picked album, by MusicBrainz id, with its artist credit: two queries a batch. */
  async *albums(): AsyncGenerator<AlbumEntry[]> {
    const album = this.columnsOf(Album, 'item');
    const credit = this.columnsOf(AlbumArtist, 'credit');
    const artist = this.columnsOf(Artist, 'artist');
    const batches = this.picked(album, WeekAlbum, 'album_id', 'musicbrainzId');
    for await (const albums of batches) {
      const query = this.dataSource
        .createQueryBuilder(AlbumArtist, 'credit')
        .innerJoin('credit.artist', 'artist')
        .where('credit.albumId IN (:...albumIds)', { albumIds: albums.map(({ id }) => id) })
        .orderBy('credit.albumId', 'ASC')
        .addOrderBy('credit.creditOrder', 'ASC');
      const rows = await this.rows(query, [...credit.select, ...artist.select]);
      const credits = groupBy(
        rows.map((row) => ({
          ...credit.read(row, 0),
          artist: artist.read(row, credit.select.length),
        })),
        (entry) => entry.albumId,
      );
      yield albums.map((album) => ({ album, credits: credits.get(album.id) ?? [] }));
    }
  }

  /**
   * A member's movie verdicts in diary order (week year desc, week_number desc, position), each
   * with its pick's week and movie: one query a batch.
   */
  diaryOf(userId: number): AsyncGenerator<DiaryRow[]> {
    return keyset<DiaryRow>(async (after) => {
      const query = this.dataSource
        .createQueryBuilder(Verdict, 'verdict')
        .innerJoin('verdict.weekMovie', 'pick')
        .innerJoin('pick.week', 'week')
        .innerJoin('pick.movie', 'movie')
        .where('verdict.userId = :userId', { userId });
      if (after) {
        const { year, weekNumber, position } = after;
        query.andWhere(
          '(week.year < :year OR (week.year = :year AND (week.weekNumber < :weekNumber OR ' +
            '(week.weekNumber = :weekNumber AND pick.position > :position))))',
          { year, weekNumber, position },
        );
      }
      query
        .orderBy('week.year', 'DESC')
        .addOrderBy('week.weekNumber', 'DESC')
        .addOrderBy('pick.position', 'ASC')
        .limit(EXPORT_BATCH);
      const rows = await this.rows(query, [
        'verdict.rating',
        'verdict.review',
        'verdict.consumedOn',
        'pick.position',
        'week.year',
        'week.weekNumber',
        'movie.tmdbId',
        'movie.title',
        'movie.releaseDate',
      ]);
      return rows.map(
        ([rating, review, consumedOn, position, year, weekNumber, tmdbId, title, releaseDate]) =>
          ({
            year,
            weekNumber,
            position,
            tmdbId,
            title,
            releaseDate,
            rating,
            review,
            consumedOn,
          }) as DiaryRow,
      );
    });
  }

  /**
   * Runs `query` with `columns` (`alias.property`) as its SELECT list; each row's values come in
   * the order of `columns`. The query builder groups a SELECT list by alias (the main one, then
   * the joins in order), so lists written in that order are read as they come; any other is
   * reordered, by the alias each column is given.
   */
  private async rows(
    query: SelectQueryBuilder<ObjectLiteral>,
    columns: string[],
  ): Promise<RawRow[]> {
    query.select(columns[0], 'c0');
    for (let i = 1; i < columns.length; i++) query.addSelect(columns[i], `c${i}`);
    const [sql, parameters] = query.getQueryAndParameters();
    const result = await this.snapshot.query(sql, parameters);
    const order = columns.map((_, i) => result.columns.indexOf(`c${i}`));
    if (order.every((at, i) => at === i)) return result.rows;
    return result.rows.map((row) => order.map((at) => row[at]));
  }

  /** The six values picksOf reads first. */
  private pick([id, weekId, position, addedAt, title, releaseDate]: RawRow): PickRow {
    return {
      id: id as number,
      weekId: weekId as number,
      position: position as number,
      addedAt: this.timestamp(addedAt),
      title: title as string,
      releaseDate: releaseDate as string | null,
    };
  }

  /** Catalog items some week picked, in batches by their upstream id. */
  private picked<T extends Movie | Album>(
    columns: EntityColumns<T>,
    pickEntity: typeof WeekMovie | typeof WeekAlbum,
    pickColumn: 'movie_id' | 'album_id',
    key: keyof T & string,
  ): AsyncGenerator<T[]> {
    const picks = this.dataSource.getMetadata(pickEntity).tableName;
    return keyset<T>(async (after) => {
      const query = this.dataSource
        .createQueryBuilder(columns.entity, 'item')
        .where(`EXISTS (SELECT 1 FROM ${picks} pick WHERE pick.${pickColumn} = item.id)`)
        .andWhere(after ? `item.${key} > :after` : '1 = 1', { after: after?.[key] })
        .orderBy(`item.${key}`, 'ASC')
        .limit(EXPORT_BATCH);
      return (await this.rows(query, columns.select)).map((row) => columns.read(row, 0));
    });
  }

  /** id, weekId, position, addedAt, title, releaseDate, then `columns` of the item. */
  private picksOf(
    entity: typeof WeekMovie | typeof WeekAlbum,
    item: 'movie' | 'album',
    weekIds: number[],
    columns: string[],
  ): Promise<RawRow[]> {
    const query = this.dataSource
      .createQueryBuilder(entity, 'pick')
      .innerJoin(`pick.${item}`, item)
      .where('pick.weekId IN (:...weekIds)', { weekIds })
      .orderBy('pick.weekId', 'ASC')
      .addOrderBy('pick.position', 'ASC');
    return this.rows(query, [
      'pick.id',
      'pick.weekId',
      'pick.position',
      'pick.addedAt',
      `${item}.title`,
      `${item}.releaseDate`,
      ...columns,
    ]);
  }

  /** The verdicts on these picks of one kind, as the export writes them, by pick: one query. */
  private async verdictsOn(
    column: 'weekMovieId' | 'weekAlbumId',
    pickIds: number[],
  ): Promise<Map<number, ExportVerdict[]>> {
    if (pickIds.length === 0) return new Map();
    const query = this.dataSource
      .createQueryBuilder(Verdict, 'verdict')
      .innerJoin('verdict.user', 'user')
      .where(`verdict.${column} IN (:...pickIds)`, { pickIds });
    const rows = await this.rows(query, [
      `verdict.${column}`,
      'verdict.rating',
      'verdict.review',
      'verdict.spoiler',
      'verdict.consumedOn',
      'verdict.createdAt',
      'verdict.updatedAt',
      'user.username',
    ]);
    const byPick = new Map<number, ExportVerdict[]>();
    for (const [pick, rating, review, spoiler, consumedOn, createdAt, updatedAt, user] of rows) {
      // The keys in the order ExportVerdict is written.
      const verdict: ExportVerdict = {
        user: user as string,
        rating: rating as number | null,
        review: review as string | null,
        spoiler: Boolean(spoiler),
        consumed_on: consumedOn as string | null,
        created_at: this.timestamp(createdAt),
        updated_at: this.timestamp(updatedAt),
      };
      const group = byPick.get(pick as number);
      if (group) group.push(verdict);
      else byPick.set(pick as number, [verdict]);
    }
    // Sorted here, not in SQL: usernames compare by code point on both databases alike (and
    // timestamps of one width compare as text as they do in time).
    for (const verdicts of byPick.values()) {
      if (verdicts.length > 1) verdicts.sort(byCreatedThenUser);
    }
    return byPick;
  }

  private columnsOf<T extends ObjectLiteral>(entity: new () => T, alias: string): EntityColumns<T> {
    return entityColumns(this.dataSource, entity, alias);
  }
}

function byCreatedThenUser(a: ExportVerdict, b: ExportVerdict): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.user < b.user ? -1 : a.user > b.user ? 1 : 0;
}

/** Every column of an entity: its SELECT list, and a reader of those values into a plain object. */
interface EntityColumns<T> {
  entity: new () => T;
  select: string[];
  /** The object from the row's values at `offset` onwards. */
  read(row: RawRow, offset: number): T;
}

/** Column types whose raw value both drivers already give as the entity holds it. */
const AS_READ = new Set<unknown>([
  'int',
  'integer',
  'text',
  'varchar',
  'double precision',
  String,
  Number,
]);

function entityColumns<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: new () => T,
  alias: string,
): EntityColumns<T> {
  const { driver } = dataSource;
  const columns = dataSource.getMetadata(entity).columns.map((meta) => ({
    property: meta.propertyName,
    meta,
    // Anything else (booleans, timestamps, JSON) takes the driver's own conversion.
    asRead: AS_READ.has(meta.type) && !meta.transformer,
  }));
  return {
    entity,
    select: columns.map(({ property }) => `${alias}.${property}`),
    read: (row, offset) => {
      const object: Record<string, unknown> = {};
      columns.forEach(({ property, meta, asRead }, i) => {
        const value = row[offset + i];
        object[property] = asRead ? value : driver.prepareHydratedValue(value, meta);
      });
      return object as T;
    },
  };
}

/**
 * Batches of `read(last row of the previous batch)` until one comes back short. Each read waits for
 * the event loop's next turn first: SQLite reads are synchronous, so without it what was already
 * written would not leave the socket (nor other requests be served) until many batches later.
 */
async function* keyset<T>(read: (after: T | undefined) => Promise<T[]>): AsyncGenerator<T[]> {
  let after: T | undefined;
  for (;;) {
    await nextTurn();
    const batch = await read(after);
    if (batch.length > 0) yield batch;
    if (batch.length < EXPORT_BATCH) return;
    after = batch[batch.length - 1];
  }
}

function groupBy<T>(rows: T[], key: (row: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
