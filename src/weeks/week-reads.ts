import { Injectable } from '@nestjs/common';
import { DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { albumRefOfRow, selectAlbumRef, type AlbumRefRow } from '../albums/dto/album-ref-row.js';
import { CatalogUrls } from '../catalog/catalog-urls.js';
import {
  NO_RATINGS,
  toRatingSummary,
  type RatingTotals,
} from '../common/dto/rating-summary.dto.js';
import { CompiledQuery, isoTimestampReader, valueReader } from '../database/compiled-query.js';
import { movieRefOfRow, selectMovieRef, type MovieRefRow } from '../movies/dto/movie-ref-row.js';
import type { VerdictDto } from '../verdicts/dto/verdict-responses.dto.js';
import { Verdict } from '../verdicts/entities/verdict.entity.js';
import type {
  AlbumSlotDto,
  MovieSlotDto,
  WeekDetailDto,
  WeekDto,
} from './dto/week-responses.dto.js';
import { WeekAlbum } from './entities/week-album.entity.js';
import { WeekMovie } from './entities/week-movie.entity.js';
import { Week } from './entities/week.entity.js';

interface WeekRow {
  week_id: number;
  /** Null when unclaimed (the owner is joined by `weeks.user_id`). */
  owner_id: number | null;
  owner_username: string | null;
  year: number;
  week_number: number;
  notes: string | null;
  created_at: unknown;
  updated_at: unknown;
}

/** A pick with one of its verdicts (its author's): one row per verdict, or one with nulls. */
interface SlotRow {
  pick_id: number;
  position: number;
  added_at: unknown;
  verdict_id: number | null;
  rating: number | null;
  review: string | null;
  spoiler: unknown;
  consumed_on: string | null;
  verdict_created_at: unknown;
  verdict_updated_at: unknown;
  author_id: number;
  author_username: string;
}

type Count = { total: number | string };

/** How each kind of pick is stored and shown. */
const SLOT_KINDS = {
  movie: { entity: WeekMovie, item: 'pick.movie', verdictPick: 'verdict.weekMovieId' },
  album: { entity: WeekAlbum, item: 'pick.album', verdictPick: 'verdict.weekAlbumId' },
} as const;

/**
 * Week detail and the week list as raw selects, mapped straight to their DTOs (issue #14): no
 * entity is built on these paths, and each read runs SQL compiled once (`CompiledQuery`). Week
 * detail is three queries (the week with its owner; each kind of pick with its item and every
 * verdict on it, with authors), the list two, whatever the page size.
 */
@Injectable()
export class WeekReads {
  private readonly iso: (raw: unknown) => string;
  private readonly spoiler: (raw: unknown) => boolean;
  private readonly week: CompiledQuery<{ id: number }, WeekRow>;
  private readonly movieSlots: CompiledQuery<{ weekId: number }, SlotRow & MovieRefRow>;
  private readonly albumSlots: CompiledQuery<{ weekId: number }, SlotRow & AlbumRefRow>;
  private readonly count: CompiledQuery<Record<string, never>, Count>;
  private readonly countOfYear: CompiledQuery<{ year: number }, Count>;
  private readonly page: CompiledQuery<{ limit: number; offset: number }, WeekRow>;
  private readonly pageOfYear: CompiledQuery<
    { year: number; limit: number; offset: number },
    WeekRow
  >;

  constructor(
    dataSource: DataSource,
    private readonly urls: CatalogUrls,
  ) {
    // Every timestamp is a TimestampColumn: one reader serves them all.
    this.iso = isoTimestampReader(dataSource, Week, 'createdAt');
    this.spoiler = valueReader<boolean>(dataSource, Verdict, 'spoiler');
    const weeks = dataSource.getMetadata(Week).tableName;
    this.week = new CompiledQuery(dataSource, ['id'], () =>
      selectWeek(dataSource).where('week.id = :id'),
    );
    this.movieSlots = new CompiledQuery(dataSource, ['weekId'], () =>
      selectMovieRef(selectSlots(dataSource, 'movie'), 'item'),
    );
    this.albumSlots = new CompiledQuery(dataSource, ['weekId'], () =>
      selectAlbumRef(selectSlots(dataSource, 'album'), 'item'),
    );
    const counted = () =>
      dataSource.createQueryBuilder().select('COUNT(*)', 'total').from(Week, 'week');
    this.count = new CompiledQuery(dataSource, [], counted);
    this.countOfYear = new CompiledQuery(dataSource, ['year'], () =>
      counted().where('week.year = :year'),
    );
    // LIMIT and OFFSET as parameters (the query builder writes them into the text): the page's ids
    // come from a subquery on the (year, week_number) index, then the page is joined to owners.
    const paged = (where: string) =>
      selectWeek(dataSource)
        .where(
          `week.id IN (SELECT paged.id FROM ${weeks} paged ${where} ` +
            'ORDER BY paged.year DESC, paged.week_number DESC LIMIT :limit OFFSET :offset)',
        )
        .orderBy('week.year', 'DESC')
        .addOrderBy('week.weekNumber', 'DESC');
    this.page = new CompiledQuery(dataSource, ['limit', 'offset'], () => paged(''));
    this.pageOfYear = new CompiledQuery(dataSource, ['year', 'limit', 'offset'], () =>
      paged('WHERE paged.year = :year'),
    );
  }

  /** The week with its picks in position order and their verdicts; null when there is none. */
  async detail(id: number): Promise<WeekDetailDto | null> {
    const [weeks, movies, albums] = await Promise.all([
      this.week.run({ id }),
      this.movieSlots.run({ weekId: id }),
      this.albumSlots.run({ weekId: id }),
    ]);
    if (weeks.length === 0) return null;
    return {
      ...this.toWeek(weeks[0]),
      movies: this.slots(movies, (row, judged): MovieSlotDto => ({
        position: row.position,
        added_at: this.iso(row.added_at),
        movie: movieRefOfRow(row, this.iso),
        ...judged,
      })),
      albums: this.slots(albums, (row, judged): AlbumSlotDto => ({
        position: row.position,
        added_at: this.iso(row.added_at),
        album: albumRefOfRow(row, this.urls, this.iso),
        ...judged,
      })),
    };
  }

  /** Every user's weeks (of one year, when given), newest first. */
  async list(
    page: number,
    pageSize: number,
    year?: number,
  ): Promise<{ total: number; weeks: WeekDto[] }> {
    const window = { limit: pageSize, offset: (page - 1) * pageSize };
    const [counted, rows] = await Promise.all(
      year === undefined
        ? [this.count.run({}), this.page.run(window)]
        : [this.countOfYear.run({ year }), this.pageOfYear.run({ year, ...window })],
    );
    return { total: Number(counted[0].total), weeks: rows.map((row) => this.toWeek(row)) };
  }

  private toWeek(row: WeekRow): WeekDto {
    return {
      id: row.week_id,
      user_id: row.owner_id,
      owner: row.owner_id === null ? null : { id: row.owner_id, username: row.owner_username! },
      year: row.year,
      week_number: row.week_number,
      notes: row.notes,
      created_at: this.iso(row.created_at),
      updated_at: this.iso(row.updated_at),
    };
  }

  /** Rows come by position, then by each verdict's created_at and author id: one slot per pick. */
  private slots<R extends SlotRow, S>(
    rows: R[],
    toSlot: (
      row: R,
      judged: { verdicts: VerdictDto[]; rating: ReturnType<typeof toRatingSummary> },
    ) => S,
  ): S[] {
    const slots: S[] = [];
    for (let start = 0; start < rows.length;) {
      const first = rows[start];
      const verdicts: VerdictDto[] = [];
      let totals: RatingTotals = NO_RATINGS;
      let end = start;
      for (; end < rows.length && rows[end].pick_id === first.pick_id; end++) {
        const row = rows[end];
        if (row.verdict_id === null) continue;
        verdicts.push({
          user: { id: row.author_id, username: row.author_username },
          rating: row.rating,
          review: row.review,
          spoiler: this.spoiler(row.spoiler),
          consumed_on: row.consumed_on,
          created_at: this.iso(row.verdict_created_at),
          updated_at: this.iso(row.verdict_updated_at),
        });
        if (row.rating !== null) {
          totals = {
            count: totals.count + 1,
            sum: totals.sum + row.rating,
            sumOfSquares: totals.sumOfSquares + row.rating * row.rating,
          };
        }
      }
      slots.push(toSlot(first, { verdicts, rating: toRatingSummary(totals) }));
      start = end;
    }
    return slots;
  }
}

/** A week's columns, with its owner's (null when unclaimed). */
function selectWeek(dataSource: DataSource): SelectQueryBuilder<ObjectLiteral> {
  return dataSource
    .createQueryBuilder()
    .select('week.id', 'week_id')
    .addSelect('owner.id', 'owner_id')
    .addSelect('owner.username', 'owner_username')
    .addSelect('week.year', 'year')
    .addSelect('week.weekNumber', 'week_number')
    .addSelect('week.notes', 'notes')
    .addSelect('week.createdAt', 'created_at')
    .addSelect('week.updatedAt', 'updated_at')
    .from(Week, 'week')
    .leftJoin('week.owner', 'owner');
}

/** The picks of one kind of a week (`:weekId`), joined to their item (`item`) and verdicts. */
function selectSlots(
  dataSource: DataSource,
  kind: keyof typeof SLOT_KINDS,
): SelectQueryBuilder<ObjectLiteral> {
  const { entity, item, verdictPick } = SLOT_KINDS[kind];
  return dataSource
    .createQueryBuilder()
    .select('pick.id', 'pick_id')
    .addSelect('pick.position', 'position')
    .addSelect('pick.addedAt', 'added_at')
    .addSelect('verdict.id', 'verdict_id')
    .addSelect('verdict.rating', 'rating')
    .addSelect('verdict.review', 'review')
    .addSelect('verdict.spoiler', 'spoiler')
    .addSelect('verdict.consumedOn', 'consumed_on')
    .addSelect('verdict.createdAt', 'verdict_created_at')
    .addSelect('verdict.updatedAt', 'verdict_updated_at')
    .addSelect('author.id', 'author_id')
    .addSelect('author.username', 'author_username')
    .from(entity, 'pick')
    .innerJoin(item, 'item')
    .leftJoin(Verdict, 'verdict', `${verdictPick} = pick.id`)
    .leftJoin('verdict.user', 'author')
    .where('pick.weekId = :weekId')
    .orderBy('pick.position', 'ASC')
    .addOrderBy('verdict.createdAt', 'ASC')
    .addOrderBy('verdict.userId', 'ASC');
}
