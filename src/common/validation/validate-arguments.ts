import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { bodyRuleMessages } from './fields.js';
import type { IssueLocation, ValidationIssue } from './validation-issue.js';

const LOCATION_ORDER: IssueLocation[] = ['path', 'query', 'body'];

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
  location: IssueLocation,
  dto: new () => object,
): Promise<ArgumentCheck> {
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
  const instance = plainToInstance(dto, input, { exposeDefaultValues: true });
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: location === 'body',
    stopAtFirstError: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  const issues = errors.map((error) => toIssue(error, location));
  if (location === 'body') {
    for (const message of bodyRuleMessages(instance))
      issues.push({ field: null, location, message });
  }
  return { value: instance, issues };
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
