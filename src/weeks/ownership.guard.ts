import {
  applyDecorators,
  Injectable,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Repository } from 'typeorm';
import { assertRequestValid } from '../http/request-arguments.js';
import { ApiError } from '../common/api-error.js';
import type { User } from '../users/entities/user.entity.js';
import { Week } from './entities/week.entity.js';
import { checkWeekAccess, WEEK_NOT_FOUND, type WeekAction } from './week-access.js';

const WEEK_ACTION = 'weekAction';

/** Marks a route that acts on the week in its `week_id` path parameter. */
export const WeekOwnership = (action: WeekAction) =>
  applyDecorators(SetMetadata(WEEK_ACTION, action), UseGuards(OwnershipGuard));

/**
 * Enforces who may act on a week: 404 for an unknown week, then the rule table's 403 (contract §5.8).
 * RequestValidationGuard runs before it (the route's parameter decorators bind it first), and any
 * 422 it found is raised here, ahead of both.
 * Adding repeats the check atomically with its insert, because a week can be claimed meanwhile.
 */
@Injectable()
export class OwnershipGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @InjectRepository(Week) private readonly weeks: Repository<Week>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    assertRequestValid();

    const action = this.reflector.get<WeekAction>(WEEK_ACTION, context.getHandler());
    const request = context.switchToHttp().getRequest<Request & { user: User }>();
    const week = await this.weeks.findOne({
      select: { id: true, userId: true },
      where: { id: Number(request.params.week_id) },
    });
    if (!week) throw new ApiError(404, WEEK_NOT_FOUND);
    checkWeekAccess(action, week, request.user.id);
    return true;
  }
}
