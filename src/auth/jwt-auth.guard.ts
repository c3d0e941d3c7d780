import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from '../http/public.decorator.js';
import { AccessTokens } from './access-tokens.js';

/** Registered globally: every route needs a bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  /**
   * Whether each handler is public, read from its metadata once: the lookup (handler, then class)
   * was about 3% of an uncached read, and metadata does not change after startup.
   */
  private readonly publicHandlers = new WeakMap<object, boolean>();

  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;

    const request = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    request.user = await this.accessTokens.userOf(request.headers.authorization);
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let isPublic = this.publicHandlers.get(handler);
    if (isPublic === undefined) {
      isPublic =
        this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, context.getClass()]) ===
        true;
      this.publicHandlers.set(handler, isPublic);
    }
    return isPublic;
  }
}
