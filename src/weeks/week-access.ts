import { ApiError } from '../common/api-error.js';

export type WeekAction = 'modify' | 'delete' | 'add' | 'remove';

export const WEEK_NOT_FOUND = 'Week not found';

/**
 * The whole ownership rule table (contract §5.8), in one place. The owner may do anything;
 * an unclaimed week can only be added to, which claims it; everyone else gets 403.
 * Returns 'claim' when the action will make the caller the owner.
 */
export function checkWeekAccess(
  action: WeekAction,
  week: { userId: number | null },
  userId: number,
): 'owner' | 'claim' {
  if (week.userId === userId) return 'owner';
  if (week.userId === null) {
    if (action === 'add') return 'claim';
    throw new ApiError(
      403,
      action === 'delete' ? 'Cannot delete an unclaimed week' : 'Cannot modify an unclaimed week',
    );
  }
  throw new ApiError(
    403,
    action === 'delete'
      ? 'Only the owner can delete this week'
      : 'Only the owner can modify this week',
  );
}
