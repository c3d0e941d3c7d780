import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { User } from '../users/entities/user.entity.js';
import { USER_NOT_FOUND } from '../users/users.service.js';
import type { DiaryQuery } from './dto/verdict-requests.dto.js';
import { Verdict } from './entities/verdict.entity.js';

/**
 * A member's diary (opinions.md §1.6): their verdicts with the picks they judge, newest week
 * first. Three queries whatever the page size: the user, the count and the page, which joins each
 * verdict to its pick, the pick's week and its movie or album (by entity name, as picks belong to
 * weeks).
 */
@Injectable()
export class DiaryService {
  constructor(
    @InjectRepository(Verdict) private readonly verdicts: Repository<Verdict>,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  async page(
    userId: number,
    { page, page_size, year, kind }: DiaryQuery,
  ): Promise<{ user: User; total: number; verdicts: Verdict[] }> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) throw new ApiError(404, USER_NOT_FOUND);
    const query = this.verdicts
      .createQueryBuilder('verdict')
      .leftJoinAndSelect('verdict.weekMovie', 'movie_pick')
      .leftJoinAndSelect('movie_pick.week', 'movie_week')
      .leftJoinAndSelect('movie_pick.movie', 'movie')
      .leftJoinAndSelect('verdict.weekAlbum', 'album_pick')
      .leftJoinAndSelect('album_pick.week', 'album_week')
      .leftJoinAndSelect('album_pick.album', 'album')
      .where('verdict.userId = :userId', { userId });
    if (year !== undefined) {
      query.andWhere('COALESCE(movie_week.year, album_week.year) = :year', { year });
    }
    if (kind !== undefined) {
      query.andWhere(`verdict.week_${kind}_id IS NOT NULL`);
    }
    const [verdicts, total] = await query
      // Week year desc, week_number desc, movies before albums, position: one verdict per pick,
      // so the order is total and pages never overlap.
      .orderBy('COALESCE(movie_week.year, album_week.year)', 'DESC')
      .addOrderBy('COALESCE(movie_week.week_number, album_week.week_number)', 'DESC')
      .addOrderBy('CASE WHEN verdict.week_movie_id IS NULL THEN 1 ELSE 0 END', 'ASC')
      .addOrderBy('COALESCE(movie_pick.position, album_pick.position)', 'ASC')
      .limit(page_size)
      .offset((page - 1) * page_size)
      .getManyAndCount();
    return { user, total, verdicts };
  }
}
