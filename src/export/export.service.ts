import { Readable, pipeline } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { stringify, type Options as CsvOptions } from 'csv-stringify';
import { DataSource } from 'typeorm';
import { toAlbumCredits, toAlbumDetails } from '../albums/dto/album-responses.dto.js';
import { CatalogUrls } from '../catalog/catalog-urls.js';
import { Clock } from '../common/clock.js';
import { toRatingSummary, totalsOf } from '../common/dto/rating-summary.dto.js';
import { toMovieCredits, toMovieDetails } from '../movies/dto/movie-responses.dto.js';
import type { User } from '../users/entities/user.entity.js';
import { ReadSnapshots } from '../database/read-snapshot.js';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  exportFileName,
  type ExportAlbum,
  type ExportMovie,
  type ExportScope,
  type ExportUser,
  type ExportVerdict,
  type ExportWeek,
} from './export-document.js';
import {
  ExportReader,
  type AlbumEntry,
  type AlbumPickRow,
  type MovieEntry,
  type MoviePickRow,
  type UserRow,
  type WeekBatch,
  type WeekRow,
} from './export-reader.js';

/** A file an export writes, streamed: rows are written while they are read. */
export interface ExportFile {
  name: string;
  type: string;
  stream: Readable;
}

/** What a JSON export wrote, counted as it goes (the admin command prints it). */
export interface ExportTally {
  users: number;
  weeks: number;
  picks: number;
  verdicts: number;
  movies: number;
  albums: number;
}

const PICKS_CSV_HEADER = [
  'year',
  'week_number',
  'kind',
  'position',
  'picked_by',
  'title',
  'artist',
  'release_date',
  'tmdb_id',
  'musicbrainz_id',
  'added_at',
  'ratings',
  'average_rating',
  'your_rating',
  'your_review',
];
const LETTERBOXD_HEADER = ['tmdbID', 'Title', 'Year', 'WatchedDate', 'Rating10', 'Review'];

/** RFC 4180 with CRLF; a field holding a lone CR or LF is quoted too (csv-stringify only quotes CRLF). */
const RFC_4180: CsvOptions = { record_delimiter: 'windows', quoted_match: /[\r\n]/ };

/** Spreadsheets run a cell that starts with one of these as a formula (portability.md §1.2). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * The exports (portability.md §1, §2.1). Everything is read in keyset-paged batches while it is
 * written, so memory stays flat whatever the size of the history; the same data always gives the
 * same bytes, apart from `exported_at`. Each export reads one snapshot (`ReadSnapshots`) on a
 * connection of its own: a write committed while it runs is either wholly in it or not at all.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly snapshots: ReadSnapshots,
    private readonly urls: CatalogUrls,
    private readonly clock: Clock,
  ) {}

  /** The whole history as JSON (§1.1); `admin` adds what a full restore needs (§2.1). */
  json(scope: ExportScope, tally?: ExportTally): ExportFile {
    const now = this.clock.now();
    return {
      name: exportFileName(now, 'json'),
      type: 'application/json',
      stream: Readable.from(this.reading((reader) => this.jsonText(reader, scope, now, tally))),
    };
  }

  /** One row per pick, with the group's ratings and the caller's own verdict (§1.2). */
  picksCsv(caller: User): ExportFile {
    return this.csvFile('picks', (reader) => pickRows(reader, caller.username), {
      bom: true,
      cast: { string: (value) => (FORMULA_START.test(value) ? `'${value}` : value) },
    });
  }

  /** The caller's movie verdicts as Letterboxd's importer reads them (§1.3). */
  letterboxdCsv(caller: User): ExportFile {
    return this.csvFile('letterboxd', (reader) => letterboxdRows(reader, caller.id), {});
  }

  /**
   * Records through csv-stringify. Errors (a failed read) reach the response through the returned
   * stream, and a client that goes away destroys it, which ends the reading too.
   */
  private csvFile(
    what: string,
    rows: (reader: ExportReader) => AsyncIterable<unknown[]>,
    options: CsvOptions,
  ): ExportFile {
    const stringifier = stringify({ ...RFC_4180, ...options });
    pipeline(Readable.from(this.reading(rows)), stringifier, () => undefined);
    return {
      name: exportFileName(this.clock.now(), 'csv', what),
      type: 'text/csv; charset=utf-8',
      stream: stringifier,
    };
  }

  /**
   * Runs `read` on a snapshot of its own, opened when the first chunk is asked for and released
   * when the last is written, or when the client goes away (the stream is destroyed).
   */
  private async *reading<T>(read: (reader: ExportReader) => AsyncIterable<T>): AsyncGenerator<T> {
    const snapshot = await this.snapshots.open();
    try {
      yield* read(new ExportReader(this.dataSource, snapshot));
    } finally {
      await snapshot.release();
    }
  }

  private async *jsonText(
    reader: ExportReader,
    scope: ExportScope,
    now: Date,
    tally: ExportTally = { users: 0, weeks: 0, picks: 0, verdicts: 0, movies: 0, albums: 0 },
  ): AsyncGenerator<string> {
    const head = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exported_at: now.toISOString(),
      ...(scope === 'admin' ? { scope } : {}),
    };
    yield `${JSON.stringify(head).slice(0, -1)},\n"users":[`;
    yield* jsonItems(reader.users(), (users) => {
      tally.users += users.length;
      return users.map((user) => toExportUser(user, scope));
    });
    yield '],\n"weeks":[';
    yield* jsonItems(reader.weeks(), (batch) => {
      const weeks = batch.weeks.map((week) => toExportWeek(week, batch));
      tally.weeks += weeks.length;
      for (const week of weeks) {
        for (const pick of [...week.movies, ...week.albums]) {
          tally.picks += 1;
          tally.verdicts += pick.verdicts.length;
        }
      }
      return weeks;
    });
    yield '],\n"movies":[';
    yield* jsonItems(reader.movies(), (movies) => {
      tally.movies += movies.length;
      return movies.map((entry) => this.toExportMovie(entry));
    });
    yield '],\n"albums":[';
    yield* jsonItems(reader.albums(), (albums) => {
      tally.albums += albums.length;
      return albums.map((entry) => this.toExportAlbum(entry));
    });
    yield ']}\n';
  }

  /** The API's MovieDetails and credits, so the export's catalog matches what the API shows. */
  private toExportMovie({ movie, credits }: MovieEntry): ExportMovie {
    return {
      ...withoutCached(toMovieDetails(movie, true, this.urls)),
      cached_at: movie.cachedAt.toISOString(),
      credits: credits ? toMovieCredits(credits, this.urls) : null,
    };
  }

  private toExportAlbum({ album, credits }: AlbumEntry): ExportAlbum {
    return {
      ...withoutCached(toAlbumDetails(album, true, this.urls)),
      cached_at: album.cachedAt.toISOString(),
      credits: toAlbumCredits(credits).artists,
    };
  }
}

/** An export is not a reply: whether this request fetched upstream means nothing in it. */
function withoutCached<T extends { cached: boolean }>(details: T): Omit<T, 'cached'> {
  const copy: Partial<T> = { ...details };
  delete copy.cached;
  return copy as Omit<T, 'cached'>;
}

/** The items of each batch as JSON array elements, one a line; one chunk a batch. */
async function* jsonItems<T>(
  batches: AsyncIterable<T>,
  items: (batch: T) => object[],
): AsyncGenerator<string> {
  let separator = '\n';
  for await (const batch of batches) {
    const values = items(batch);
    if (values.length === 0) continue;
    yield separator + values.map((value) => JSON.stringify(value)).join(',\n');
    separator = ',\n';
  }
}

function toExportUser(user: UserRow, scope: ExportScope): ExportUser {
  const exported: ExportUser = {
    id: user.id,
    username: user.username,
    created_at: user.createdAt,
  };
  if (scope === 'admin') {
    exported.email = user.email;
    exported.is_active = user.isActive;
    exported.password_hash = user.passwordHash;
  }
  return exported;
}

function toExportWeek(week: WeekRow, batch: WeekBatch): ExportWeek {
  return {
    year: week.year,
    week_number: week.weekNumber,
    owner: week.owner,
    notes: week.notes,
    created_at: week.createdAt,
    updated_at: week.updatedAt,
    movies: (batch.movies.get(week.id) ?? []).map((pick) => ({
      position: pick.position,
      added_at: pick.addedAt,
      tmdb_id: pick.tmdbId,
      verdicts: batch.movieVerdicts.get(pick.id) ?? [],
    })),
    albums: (batch.albums.get(week.id) ?? []).map((pick) => ({
      position: pick.position,
      added_at: pick.addedAt,
      musicbrainz_id: pick.musicbrainzId,
      verdicts: batch.albumVerdicts.get(pick.id) ?? [],
    })),
  };
}

async function* pickRows(reader: ExportReader, caller: string): AsyncGenerator<unknown[]> {
  yield PICKS_CSV_HEADER;
  for await (const batch of reader.weeks()) {
    for (const week of batch.weeks) {
      const row = (
        kind: 'movie' | 'album',
        pick: MoviePickRow | AlbumPickRow,
        artist: string | null,
        ids: [number | null, string | null],
        verdicts: ExportVerdict[],
      ) => {
        const ratings = verdicts.flatMap(({ rating }) => (rating === null ? [] : [rating]));
        // Usernames are unique: the caller's own verdict.
        const mine = verdicts.find((verdict) => verdict.user === caller);
        return [
          week.year,
          week.weekNumber,
          kind,
          pick.position,
          week.owner,
          pick.title,
          artist,
          pick.releaseDate,
          ...ids,
          pick.addedAt,
          ratings.length,
          toRatingSummary(totalsOf(ratings)).average,
          mine?.rating,
          mine?.review,
        ];
      };
      for (const pick of batch.movies.get(week.id) ?? []) {
        yield row('movie', pick, null, [pick.tmdbId, null], batch.movieVerdicts.get(pick.id) ?? []);
      }
      for (const pick of batch.albums.get(week.id) ?? []) {
        yield row(
          'album',
          pick,
          pick.artist,
          [null, pick.musicbrainzId],
          batch.albumVerdicts.get(pick.id) ?? [],
        );
      }
    }
  }
}

async function* letterboxdRows(reader: ExportReader, userId: number): AsyncGenerator<unknown[]> {
  yield LETTERBOXD_HEADER;
  for await (const rows of reader.diaryOf(userId)) {
    for (const row of rows) {
      yield [
        row.tmdbId,
        row.title,
        row.releaseDate?.slice(0, 4),
        row.consumedOn,
        row.rating,
        row.review,
      ];
    }
  }
}
