import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { invalidCredentials, notAuthenticated } from './auth-errors.js';
import { IS_PUBLIC } from '../http/public.decorator.js';
import { JwtStrategy } from './jwt.strategy.js';

const NO_TOKEN = 'No auth token';

/** Registered globally: every route needs a bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: JwtStrategy,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    const request = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const verified = this.strategy.recall(request);
    if (verified) {
      request.user = await this.strategy.userFor(verified);
      return true;
    }
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error) throw error as Error;
    if (user) return user;
    // passport-jwt reports a missing header or a non-bearer scheme as "No auth token".
    if (info instanceof Error && info.message === NO_TOKEN) throw notAuthenticated();
    throw invalidCredentials();
  }
}
