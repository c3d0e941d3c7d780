import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiNoAuth } from './swagger.js';

export const IS_PUBLIC = 'isPublic';

/**
 * Opts a route out of the global JWT guard; the Authorization header is then ignored entirely.
 * The OpenAPI document says so too (`security: []`), so a public route cannot forget to.
 */
export const Public = (): ClassDecorator & MethodDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiNoAuth());
