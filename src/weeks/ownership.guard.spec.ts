import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Repository } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import type { ValidationIssue } from '../common/validation/validation-issue.js';
import { withRequestContext } from '../http/request-context.js';
import type { Week } from './entities/week.entity.js';
import { OwnershipGuard, WeekOwnership } from './ownership.guard.js';
import { checkWeekAccess, WEEK_NOT_FOUND, type WeekAction } from './week-access.js';

const OWNER = 1;
const STRANGER = 2;
const WEEK_ID = 7;

/**
 * Runs the guard the way a request reaches it: inside a request context that RequestValidationGuard
 * has already filled (valid unless `issues` are given).
 */
function activate(
  guard: OwnershipGuard,
  context: ExecutionContext,
  issues: ValidationIssue[] = [],
): Promise<boolean> {
  return withRequestContext({ requestId: 'spec', validated: { values: {}, issues } }, () =>
    guard.canActivate(context),
  );
}

/** Handlers carrying only the guard's own metadata. */
class FakeWeeksController {
  @WeekOwnership('modify')
  modify(): void {}

  @WeekOwnership('delete')
  delete(): void {}

  @WeekOwnership('add')
  add(): void {}

  @WeekOwnership('remove')
  remove(): void {}
}

/** An HTTP ExecutionContext for `action`, with a valid `week_id` path parameter and a user. */
function contextFor(action: WeekAction, userId: number): ExecutionContext {
  const request = {
    params: { week_id: String(WEEK_ID) },
    query: {},
    body: {},
    user: { id: userId },
  };
  const handler = FakeWeeksController.prototype[action];
  return {
    getHandler: () => handler,
    getClass: () => FakeWeeksController,
    getType: () => 'http',
    getArgs: () => [request, {}, undefined],
    getArgByIndex: (index: number) => [request, {}, undefined][index],
    switchToHttp: () => ({
      getRequest: () => request,
      getResponse: () => ({}),
      getNext: () => undefined,
    }),
    switchToRpc: () => {
      throw new Error('not an RPC context');
    },
    switchToWs: () => {
      throw new Error('not a WebSocket context');
    },
  } as unknown as ExecutionContext;
}

/** A Week repository holding at most one week (id WEEK_ID), recording what was asked. */
function fakeWeeks(week: { userId: number | null } | null) {
  const asked: unknown[] = [];
  const findOne = (options: { where: { id: number } }): Promise<Week | null> => {
    asked.push(options.where);
    return Promise.resolve(
      week && options.where.id === WEEK_ID ? ({ id: WEEK_ID, ...week } as Week) : null,
    );
  };
  return { repository: { findOne } as unknown as Repository<Week>, asked };
}

/** Runs `fn` and returns the ApiError it threw (or rejected with) as status and detail. */
async function rejection(
  fn: () => unknown,
): Promise<{ status: number; detail: string } | 'allowed'> {
  try {
    await fn();
    return 'allowed';
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.getStatus(), detail: error.detail };
  }
}

/** The rule table of contract §5.8: [action, week owner, caller, expected outcome]. */
const RULES: [
  WeekAction,
  number | null,
  number,
  'owner' | 'claim' | { status: 403; detail: string },
][] = [
  ['modify', OWNER, OWNER, 'owner'],
  ['delete', OWNER, OWNER, 'owner'],
  ['add', OWNER, OWNER, 'owner'],
  ['remove', OWNER, OWNER, 'owner'],
  ['modify', null, STRANGER, { status: 403, detail: 'Cannot modify an unclaimed week' }],
  ['delete', null, STRANGER, { status: 403, detail: 'Cannot delete an unclaimed week' }],
  ['add', null, STRANGER, 'claim'],
  ['remove', null, STRANGER, { status: 403, detail: 'Cannot modify an unclaimed week' }],
  ['modify', OWNER, STRANGER, { status: 403, detail: 'Only the owner can modify this week' }],
  ['delete', OWNER, STRANGER, { status: 403, detail: 'Only the owner can delete this week' }],
  ['add', OWNER, STRANGER, { status: 403, detail: 'Only the owner can modify this week' }],
  ['remove', OWNER, STRANGER, { status: 403, detail: 'Only the owner can modify this week' }],
];

function describeRule(owner: number | null, caller: number): string {
  if (owner === null) return 'an unclaimed week';
  return owner === caller ? 'their own week' : "someone else's week";
}

/** Each rule with a readable title in front. */
const NAMED_RULES = RULES.map(
  ([action, owner, caller, expected]) =>
    [`${action} on ${describeRule(owner, caller)}`, action, owner, caller, expected] as const,
);

describe('checkWeekAccess', () => {
  it.each(NAMED_RULES)('%s', (_title, action, owner, caller, expected) => {
    const run = () => checkWeekAccess(action, { userId: owner }, caller);
    if (typeof expected === 'string') {
      expect(run()).toBe(expected);
    } else {
      let thrown: unknown;
      try {
        run();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ApiError);
      expect({
        status: (thrown as ApiError).getStatus(),
        detail: (thrown as ApiError).detail,
      }).toEqual(expected);
    }
  });

  it('never lets a caller claim by modifying, deleting or removing', () => {
    for (const action of ['modify', 'delete', 'remove'] as const) {
      expect(() => checkWeekAccess(action, { userId: null }, OWNER)).toThrow(ApiError);
    }
  });
});

describe('OwnershipGuard', () => {
  it.each(NAMED_RULES)('%s', async (_title, action, owner, caller, expected) => {
    const { repository, asked } = fakeWeeks({ userId: owner });
    const guard = new OwnershipGuard(new Reflector(), repository);

    const result = await rejection(() => activate(guard, contextFor(action, caller)));

    expect(result).toEqual(typeof expected === 'string' ? 'allowed' : expected);
    expect(asked).toEqual([{ id: WEEK_ID }]);
  });

  it.each(RULES.map(([action]) => action).filter((a, i, all) => all.indexOf(a) === i))(
    '%s on an unknown week is a 404, before any ownership rule',
    async (action) => {
      const { repository } = fakeWeeks(null);
      const guard = new OwnershipGuard(new Reflector(), repository);

      for (const caller of [OWNER, STRANGER]) {
        await expect(rejection(() => activate(guard, contextFor(action, caller)))).resolves.toEqual(
          { status: 404, detail: WEEK_NOT_FOUND },
        );
      }
    },
  );

  it('resolves to true (not just "no throw") when the caller may act', async () => {
    const { repository } = fakeWeeks({ userId: null });
    const guard = new OwnershipGuard(new Reflector(), repository);

    await expect(activate(guard, contextFor('add', STRANGER))).resolves.toBe(true);
  });

  it("raises the request's 422 before looking the week up (validation comes before 404/403)", async () => {
    const { repository, asked } = fakeWeeks(null);
    const guard = new OwnershipGuard(new Reflector(), repository);
    const issue: ValidationIssue = {
      field: 'notes',
      location: 'body',
      message: 'notes must be a string',
    };

    await expect(
      rejection(() => activate(guard, contextFor('modify', STRANGER), [issue])),
    ).resolves.toEqual({ status: 422, detail: 'notes must be a string' });
    expect(asked).toEqual([]);
  });
});
