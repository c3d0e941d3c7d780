import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { countsBy } from '../database/counts.js';
import { isForeignKeyViolation, isUniqueViolation } from '../database/errors.js';
import { StatsYears } from '../database/stats-years.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import type { User } from '../users/entities/user.entity.js';
import type { PickKind, PutVerdictDto } from './dto/verdict-requests.dto.js';
import { toVerdict, type VerdictDto } from './dto/verdict-responses.dto.js';
import { Verdict } from './entities/verdict.entity.js';

/** One pick, found by the weeks module, which owns picks. */
export interface PickRef {
  kind: PickKind;
  id: number;
}

/** The picks a delete takes away: one pick, or every pick of a week. */
export type PickScope = PickRef | { weekId: number };

/**
 * Finds the pick a request names and throws its 404s ("Week not found", "No movie found at
 * position N"). Weeks hands it over; it runs inside the verdict's own transaction.
 */
export type FindPick = (manager: EntityManager) => Promise<PickRef>;

/** The verdict a PUT read was deleted before its update (PostgreSQL): the PUT starts over. */
class LostRace extends Error {}

const PICK_COLUMNS = {
  movie: { property: 'weekMovieId', column: 'week_movie_id', entity: 'WeekMovie' },
  album: { property: 'weekAlbumId', column: 'week_album_id', entity: 'WeekAlbum' },
} as const;

/**
 * Verdicts (opinions.md §1): a member's own verdict on a pick, set and deleted, and what the
 * weeks module reads and guards of them. Weeks resolves the pick (its 404s are weeks'); any member
 * may judge any pick, so there is no 403 here.
 */
@Injectable()
export class VerdictsService {
  constructor(
    @InjectRepository(Verdict) private readonly verdicts: Repository<Verdict>,
    private readonly transactions: TransactionRunner,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Replaces the caller's verdict on the pick, or creates it (`created`: 201 rather than 200).
   * The unique (pick, user) index settles concurrent PUTs: the one that loses the insert runs
   * again and replaces the winner's verdict, so exactly one of them creates it. A verdict deleted
   * between its read and its update (a concurrent DELETE, or the pick's removal) runs it again too:
   * it then creates the verdict anew, or finds the pick gone (404).
   */
  async put(
    findPick: FindPick,
    author: User,
    body: PutVerdictDto,
  ): Promise<{ verdict: VerdictDto; created: boolean }> {
    const values = {
      rating: body.rating ?? null,
      review: body.review || null,
      spoiler: body.spoiler ?? false,
      consumedOn: body.consumed_on ?? null,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactions.run(['verdicts'], async (manager) => {
          const pick = await findPick(manager);
          // Before the writes, as every week and verdict writer that can: on PostgreSQL the year's
          // row is then the first lock taken, so none holds it while waiting for another's rows.
          await StatsYears.ofPicks(manager, pick.kind, [pick.id]);
          const mine = { [PICK_COLUMNS[pick.kind].property]: pick.id, userId: author.id };
          const now = this.clock.now();
          const existing = await manager.findOneBy(Verdict, mine);
          if (existing) {
            const { affected } = await manager.update(
              Verdict,
              { id: existing.id },
              { ...values, updatedAt: now },
            );
            if (affected !== 1) throw new LostRace();
            const replaced = Object.assign(existing, values, { updatedAt: now });
            return { verdict: toVerdict(replaced, author), created: false };
          }
          const verdict = manager.create(Verdict, {
            ...mine,
            ...values,
            createdAt: now,
            updatedAt: now,
          });
          await manager.insert(Verdict, verdict);
          return { verdict: toVerdict(verdict, author), created: true };
        });
      } catch (error) {
        if ((isUniqueViolation(error) || error instanceof LostRace) && attempt < 3) continue;
        // The pick was removed meanwhile (PostgreSQL): find it again for its 404.
        if (isForeignKeyViolation(error)) await findPick(this.dataSource.manager);
        throw error;
      }
    }
  }

  /** Deletes the caller's own verdict on the pick; 404 when there is none. */
  async remove(findPick: FindPick, author: User): Promise<void> {
    await this.transactions.run(['verdicts'], async (manager) => {
      const pick = await findPick(manager);
      await StatsYears.ofPicks(manager, pick.kind, [pick.id]);
      const removed = await manager.delete(Verdict, {
        [PICK_COLUMNS[pick.kind].property]: pick.id,
        userId: author.id,
      });
      if (removed.affected !== 1) {
        throw new ApiError(404, `You have no verdict on this ${pick.kind}`);
      }
    });
  }

  /** user id → the number of verdicts they gave, for users who gave any: one query. */
  givenCounts(): Promise<Map<number, number>> {
    return countsBy(this.verdicts.createQueryBuilder('verdict'), 'verdict.user_id');
  }

  /** How many verdicts on these picks are not the picker's: what blocks deleting them (§1.5). */
  countByOthers(manager: EntityManager, scope: PickScope, pickerId: number): Promise<number> {
    return manager
      .createQueryBuilder(Verdict, 'verdict')
      .where(this.onPicks(scope, 'verdict'), parameters(scope))
      .andWhere('verdict.user_id <> :pickerId', { pickerId })
      .getCount();
  }

  /** Deletes the picker's own verdicts on these picks, which go with them (§1.5). */
  async deleteByPicker(manager: EntityManager, scope: PickScope, pickerId: number): Promise<void> {
    const table = this.dataSource.getMetadata(Verdict).tableName;
    await manager
      .createQueryBuilder()
      .delete()
      .from(Verdict)
      .where(this.onPicks(scope, table), parameters(scope))
      .andWhere(`${table}.user_id = :pickerId`, { pickerId })
      .execute();
  }

  /** SQL for "the verdict is on one of these picks"; `verdict` names the verdicts table. */
  private onPicks(scope: PickScope, verdict: string): string {
    if ('id' in scope) return `${verdict}.${PICK_COLUMNS[scope.kind].column} = :pickId`;
    const onEither = Object.values(PICK_COLUMNS).map(({ column, entity }) => {
      const picks = this.dataSource.getMetadata(entity).tableName;
      return `${verdict}.${column} IN (SELECT pick.id FROM ${picks} pick WHERE pick.week_id = :weekId)`;
    });
    return `(${onEither.join(' OR ')})`;
  }
}

function parameters(scope: PickScope): Record<string, number> {
  return 'id' in scope ? { pickId: scope.id } : { weekId: scope.weekId };
}
