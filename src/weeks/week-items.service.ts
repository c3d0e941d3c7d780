import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { AlbumsService } from '../albums/albums.service.js';
import type { Album } from '../albums/entities/album.entity.js';
import type { Movie } from '../movies/entities/movie.entity.js';
import { MoviesService } from '../movies/movies.service.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/errors.js';
import { StatsYears } from '../database/stats-years.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { ApiError } from '../common/api-error.js';
import type { User } from '../users/entities/user.entity.js';
import { VerdictsService } from '../verdicts/verdicts.service.js';
import type { WeekAlbum } from './entities/week-album.entity.js';
import type { WeekMovie } from './entities/week-movie.entity.js';
import { Week } from './entities/week.entity.js';
import {
  noPickAt,
  pickAt,
  retryRefusedDelete,
  SLOTS,
  verdictCount,
  type SlotTable,
} from './pick-slots.js';
import { checkWeekAccess, WEEK_NOT_FOUND } from './week-access.js';

interface Slot {
  weekId: number;
  position: number;
  addedAt: Date;
}

const MOVIE_SLOTS = SLOTS.movie;
const ALBUM_SLOTS = SLOTS.album;

/**
 * Adding and removing a week's movies and albums (contract §6). An add checks the slot, resolves the
 * item through the catalog outside any transaction (upstream failures claim nothing), then repeats
 * the access and slot checks atomically with the insert, claiming an unclaimed week in the same
 * transaction. The unique indexes are the last word: a lost race is 403 or 409, never 500.
 * Removing a pick that other members have judged is a 409 (opinions.md §1.5).
 */
@Injectable()
export class WeekItemsService {
  constructor(
    private readonly movies: MoviesService,
    private readonly albums: AlbumsService,
    private readonly verdicts: VerdictsService,
    private readonly transactions: TransactionRunner,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async addMovie(weekId: number, user: User, tmdbId: number, position: number) {
    await this.assertSlotFree(this.dataSource.manager, MOVIE_SLOTS, weekId, position, null);
    const movie: Movie = await this.movies.forPick(tmdbId);
    const slot = await this.insert(MOVIE_SLOTS, weekId, user, position, movie.id);
    return { ...slot, movie };
  }

  async addAlbum(weekId: number, user: User, musicbrainzId: string, position: number) {
    const known = await this.albums.findStored(musicbrainzId);
    await this.assertSlotFree(
      this.dataSource.manager,
      ALBUM_SLOTS,
      weekId,
      position,
      known?.id ?? null,
    );
    // Checked again after the lookup: an old (merged) id may turn out to be an album already here.
    const album: Album = known ?? (await this.albums.storedOrFetched(musicbrainzId));
    const slot = await this.insert(ALBUM_SLOTS, weekId, user, position, album.id);
    return { ...slot, album };
  }

  removeMovie(weekId: number, position: number, picker: User): Promise<void> {
    return this.remove(MOVIE_SLOTS, weekId, position, picker);
  }

  removeAlbum(weekId: number, position: number, picker: User): Promise<void> {
    return this.remove(ALBUM_SLOTS, weekId, position, picker);
  }

  private async insert(
    table: SlotTable,
    weekId: number,
    user: User,
    position: number,
    itemId: number,
  ): Promise<Slot> {
    const addedAt = this.clock.now();
    try {
      await this.transactions.run(['weeks'], async (manager) => {
        const week = await manager.findOne(Week, {
          select: { id: true, userId: true },
          where: { id: weekId },
        });
        if (!week) throw new ApiError(404, WEEK_NOT_FOUND);
        await StatsYears.ofNewPick(manager, table.noun, weekId, itemId);
        if (checkWeekAccess('add', week, user.id) === 'claim') {
          const claimed = await manager.update(
            Week,
            { id: weekId, userId: IsNull() },
            { userId: user.id },
          );
          if (claimed.affected !== 1) {
            // Someone claimed it first: only its new owner may go on.
            const claimedWeek = await manager.findOneByOrFail(Week, { id: weekId });
            checkWeekAccess('add', claimedWeek, user.id);
          }
        }
        await this.assertSlotFree(manager, table, weekId, position, itemId);
        await manager.insert(table.entity, {
          weekId,
          position,
          addedAt,
          [table.itemColumn]: itemId,
        });
        await manager.update(Week, { id: weekId }, { updatedAt: addedAt });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.assertSlotFree(this.dataSource.manager, table, weekId, position, itemId);
      throw error;
    }
    return { weekId, position, addedAt };
  }

  /** `picker` is the week's owner (the OwnershipGuard let them through): their verdicts go too. */
  private async remove(
    table: SlotTable,
    weekId: number,
    position: number,
    picker: User,
  ): Promise<void> {
    await retryRefusedDelete(() =>
      this.transactions.run(['weeks', 'verdicts'], async (manager) => {
        const item = await pickAt(manager, table, weekId, position);
        if (!item) throw noPickAt(table, position);
        await StatsYears.ofWeeks(manager, [weekId]);
        const pick = { kind: table.noun, id: item.id };
        const judged = await this.verdicts.countByOthers(manager, pick, picker.id);
        if (judged > 0) {
          throw new ApiError(
            409,
            `Cannot remove this ${table.noun}: other members have judged it ${verdictCount(judged)}`,
          );
        }
        await this.verdicts.deleteByPicker(manager, pick, picker.id);
        await manager.delete(table.entity, { id: item.id });
        await manager.update(Week, { id: weekId }, { updatedAt: this.clock.now() });
      }),
    );
  }

  /** 409 when the position is taken, or when the item already fills the week's other position. */
  private async assertSlotFree(
    manager: EntityManager,
    table: SlotTable,
    weekId: number,
    position: number,
    itemId: number | null,
  ): Promise<void> {
    const items = (await manager.find(table.entity, { where: { weekId } })) as (WeekMovie &
      WeekAlbum)[];
    if (items.some((item) => item.position === position)) {
      throw new ApiError(409, `Position ${position} is already occupied`);
    }
    const same =
      itemId === null ? undefined : items.find((item) => item[table.itemColumn] === itemId);
    if (same) {
      throw new ApiError(
        409,
        `This ${table.noun} is already in position ${same.position} of this week`,
      );
    }
  }
}
