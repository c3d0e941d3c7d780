import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { RequestValidationError } from '../../http/api-error.js';
import { currentRequestContext } from '../../http/request-context.js';
import type { IssueLocation, ValidationIssue } from './validation-issue.js';

const LOCATIONS: Partial<Record<ArgumentMetadata['type'], IssueLocation>> = {
  param: 'path',
  query: 'query',
  body: 'body',
};
const LOCATION_ORDER: IssueLocation[] = ['path', 'query', 'body'];
const PRIMITIVES: unknown[] = [String, Number, Boolean, Array, Object];

/**
 * The global validation pipe: whitelist, forbidNonWhitelisted (bodies only; unknown query
 * parameters are ignored, contract §1.2) and transform, with the contract's 422 shape.
 *
 * Nest runs the pipes of one handler's parameters concurrently (one Promise.all). To report path,
 * query and body problems in one 422, a failing pipe adds its issues to the request context and
 * yields one macrotask, by which time every sibling pipe has validated; then it throws them all.
 */
@Injectable()
export class ValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const location = LOCATIONS[metadata.type];
    const { metatype } = metadata;
    if (!location || !metatype || PRIMITIVES.includes(metatype)) return value;

    let input = value;
    if (location === 'body') {
      // Only a missing body (0 bytes) counts as {}; a JSON `null` is a body that is not an object.
      if (input === undefined) input = {};
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        return reportTogether([
          { field: null, location, message: 'Request body must be a JSON object' },
        ]);
      }
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
    if (errors.length === 0) return instance;
    return reportTogether(errors.map((error) => toIssue(error, location)));
  }
}

function toIssue(error: ValidationError, location: IssueLocation): ValidationIssue {
  const constraints = error.constraints ?? {};
  const message =
    'whitelistValidation' in constraints
      ? `${error.property} is not allowed`
      : (Object.values(constraints)[0] ?? `${error.property} is invalid`);
  return { field: error.property, location, message };
}

async function reportTogether(issues: ValidationIssue[]): Promise<never> {
  const context = currentRequestContext();
  if (!context) throw new RequestValidationError(issues);
  (context.validationIssues ??= []).push(...issues);
  await new Promise((resolve) => setImmediate(resolve));
  const all = context.validationIssues;
  throw new RequestValidationError(
    LOCATION_ORDER.flatMap((where) => all.filter((issue) => issue.location === where)),
  );
}
