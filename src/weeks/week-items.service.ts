import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { AlbumsService } from '../albums/albums.service.js';
import type { Album } from '../albums/entities/album.entity.js';
import type { Movie } from '../movies/entities/movie.entity.js';
import { MoviesService } from '../movies/movies.service.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/errors.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { ApiError } from '../common/api-error.js';
import type { User } from '../users/entities/user.entity.js';
import { WeekAlbum } from './entities/week-album.entity.js';
import { WeekMovie } from './entities/week-movie.entity.js';
import { Week } from './entities/week.entity.js';
import { checkWeekAccess, WEEK_NOT_FOUND } from './week-access.js';

interface Slot {
  weekId: number;
  position: number;
  addedAt: Date;
}

/** The two kinds of slot, which differ only in their table and the catalog item they hold. */
interface SlotTable {
  entity: typeof WeekMovie | typeof WeekAlbum;
  itemColumn: 'movieId' | 'albumId';
  noun: 'movie' | 'album';
}

const MOVIE_SLOTS: SlotTable = { entity: WeekMovie, itemColumn: 'movieId', noun: 'movie' };
const ALBUM_SLOTS: SlotTable = { entity: WeekAlbum, itemColumn: 'albumId', noun: 'album' };

/**
 * Adding and removing a week's movies and albums (contract §6). An add checks the slot, resolves the
 * item through the catalog outside any transaction (upstream failures claim nothing), then repeats
 * the access and slot checks atomically with the insert, claiming an unclaimed week in the same
 * transaction. The unique indexes are the last word: a lost race is 403 or 409, never 500.
 */
@Injectable()
export class WeekItemsService {
  constructor(
    private readonly movies: MoviesService,
    private readonly albums: AlbumsService,
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

  removeMovie(weekId: number, position: number): Promise<void> {
    return this.remove(MOVIE_SLOTS, weekId, position);
  }

  removeAlbum(weekId: number, position: number): Promise<void> {
    return this.remove(ALBUM_SLOTS, weekId, position);
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

  private async remove(table: SlotTable, weekId: number, position: number): Promise<void> {
    await this.transactions.run(['weeks'], async (manager) => {
      const removed = await manager.delete(table.entity, { weekId, position });
      if (removed.affected !== 1) {
        throw new ApiError(404, `No ${table.noun} found at position ${position}`);
      }
      await manager.update(Week, { id: weekId }, { updatedAt: this.clock.now() });
    });
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
