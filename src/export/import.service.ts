import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { replaceAlbumCredits, upsertAlbum } from '../albums/albums.service.js';
import { Album } from '../albums/entities/album.entity.js';
import { CatalogUrls } from '../catalog/catalog-urls.js';
import type { AlbumData, MovieCreditsData, MovieData } from '../catalog/catalog.types.js';
import { Clock } from '../common/clock.js';
import { insertChunked } from '../database/insert-chunked.js';
import { StatsYears } from '../database/stats-years.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { Movie } from '../movies/entities/movie.entity.js';
import { movieColumns, replaceMovieCredits, replaceMovieGenres } from '../movies/movies.service.js';
import { User } from '../users/entities/user.entity.js';
import { Verdict } from '../verdicts/entities/verdict.entity.js';
import { WeekAlbum } from '../weeks/entities/week-album.entity.js';
import { WeekMovie } from '../weeks/entities/week-movie.entity.js';
import { Week } from '../weeks/entities/week.entity.js';
import { formatIsoWeek } from '../weeks/iso-week.js';
import type {
  ExportAlbum,
  ExportDocument,
  ExportMovie,
  ExportUser,
  ExportVerdict,
  ExportWeek,
} from './export-document.js';

export const IMPORT_KINDS = [
  'users',
  'movies',
  'albums',
  'weeks',
  'movie picks',
  'album picks',
  'verdicts',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportCounts {
  created: number;
  /** Catalog items only: the file's copy was newer. */
  updated: number;
  kept: number;
  skipped: number;
}

export interface ImportReport {
  counts: Record<ImportKind, ImportCounts>;
  /** One line per conflict, each saying what was skipped. */
  conflicts: string[];
}

/**
 * The password hash of a user an API export creates: never a bcrypt hash, so no password matches
 * it (bcrypt rejects it) until the admin sets one (`npm run users -- set-password`).
 */
export const UNUSABLE_PASSWORD_HASH = '!imported-without-password';

/** Weeks read and written together: each chunk is a fixed number of queries. */
const WEEK_CHUNK = 500;
/** Bound parameters per `IN (…)`, well below every driver's limit. */
const IN_CHUNK = 500;

/** Thrown to roll a dry run back; it carries the report of what would have happened. */
class DryRun extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

type PickKind = 'movie' | 'album';

/** What the weeks step needs of the steps before it. */
interface Resolved {
  /** Username → user id; null for a user the import skipped. */
  users: Map<string, number | null>;
  /** TMDB id → movie id, MusicBrainz id → album id. */
  movies: Map<number, number>;
  albums: Map<string, number>;
}

/**
 * Merges an export into this database in one transaction (portability.md §2.2). Users are matched
 * by username, weeks by (year, week_number), picks by (week, position), verdicts by (pick, user),
 * catalog items by their upstream id; what exists is kept, what conflicts is reported and skipped,
 * so importing the same file twice changes nothing the second time. Catalog items are written
 * through the movies and albums modules' own write paths; no upstream is called.
 */
@Injectable()
export class ImportService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async import(document: ExportDocument, options: { dryRun: boolean }): Promise<ImportReport> {
    try {
      return await this.transactions.run(
        ['users', 'weeks', 'verdicts', 'catalog'],
        async (manager) => {
          const report: ImportReport = {
            counts: Object.fromEntries(
              IMPORT_KINDS.map((kind) => [kind, { created: 0, updated: 0, kept: 0, skipped: 0 }]),
            ) as Record<ImportKind, ImportCounts>,
            conflicts: [],
          };
          // Catalog updates reach years beyond the file's weeks: every year, and the file's own.
          // First, as week, pick and verdict writers mark before they write: on PostgreSQL none of
          // them then holds a row this waits for. So every stats write and recompute waits for the
          // import to end. A movie or album stored from upstream meanwhile marks its years after
          // its own row: should the import update that movie too, PostgreSQL cancels one of the
          // two as a deadlock (the import is one transaction, and can be run again).
          await StatsYears.all(manager, [...new Set(document.weeks.map((week) => week.year))]);
          const resolved: Resolved = {
            users: await this.importUsers(manager, document, report),
            movies: await importMovies(manager, document.movies, report),
            albums: await importAlbums(manager, document.albums, report),
          };
          for (let i = 0; i < document.weeks.length; i += WEEK_CHUNK) {
            await importWeeks(manager, document.weeks.slice(i, i + WEEK_CHUNK), resolved, report);
          }
          if (options.dryRun) throw new DryRun(report);
          return report;
        },
      );
    } catch (error) {
      if (error instanceof DryRun) return error.report;
      throw error;
    }
  }

  /**
   * A missing user is created with the file's id when it is free here (so a round trip keeps ids),
   * from an admin export as it was, from an API export inactive and without a usable password.
   */
  private async importUsers(
    manager: EntityManager,
    document: ExportDocument,
    report: ImportReport,
  ): Promise<Map<string, number | null>> {
    const count = report.counts.users;
    const resolved = new Map<string, number | null>();
    const admin = document.scope === 'admin';
    const now = this.clock.now();
    let explicitIds = false;
    for (const chunk of chunks(document.users, IN_CHUNK)) {
      const emailOf = (user: ExportUser) =>
        admin ? user.email! : `${user.username}@import.invalid`;
      const [byName, byEmail, takenIds] = await Promise.all([
        manager.findBy(User, { username: In(chunk.map((user) => user.username)) }),
        manager.findBy(User, { email: In(chunk.map(emailOf)) }),
        manager.findBy(User, { id: In(chunk.map((user) => user.id)) }),
      ]);
      const existing = new Map(byName.map((user) => [user.username, user.id]));
      const emails = new Map(byEmail.map((user) => [user.email, user.username]));
      const ids = new Set(takenIds.map((user) => user.id));
      for (const user of chunk) {
        const found = existing.get(user.username);
        if (found !== undefined) {
          resolved.set(user.username, found);
          count.kept += 1;
          continue;
        }
        const email = emailOf(user);
        const holder = emails.get(email);
        if (holder !== undefined) {
          report.conflicts.push(
            `conflict: user ${user.username}: email ${email} belongs to ${holder} here; ` +
              'skipped with their verdicts, and the weeks they own are imported unclaimed',
          );
          resolved.set(user.username, null);
          count.skipped += 1;
          continue;
        }
        const free = !ids.has(user.id);
        explicitIds ||= free;
        const { identifiers } = await manager.insert(User, {
          ...(free ? { id: user.id } : {}),
          username: user.username,
          email,
          passwordHash: admin ? user.password_hash! : UNUSABLE_PASSWORD_HASH,
          isActive: admin ? user.is_active! : false,
          createdAt: new Date(user.created_at),
          updatedAt: now,
        });
        resolved.set(user.username, free ? user.id : (identifiers[0] as { id: number }).id);
        count.created += 1;
      }
    }
    if (explicitIds && manager.connection.options.type === 'postgres') {
      // Ids given explicitly leave the sequence behind; the next registration must not collide.
      await manager.query(
        `SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))`,
      );
    }
    return resolved;
  }
}

/**
 * Catalog items, matched by their upstream id: ours is kept when it was fetched as late as the
 * file's (`cached_at`); otherwise the file's is written (`write`, given our id when we have one).
 */
async function importCatalog<F extends { cached_at: string }, K extends string | number>(
  items: F[],
  count: ImportCounts,
  keyOf: (item: F) => K,
  storedOf: (keys: K[]) => Promise<{ key: K; id: number; cachedAt: Date }[]>,
  write: (item: F, storedId: number | undefined, cachedAt: Date) => Promise<number>,
): Promise<Map<K, number>> {
  const ids = new Map<K, number>();
  for (const chunk of chunks(items, IN_CHUNK)) {
    const stored = new Map((await storedOf(chunk.map(keyOf))).map((row) => [row.key, row]));
    for (const item of chunk) {
      const cachedAt = new Date(item.cached_at);
      const ours = stored.get(keyOf(item));
      if (ours && ours.cachedAt >= cachedAt) {
        ids.set(keyOf(item), ours.id);
        count.kept += 1;
        continue;
      }
      ids.set(keyOf(item), await write(item, ours?.id, cachedAt));
      count[ours ? 'updated' : 'created'] += 1;
    }
  }
  return ids;
}

function importMovies(
  manager: EntityManager,
  movies: ExportMovie[],
  report: ImportReport,
): Promise<Map<number, number>> {
  return importCatalog(
    movies,
    report.counts.movies,
    (movie) => movie.tmdb_id,
    async (tmdbIds) =>
      (await manager.findBy(Movie, { tmdbId: In(tmdbIds) })).map((movie) => ({
        key: movie.tmdbId,
        id: movie.id,
        cachedAt: movie.cachedAt,
      })),
    async (movie, storedId, cachedAt) => {
      const data = movieDataOf(movie);
      const columns = movieColumns(data, cachedAt);
      let id = storedId;
      if (id !== undefined) await manager.update(Movie, { id }, columns);
      else {
        const { identifiers } = await manager.insert(Movie, { ...columns, creditsCachedAt: null });
        id = (identifiers[0] as { id: number }).id;
      }
      await replaceMovieGenres(manager, id, data.genres);
      if (movie.credits) await replaceMovieCredits(manager, id, creditsOf(movie), cachedAt);
      return id;
    },
  );
}

function importAlbums(
  manager: EntityManager,
  albums: ExportAlbum[],
  report: ImportReport,
): Promise<Map<string, number>> {
  return importCatalog(
    albums,
    report.counts.albums,
    (album) => album.musicbrainz_id,
    async (mbids) =>
      (await manager.findBy(Album, { musicbrainzId: In(mbids) })).map((album) => ({
        key: album.musicbrainzId,
        id: album.id,
        cachedAt: album.cachedAt,
      })),
    async (album, _storedId, cachedAt) => {
      const data = albumDataOf(album);
      const source = CatalogUrls.coverArtSourceOf(album.cover_art_url, data)!;
      const { id } = await upsertAlbum(manager, data, source, cachedAt);
      await replaceAlbumCredits(manager, id, data.credits, cachedAt);
      return id;
    },
  );
}

function albumDataOf(album: ExportAlbum): AlbumData {
  return {
    musicbrainzId: album.musicbrainz_id,
    title: album.title,
    artist: album.artist,
    releaseDate: album.release_date,
    country: album.country,
    status: album.status,
    releaseGroupId: album.release_group_id,
    credits: album.credits.map((credit) => ({
      musicbrainzId: credit.musicbrainz_id,
      name: credit.name,
      creditedName: credit.credited_name,
      sortName: credit.sort_name,
      disambiguation: credit.disambiguation,
      artistType: credit.artist_type,
      country: credit.country,
      joinPhrase: credit.join_phrase,
      order: credit.order,
    })),
  };
}

/** What is stored of an exported movie: the image paths its URLs were built from. */
function movieDataOf(movie: ExportMovie): MovieData {
  const path = (url: string | null, size: 'w500' | 'w1280') =>
    url === null ? null : CatalogUrls.imagePathOf(url, size)!;
  return {
    tmdbId: movie.tmdb_id,
    title: movie.title,
    originalTitle: movie.original_title,
    releaseDate: movie.release_date,
    posterPath: path(movie.poster_url, 'w500'),
    backdropPath: path(movie.backdrop_url, 'w1280'),
    overview: movie.overview,
    runtime: movie.runtime,
    voteAverage: movie.vote_average,
    voteCount: movie.vote_count,
    tagline: movie.tagline,
    status: movie.status,
    imdbId: movie.imdb_id,
    genres: movie.genres.map(({ id, name }) => ({ id, name })),
  };
}

/** The credits in their exported order, which becomes their list order. */
function creditsOf(movie: ExportMovie): MovieCreditsData {
  const person = (entry: { tmdb_id: number; name: string; profile_url: string | null }) => ({
    tmdbId: entry.tmdb_id,
    name: entry.name,
    profilePath:
      entry.profile_url === null ? null : CatalogUrls.imagePathOf(entry.profile_url, 'w185')!,
  });
  return {
    cast: movie.credits!.cast.map((entry, listIndex) => ({
      ...person(entry),
      listIndex,
      character: entry.character,
      order: entry.order,
    })),
    crew: movie.credits!.crew.map((entry, listIndex) => ({
      ...person(entry),
      listIndex,
      department: entry.department,
      job: entry.job,
    })),
  };
}

/**
 * One chunk of weeks: missing weeks are created with their owner; an existing week keeps its owner
 * and notes and only gains the picks and verdicts it lacks. A position holding a different item
 * (or the item already at the other position) is a conflict: that pick and its verdicts are skipped.
 */
async function importWeeks(
  manager: EntityManager,
  weeks: ExportWeek[],
  resolved: Resolved,
  report: ImportReport,
): Promise<void> {
  const years = [...new Set(weeks.map((week) => week.year))];
  const storedWeeks = async () =>
    new Map(
      (await manager.findBy(Week, { year: In(years) })).map((week) => [
        formatIsoWeek(week.year, week.weekNumber),
        week.id,
      ]),
    );
  const before = await storedWeeks();
  const missing = weeks.filter((week) => !before.has(weekKey(week)));
  report.counts.weeks.kept += weeks.length - missing.length;
  report.counts.weeks.created += missing.length;
  await insertChunked(
    manager,
    Week,
    missing.map((week) => ({
      userId: week.owner === null ? null : (resolved.users.get(week.owner) ?? null),
      year: week.year,
      weekNumber: week.week_number,
      notes: week.notes,
      createdAt: new Date(week.created_at),
      updatedAt: new Date(week.updated_at),
    })),
  );
  const weekIds = missing.length > 0 ? await storedWeeks() : before;
  const slots = weeks.map((week) => ({ week, id: weekIds.get(weekKey(week))! }));
  await importPicks(manager, 'movie', slots, resolved, report);
  await importPicks(manager, 'album', slots, resolved, report);
}

const PICK_TABLES = {
  movie: { entity: WeekMovie, itemColumn: 'movieId', verdictColumn: 'weekMovieId' },
  album: { entity: WeekAlbum, itemColumn: 'albumId', verdictColumn: 'weekAlbumId' },
} as const;

interface StoredPick {
  id: number;
  weekId: number;
  position: number;
  itemId: number;
}

async function importPicks(
  manager: EntityManager,
  kind: PickKind,
  weeks: { week: ExportWeek; id: number }[],
  resolved: Resolved,
  report: ImportReport,
): Promise<void> {
  const { entity, itemColumn, verdictColumn } = PICK_TABLES[kind];
  const count = report.counts[`${kind} picks`];
  const stored = async (): Promise<StoredPick[]> =>
    (
      (await manager.findBy(entity, { weekId: In(weeks.map(({ id }) => id)) })) as (
        WeekMovie | WeekAlbum
      )[]
    ).map((pick) => ({
      id: pick.id,
      weekId: pick.weekId,
      position: pick.position,
      itemId: 'movieId' in pick ? pick.movieId : pick.albumId,
    }));
  const slot = (weekId: number, position: number) => `${weekId}:${position}`;
  const before = await stored();
  const taken = new Map(before.map((pick) => [slot(pick.weekId, pick.position), pick]));
  const item = (weekId: number, itemId: number) => `${weekId}#${itemId}`;
  const itemAt = new Map(before.map((pick) => [item(pick.weekId, pick.itemId), pick.position]));
  const fresh: Partial<WeekMovie & WeekAlbum>[] = [];
  const judged: { weekId: number; position: number; verdicts: ExportVerdict[] }[] = [];
  for (const { week, id: weekId } of weeks) {
    const picks = kind === 'movie' ? week.movies : week.albums;
    for (const pick of picks) {
      const itemId =
        'tmdb_id' in pick
          ? resolved.movies.get(pick.tmdb_id)!
          : resolved.albums.get(pick.musicbrainz_id)!;
      const holder = taken.get(slot(weekId, pick.position));
      const elsewhere = itemAt.get(item(weekId, itemId));
      const conflict =
        holder !== undefined && holder.itemId !== itemId
          ? `position ${pick.position} holds another ${kind} here`
          : holder === undefined && elsewhere !== undefined
            ? `this ${kind} is at position ${elsewhere} here`
            : null;
      if (conflict !== null) {
        const named = 'tmdb_id' in pick ? `tmdb_id ${pick.tmdb_id}` : pick.musicbrainz_id;
        report.conflicts.push(
          `conflict: ${weekKey(week)} ${kind} position ${pick.position} (${named}): ${conflict}; ` +
            `skipped with its ${pick.verdicts.length} verdict(s)`,
        );
        count.skipped += 1;
        report.counts.verdicts.skipped += pick.verdicts.length;
        continue;
      }
      if (holder) count.kept += 1;
      else {
        count.created += 1;
        fresh.push({
          weekId,
          [itemColumn]: itemId,
          position: pick.position,
          addedAt: new Date(pick.added_at),
        });
      }
      judged.push({ weekId, position: pick.position, verdicts: pick.verdicts });
    }
  }
  await insertChunked(manager, entity as new () => WeekMovie & WeekAlbum, fresh);
  const pickIds = new Map(
    (fresh.length > 0 ? await stored() : before).map((pick) => [
      slot(pick.weekId, pick.position),
      pick.id,
    ]),
  );
  const judgedPickIds = judged.map(({ weekId, position }) => pickIds.get(slot(weekId, position))!);
  const existing = new Set<string>();
  for (const ids of chunks(judgedPickIds, IN_CHUNK)) {
    for (const verdict of await manager.findBy(Verdict, { [verdictColumn]: In(ids) })) {
      existing.add(`${verdict[verdictColumn]}:${verdict.userId}`);
    }
  }
  const verdicts: Partial<Verdict>[] = [];
  judged.forEach((pick, index) => {
    const pickId = judgedPickIds[index];
    for (const verdict of pick.verdicts) {
      const userId = resolved.users.get(verdict.user) ?? null;
      if (userId === null) report.counts.verdicts.skipped += 1;
      else if (existing.has(`${pickId}:${userId}`)) report.counts.verdicts.kept += 1;
      else {
        report.counts.verdicts.created += 1;
        verdicts.push({
          weekMovieId: null,
          weekAlbumId: null,
          [verdictColumn]: pickId,
          userId,
          rating: verdict.rating,
          review: verdict.review,
          spoiler: verdict.spoiler,
          consumedOn: verdict.consumed_on,
          createdAt: new Date(verdict.created_at),
          updatedAt: new Date(verdict.updated_at),
        });
      }
    }
  });
  await insertChunked(manager, Verdict, verdicts);
}

function weekKey(week: ExportWeek): string {
  return formatIsoWeek(week.year, week.week_number);
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
