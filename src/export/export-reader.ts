import { setImmediate as nextTurn } from 'node:timers/promises';
import { In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { AlbumArtist } from '../albums/entities/album-artist.entity.js';
import { Album } from '../albums/entities/album.entity.js';
import { MovieCast } from '../movies/entities/movie-cast.entity.js';
import { MovieCrew } from '../movies/entities/movie-crew.entity.js';
import { Movie } from '../movies/entities/movie.entity.js';
import type { MovieCredits } from '../movies/movies.service.js';
import { User } from '../users/entities/user.entity.js';
import { Verdict } from '../verdicts/entities/verdict.entity.js';
import { WeekAlbum } from '../weeks/entities/week-album.entity.js';
import { WeekMovie } from '../weeks/entities/week-movie.entity.js';
import { Week } from '../weeks/entities/week.entity.js';

/**
 * Rows per batch. Each batch is a fixed number of queries (at most five), and only one batch is
 * held at a time, so an export's memory does not grow with the data.
 */
export const EXPORT_BATCH = 250;

/** One batch of weeks (by year, week_number), with their picks and every verdict on them. */
export interface WeekBatch {
  /** With `owner` (id and username) when claimed. */
  weeks: Week[];
  /** By week id, in position order, each with its `movie` (`album`). */
  movies: Map<number, WeekMovie[]>;
  albums: Map<number, WeekAlbum[]>;
  /** By pick id, ordered by created_at then username, each with its `user` (id and username). */
  movieVerdicts: Map<number, Verdict[]>;
  albumVerdicts: Map<number, Verdict[]>;
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

/**
 * Reads what an export holds in keyset-paged batches: each batch starts after the last row of the
 * one before (an index range, never an OFFSET), in the export's order (portability.md §1.1).
 */
export class ExportReader {
  constructor(private readonly manager: EntityManager) {}

  /** Every user, by id. */
  users(): AsyncGenerator<User[]> {
    return keyset<User>((after) =>
      this.manager
        .createQueryBuilder(User, 'user')
        .where(after ? 'user.id > :id' : '1 = 1', { id: after?.id })
        .orderBy('user.id', 'ASC')
        .limit(EXPORT_BATCH)
        .getMany(),
    );
  }

  /** Every week with its picks and verdicts: five queries a batch. */
  async *weeks(): AsyncGenerator<WeekBatch> {
    const batches = keyset<Week>((after) =>
      this.manager
        .createQueryBuilder(Week, 'week')
        .leftJoin('week.owner', 'owner')
        .addSelect(['owner.id', 'owner.username'])
        .where(
          // `year >= :year` first, so the (year, week_number) index gives the range.
          after
            ? 'week.year >= :year AND (week.year > :year OR week.week_number > :weekNumber)'
            : '1 = 1',
          { year: after?.year, weekNumber: after?.weekNumber },
        )
        .orderBy('week.year', 'ASC')
        .addOrderBy('week.week_number', 'ASC')
        .limit(EXPORT_BATCH)
        .getMany(),
    );
    for await (const weeks of batches) {
      const weekIds = weeks.map((week) => week.id);
      // Only what the exports show of the item: the rest would be read and mapped for nothing.
      const movies = await this.picksOf(WeekMovie, weekIds, 'movie', [
        'tmdbId',
        'title',
        'releaseDate',
      ]);
      const albums = await this.picksOf(WeekAlbum, weekIds, 'album', [
        'musicbrainzId',
        'title',
        'artist',
        'releaseDate',
      ]);
      // One query per kind: an OR of both would not use either index (a scan of every verdict).
      const movieVerdicts = await this.verdictsOn(
        'week_movie_id',
        movies.map((pick) => pick.id),
      );
      const albumVerdicts = await this.verdictsOn(
        'week_album_id',
        albums.map((pick) => pick.id),
      );
      yield {
        weeks,
        movies: groupBy(movies, (pick) => pick.weekId),
        albums: groupBy(albums, (pick) => pick.weekId),
        movieVerdicts: groupBy(movieVerdicts, (verdict) => verdict.weekMovieId!),
        albumVerdicts: groupBy(albumVerdicts, (verdict) => verdict.weekAlbumId!),
      };
    }
  }

  /** Every picked movie, by TMDB id, with its stored credits: three queries a batch. */
  async *movies(): AsyncGenerator<MovieEntry[]> {
    const batches = this.picked(Movie, WeekMovie, 'movie_id', 'tmdbId', 'tmdb_id');
    for await (const movies of batches) {
      const movieId = In(movies.map((movie) => movie.id));
      const cast = groupBy(
        await this.manager.find(MovieCast, {
          where: { movieId },
          relations: { person: true },
          order: { movieId: 'ASC', billingOrder: 'ASC', listIndex: 'ASC' },
        }),
        (entry) => entry.movieId,
      );
      const crew = groupBy(
        await this.manager.find(MovieCrew, {
          where: { movieId },
          relations: { person: true },
          order: { movieId: 'ASC', listIndex: 'ASC' },
        }),
        (entry) => entry.movieId,
      );
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
    const batches = this.picked(Album, WeekAlbum, 'album_id', 'musicbrainzId', 'musicbrainz_id');
    for await (const albums of batches) {
      const credits = groupBy(
        await this.manager.find(AlbumArtist, {
          where: { albumId: In(albums.map((album) => album.id)) },
          relations: { artist: true },
          order: { albumId: 'ASC', creditOrder: 'ASC' },
        }),
        (credit) => credit.albumId,
      );
      yield albums.map((album) => ({ album, credits: credits.get(album.id) ?? [] }));
    }
  }

  /**
   * A member's movie verdicts in diary order (week year desc, week_number desc, position), each
   * with its pick, the pick's week and movie: one query a batch.
   */
  movieVerdictsOf(userId: number): AsyncGenerator<Verdict[]> {
    return keyset<Verdict>((after) => {
      const query = this.manager
        .createQueryBuilder(Verdict, 'verdict')
        .innerJoinAndSelect('verdict.weekMovie', 'pick')
        .innerJoinAndSelect('pick.week', 'week')
        .innerJoinAndSelect('pick.movie', 'movie')
        .where('verdict.user_id = :userId', { userId });
      if (after) afterInDiary(query, after);
      return query
        .orderBy('week.year', 'DESC')
        .addOrderBy('week.week_number', 'DESC')
        .addOrderBy('pick.position', 'ASC')
        .limit(EXPORT_BATCH)
        .getMany();
    });
  }

  /** Catalog items some week picked, in batches by their upstream id. */
  private picked<T extends Movie | Album>(
    entity: new () => T,
    pickEntity: typeof WeekMovie | typeof WeekAlbum,
    pickColumn: 'movie_id' | 'album_id',
    key: keyof T & string,
    keyColumn: string,
  ): AsyncGenerator<T[]> {
    const picks = this.manager.getRepository(pickEntity).metadata.tableName;
    return keyset<T>((after) =>
      this.manager
        .createQueryBuilder(entity, 'item')
        .where(`EXISTS (SELECT 1 FROM ${picks} pick WHERE pick.${pickColumn} = item.id)`)
        .andWhere(after ? `item.${keyColumn} > :after` : '1 = 1', { after: after?.[key] })
        .orderBy(`item.${keyColumn}`, 'ASC')
        .limit(EXPORT_BATCH)
        .getMany(),
    );
  }

  private picksOf<P extends WeekMovie | WeekAlbum>(
    entity: new () => P,
    weekIds: number[],
    item: 'movie' | 'album',
    columns: string[],
  ): Promise<P[]> {
    return this.manager
      .createQueryBuilder(entity, 'pick')
      .innerJoin(`pick.${item}`, item)
      .addSelect([`${item}.id`, ...columns.map((column) => `${item}.${column}`)])
      .where('pick.week_id IN (:...weekIds)', { weekIds })
      .orderBy('pick.week_id', 'ASC')
      .addOrderBy('pick.position', 'ASC')
      .getMany();
  }

  /**
   * The verdicts on these picks of one kind, each with its author: one query on its index. Read
   * raw and hydrated column by column with the driver's own conversions: they are the most
   * numerous rows of an export, and TypeORM's entity transformer was a third of its CPU.
   */
  private async verdictsOn(
    column: 'week_movie_id' | 'week_album_id',
    pickIds: number[],
  ): Promise<Verdict[]> {
    if (pickIds.length === 0) return [];
    const { driver } = this.manager.connection;
    const metadata = this.manager.connection.getMetadata(Verdict);
    const fields = VERDICT_FIELDS.map((property) => {
      const meta = metadata.findColumnWithPropertyName(property)!;
      return { property, alias: meta.databaseName, meta };
    });
    const rows = await this.manager
      .createQueryBuilder(Verdict, 'verdict')
      .innerJoin('verdict.user', 'user')
      .select(fields.map(({ property }) => `verdict.${property}`))
      .addSelect('user.username', 'username')
      .where(`verdict.${column} IN (:...pickIds)`, { pickIds })
      .getRawMany<Record<string, unknown>>();
    const verdicts = rows.map((row) => {
      const verdict = {} as Record<string, unknown>;
      for (const { property, alias, meta } of fields) {
        verdict[property] = driver.prepareHydratedValue(row[`verdict_${alias}`], meta);
      }
      verdict.user = { id: verdict.userId, username: row.username };
      return verdict as unknown as Verdict;
    });
    // Sorted here, not in SQL: usernames compare by code point on both databases alike.
    return verdicts.sort(
      (a, b) =>
        a.createdAt.getTime() - b.createdAt.getTime() ||
        (a.user!.username < b.user!.username ? -1 : a.user!.username > b.user!.username ? 1 : 0),
    );
  }
}

/** What an export shows of a verdict, besides its author's name. */
const VERDICT_FIELDS = [
  'weekMovieId',
  'weekAlbumId',
  'userId',
  'rating',
  'review',
  'spoiler',
  'consumedOn',
  'createdAt',
  'updatedAt',
] as const;

function afterInDiary(query: SelectQueryBuilder<Verdict>, after: Verdict): void {
  const pick = after.weekMovie!;
  query.andWhere(
    '(week.year < :year OR (week.year = :year AND (week.week_number < :weekNumber OR ' +
      '(week.week_number = :weekNumber AND pick.position > :position))))',
    { year: pick.week!.year, weekNumber: pick.week!.weekNumber, position: pick.position },
  );
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
