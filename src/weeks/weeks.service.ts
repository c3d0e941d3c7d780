import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { countsBy } from '../database/counts.js';
import { isUniqueViolation } from '../database/errors.js';
import { StatsYears } from '../database/stats-years.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { ApiError } from '../common/api-error.js';
import type { User } from '../users/entities/user.entity.js';
import { VerdictsService } from '../verdicts/verdicts.service.js';
import type { CreateWeekDto, ListWeeksQuery, UpdateWeekDto } from './dto/week-requests.dto.js';
import type { WeekDetailDto, WeekDto } from './dto/week-responses.dto.js';
import { Week } from './entities/week.entity.js';
import { formatIsoWeek, isoWeekOf } from './iso-week.js';
import { retryRefusedDelete, verdictCount } from './pick-slots.js';
import { WEEK_NOT_FOUND } from './week-access.js';
import { WeekReads } from './week-reads.js';

/** Weeks themselves. Who may change one is decided by the OwnershipGuard before these run. */
@Injectable()
export class WeeksService {
  constructor(
    @InjectRepository(Week) private readonly weeks: Repository<Week>,
    private readonly reads: WeekReads,
    private readonly verdicts: VerdictsService,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Every user's weeks, newest first: two queries whatever the page size. */
  list({ page, page_size, year }: ListWeeksQuery): Promise<{ total: number; weeks: WeekDto[] }> {
    return this.reads.list(page, page_size, year);
  }

  /** user id → the number of weeks they own, for users owning any: one query. */
  ownedCounts(): Promise<Map<number, number>> {
    return countsBy(this.weeks.createQueryBuilder('week'), 'week.user_id');
  }

  /** The week with its items in position order and their verdicts: three queries. */
  async detail(id: number): Promise<WeekDetailDto> {
    const week = await this.reads.detail(id);
    if (!week) throw new ApiError(404, WEEK_NOT_FOUND);
    return week;
  }

  /** Owned by the caller. The unique (year, week_number) index settles races: the losers get 409. */
  async create(owner: User, { year, week_number, notes }: CreateWeekDto): Promise<Week> {
    const now = this.clock.now();
    try {
      const week = await this.transactions.run(['weeks'], async (manager) => {
        await StatsYears.ofYears(manager, [year]);
        const created = await manager.save(
          manager.create(Week, {
            userId: owner.id,
            year,
            weekNumber: week_number,
            notes: notes ?? null,
            createdAt: now,
            updatedAt: now,
          }),
        );
        return created;
      });
      return Object.assign(week, { owner });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.weeks.findOne({
        where: { year, weekNumber: week_number },
        relations: { owner: true },
      });
      const holder = existing?.owner ? `owned by ${existing.owner.username}` : 'unclaimed';
      throw new ApiError(
        409,
        `Week ${formatIsoWeek(year, week_number)} already exists (${holder})`,
      );
    }
  }

  /** The ISO week containing now (UTC), created unclaimed on first sight; racers all get the same one. */
  async current(): Promise<WeekDetailDto> {
    const { year, week } = isoWeekOf(this.clock.now());
    let current = await this.weeks.findOneBy({ year, weekNumber: week });
    if (!current) {
      const now = this.clock.now();
      current = await this.transactions.run(['weeks'], async (manager) => {
        await StatsYears.ofYears(manager, [year]);
        await manager
          .createQueryBuilder()
          .insert()
          .into(Week)
          .values({
            userId: null,
            year,
            weekNumber: week,
            notes: null,
            createdAt: now,
            updatedAt: now,
          })
          .orIgnore()
          .execute();
        return manager.findOneByOrFail(Week, { year, weekNumber: week });
      });
    }
    return this.detail(current.id);
  }

  /** `notes: null` clears, a string sets, absent changes nothing (but `updated_at` only moves on change). */
  async updateNotes(id: number, { notes }: UpdateWeekDto): Promise<Week> {
    if (notes !== undefined) {
      const now = this.clock.now();
      await this.transactions.run(['weeks'], (manager) =>
        manager.update(Week, { id }, { notes, updatedAt: now }),
      );
    }
    const week = await this.weeks.findOne({ where: { id }, relations: { owner: true } });
    if (!week) throw new ApiError(404, WEEK_NOT_FOUND);
    return week;
  }

  /**
   * Its items go with it (ON DELETE CASCADE), and so do the owner's own verdicts on them; other
   * members' verdicts refuse it (409, opinions.md §1.5). The catalog entries stay.
   */
  async remove(id: number, owner: User): Promise<void> {
    const week = { weekId: id };
    await retryRefusedDelete(() =>
      this.transactions.run(['weeks', 'verdicts'], async (manager) => {
        await StatsYears.ofWeeks(manager, [id]);
        const judged = await this.verdicts.countByOthers(manager, week, owner.id);
        if (judged > 0) {
          throw new ApiError(
            409,
            `Cannot delete this week: other members have judged its picks ${verdictCount(judged)}`,
          );
        }
        await this.verdicts.deleteByPicker(manager, week, owner.id);
        await manager.delete(Week, { id });
      }),
    );
  }
}
