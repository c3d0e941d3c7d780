import { IntegerParam } from './fields.js';

/** Ids in paths are positive 32-bit integers (contract §1.2). */
export const MAX_ID = 2_147_483_647;

export function IdParam(description?: string): PropertyDecorator {
  return IntegerParam({ min: 1, max: MAX_ID, description });
}
