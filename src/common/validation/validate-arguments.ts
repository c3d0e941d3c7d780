import type { ArgumentMetadata, ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { Request } from 'express';
import type { IssueLocation, ValidationIssue } from './validation-issue.js';

const LOCATIONS: Partial<Record<ArgumentMetadata['type'], IssueLocation>> = {
  param: 'path',
  query: 'query',
  body: 'body',
};
const LOCATION_ORDER: IssueLocation[] = ['path', 'query', 'body'];
const PRIMITIVES: unknown[] = [String, Number, Boolean, Array, Object];

export interface ArgumentCheck {
  /** The DTO instance to hand to the handler (defaults applied, strings parsed). */
  value: unknown;
  issues: ValidationIssue[];
}

/**
 * Validates one handler argument against its DTO class: unknown body fields are forbidden,
 * unknown query and path parameters ignored, body values never coerced.
 */
export async function validateArgument(
  value: unknown,
  metadata: Pick<ArgumentMetadata, 'type' | 'metatype'>,
): Promise<ArgumentCheck> {
  const location = LOCATIONS[metadata.type];
  const { metatype } = metadata;
  if (!location || !metatype || PRIMITIVES.includes(metatype)) return { value, issues: [] };

  let input = value;
  if (location === 'body') {
    // Only a missing body (0 bytes) counts as {}; a JSON `null` is a body that is not an object.
    if (input === undefined) input = {};
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return {
        value,
        issues: [{ field: null, location, message: 'Request body must be a JSON object' }],
      };
    }
  }
  if (location === 'query' && typeof input === 'object' && input !== null) {
    // `?page=` counts as absent (contract §1.2), so the DTO's default applies.
    input = Object.fromEntries(Object.entries(input).filter(([, given]) => given !== ''));
  }
  const instance = plainToInstance(metatype as new () => object, input, {
    exposeDefaultValues: true,
  });
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: location === 'body',
    stopAtFirstError: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  return { value: instance, issues: errors.map((error) => toIssue(error, location)) };
}

/**
 * Validates a route's path, query and body arguments together, from the handler's own parameter
 * metadata: for guards that must not answer before a 422 (contract §1.5 puts validation first).
 */
export async function validateRequestArguments(
  context: ExecutionContext,
): Promise<ValidationIssue[]> {
  const handler = context.getHandler();
  const controller = context.getClass();
  const request = context.switchToHttp().getRequest<Request>();
  const args: Record<string, { index: number; data?: string }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {};
  const types: unknown[] =
    Reflect.getMetadata('design:paramtypes', controller.prototype, handler.name) ?? [];
  const sources: Partial<Record<string, [ArgumentMetadata['type'], unknown]>> = {
    [RouteParamtypes.BODY]: ['body', request.body],
    [RouteParamtypes.QUERY]: ['query', request.query],
    [RouteParamtypes.PARAM]: ['param', request.params],
  };
  const issues: ValidationIssue[] = [];
  for (const [key, { index, data }] of Object.entries(args)) {
    const source = sources[key.split(':')[0]];
    if (!source) continue;
    const [type, whole] = source;
    const value = data ? (whole as Record<string, unknown> | undefined)?.[data] : whole;
    const check = await validateArgument(value, { type, metatype: types[index] as never });
    issues.push(...check.issues);
  }
  return inLocationOrder(issues);
}

export function inLocationOrder(issues: ValidationIssue[]): ValidationIssue[] {
  return LOCATION_ORDER.flatMap((where) => issues.filter((issue) => issue.location === where));
}

function toIssue(error: ValidationError, location: IssueLocation): ValidationIssue {
  const constraints = error.constraints ?? {};
  const message =
    'whitelistValidation' in constraints
      ? `${error.property} is not allowed`
      : (Object.values(constraints)[0] ?? `${error.property} is invalid`);
  return { field: error.property, location, message };
}
