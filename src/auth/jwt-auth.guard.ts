import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { invalidCredentials, notAuthenticated } from './auth-errors.js';
import { IS_PUBLIC } from './decorators/public.decorator.js';

const NO_TOKEN = 'No auth token';

/** Registered globally: every route needs a bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error) throw error as Error;
    if (user) return user;
    // passport-jwt reports a missing header or a non-bearer scheme as "No auth token".
    if (info instanceof Error && info.message === NO_TOKEN) throw notAuthenticated();
    throw invalidCredentials();
  }
}
