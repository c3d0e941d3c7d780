import type { EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { isForeignKeyViolation } from '../database/errors.js';
import type { PickKind } from '../verdicts/dto/verdict-requests.dto.js';
import type { FindPick } from '../verdicts/verdicts.service.js';
import { WeekAlbum } from './entities/week-album.entity.js';
import { WeekMovie } from './entities/week-movie.entity.js';
import { Week } from './entities/week.entity.js';
import { WEEK_NOT_FOUND } from './week-access.js';

/** The two kinds of slot, which differ only in their table and the catalog item they hold. */
export interface SlotTable {
  entity: typeof WeekMovie | typeof WeekAlbum;
  itemColumn: 'movieId' | 'albumId';
  noun: PickKind;
}

export const SLOTS: Record<PickKind, SlotTable> = {
  movie: { entity: WeekMovie, itemColumn: 'movieId', noun: 'movie' },
  album: { entity: WeekAlbum, itemColumn: 'albumId', noun: 'album' },
};

/** The pick in a position, or null. */
export async function pickAt(
  manager: EntityManager,
  table: SlotTable,
  weekId: number,
  position: number,
): Promise<WeekMovie | WeekAlbum | null> {
  return manager.findOne(table.entity, { where: { weekId, position } });
}

export function noPickAt(table: SlotTable, position: number): ApiError {
  return new ApiError(404, `No ${table.noun} found at position ${position}`);
}

/** The pick a verdict route names: 404 for an unknown week, then for an empty position (§1.2). */
export function findPick(kind: PickKind, weekId: number, position: number): FindPick {
  return async (manager) => {
    if (!(await manager.existsBy(Week, { id: weekId }))) throw new ApiError(404, WEEK_NOT_FOUND);
    const pick = await pickAt(manager, SLOTS[kind], weekId, position);
    if (!pick) throw noPickAt(SLOTS[kind], position);
    return { kind, id: pick.id };
  };
}

/** "(1 verdict)", "(3 verdicts)": the end of a §1.5 refusal. */
export function verdictCount(count: number): string {
  return `(${count} ${count === 1 ? 'verdict' : 'verdicts'})`;
}

/**
 * Runs a delete of picks again when the database refused it (opinions.md §1.5). The foreign keys
 * from verdicts to picks are ON DELETE RESTRICT, so a verdict that lands between the count of
 * other members' verdicts and the delete (possible on PostgreSQL; SQLite runs one write at a
 * time) fails the delete instead of vanishing with the pick; the next run counts it, and refuses
 * with 409, or deletes it with the pick when it is the picker's own.
 */
export async function retryRefusedDelete<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt === 3 || !isForeignKeyViolation(error)) throw error;
    }
  }
}
