import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The authenticated user the JWT guard put on the request. The handler's parameter type names it,
 * so this layer does not depend on the users module.
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest<Request & { user?: unknown }>().user,
);
