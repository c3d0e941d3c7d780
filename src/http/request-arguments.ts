import {
  Body,
  Injectable,
  Param,
  Query,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type PipeTransform,
} from '@nestjs/common';
import type { Request } from 'express';
import { RequestValidationError } from '../common/api-error.js';
import { ValidationOutcomes } from '../cache/validation-outcomes.js';
import { currentRequestContext } from './request-context.js';
import { inLocationOrder, validateArgument } from '../common/validation/validate-arguments.js';
import type { IssueLocation, ValidationIssue } from '../common/validation/validation-issue.js';

/**
 * The request's path, query and body as DTOs, validated together once per request (contract §1.2,
 * §1.4). `@PathParams()`, `@QueryParams()` and `@JsonBody()` are Nest's `@Param()`, `@Query()` and
 * `@Body()` (so Swagger still documents them) that also record, under our own metadata key, which
 * argument holds which DTO, and bind RequestValidationGuard to the handler.
 *
 * The guard validates every recorded argument in one pass and keeps the outcome in the request
 * context without throwing. The 422 is raised by the first step that needs valid input: the
 * OwnershipGuard (so 422 comes before its 404/403) or else the arguments' pipes. That keeps the
 * method's other guards, such as the auth throttle (429), ahead of validation as contract §1.5 says,
 * while the global JWT guard (401) runs before all of them.
 */

interface ValidatedArgument {
  index: number;
  location: IssueLocation;
  dto: new () => object;
}

/** The outcome of RequestValidationGuard, kept in the request context. */
export interface ValidatedRequest {
  values: Partial<Record<IssueLocation, unknown>>;
  issues: ValidationIssue[];
}

const VALIDATED_ARGUMENTS = Symbol('validatedArguments');

export const PathParams = (): ParameterDecorator => validated('path', Param);
export const QueryParams = (): ParameterDecorator => validated('query', Query);
export const JsonBody = (): ParameterDecorator => validated('body', Body);

function validated(
  location: IssueLocation,
  nestDecorator: (...pipes: PipeTransform[]) => ParameterDecorator,
): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey === undefined) throw new Error(`@${location} arguments belong to methods`);
    const types: unknown[] = Reflect.getMetadata('design:paramtypes', target, propertyKey) ?? [];
    const dto = types[index];
    if (typeof dto !== 'function' || dto === Object) {
      throw new Error(`${String(propertyKey)}: argument ${index} needs a DTO class type`);
    }
    const descriptor = Object.getOwnPropertyDescriptor(target, propertyKey)!;
    const handler = descriptor.value as object;
    const recorded: ValidatedArgument[] =
      Reflect.getOwnMetadata(VALIDATED_ARGUMENTS, handler) ?? [];
    // Parameter decorators apply before the method's own decorators, so this guard comes first
    // among the method's guards.
    if (recorded.length === 0) UseGuards(RequestValidationGuard)(target, propertyKey, descriptor);
    Reflect.defineMetadata(
      VALIDATED_ARGUMENTS,
      [...recorded, { index, location, dto: dto as new () => object }],
      handler,
    );
    nestDecorator(new ValidatedArgumentPipe(location))(target, propertyKey, index);
  };
}

/** Validates every recorded argument of the handler together; see the module comment. */
@Injectable()
export class RequestValidationGuard implements CanActivate {
  constructor(private readonly outcomes: ValidationOutcomes) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    const args: ValidatedArgument[] = Reflect.getOwnMetadata(VALIDATED_ARGUMENTS, handler) ?? [];
    const request = context.switchToHttp().getRequest<Request>();
    const memoKey =
      request.body === undefined && args.every(({ location }) => location !== 'body')
        ? `${context.getClass().name}.${handler.name} ${request.originalUrl}`
        : null;
    const known = memoKey === null ? undefined : this.outcomes.get<ValidatedRequest>(memoKey);
    if (known) {
      requestContext().validated = known;
      return true;
    }
    const raw: Record<IssueLocation, unknown> = {
      path: request.params,
      query: request.query,
      body: request.body,
    };
    const outcome: ValidatedRequest = { values: {}, issues: [] };
    for (const { location, dto } of args) {
      const check = await validateArgument(raw[location], location, dto);
      outcome.values[location] = check.value;
      outcome.issues.push(...check.issues);
    }
    outcome.issues = inLocationOrder(outcome.issues);
    if (memoKey !== null) {
      // Shared by every later request with this URL, so nothing may change it.
      for (const value of Object.values(outcome.values)) Object.freeze(value);
      this.outcomes.set(memoKey, Object.freeze(outcome));
    }
    requestContext().validated = outcome;
    return true;
  }
}

/** Throws the request's one 422 when validation found problems. */
export function assertRequestValid(): void {
  validatedRequest();
}

/** Hands the handler the DTO that RequestValidationGuard validated for this location. */
class ValidatedArgumentPipe implements PipeTransform {
  constructor(private readonly location: IssueLocation) {}

  transform(): unknown {
    return validatedRequest().values[this.location];
  }
}

function validatedRequest(): ValidatedRequest {
  const outcome = requestContext().validated;
  if (!outcome) throw new Error('RequestValidationGuard did not run for this request');
  if (outcome.issues.length > 0) throw new RequestValidationError(outcome.issues);
  return outcome;
}

function requestContext() {
  const context = currentRequestContext();
  if (!context) throw new Error('No request context: requestContextMiddleware must run first');
  return context;
}
