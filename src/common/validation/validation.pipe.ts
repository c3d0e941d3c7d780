import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { RequestValidationError } from '../api-error.js';
import { currentRequestContext } from '../../http/request-context.js';
import { inLocationOrder, validateArgument } from './validate-arguments.js';
import type { ValidationIssue } from './validation-issue.js';

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
    const check = await validateArgument(value, metadata);
    if (check.issues.length === 0) return check.value;
    return reportTogether(check.issues);
  }
}

async function reportTogether(issues: ValidationIssue[]): Promise<never> {
  const context = currentRequestContext();
  if (!context) throw new RequestValidationError(issues);
  (context.validationIssues ??= []).push(...issues);
  await new Promise((resolve) => setImmediate(resolve));
  throw new RequestValidationError(inLocationOrder(context.validationIssues));
}
