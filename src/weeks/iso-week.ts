/**
 * ISO 8601 week dates, all in UTC. Weeks start on Monday; week 1 is the week with the year's first
 * Thursday, so 2021-01-03 is in 2020-W53 and 2024-12-30 in 2025-W01.
 */

export interface IsoWeek {
  year: number;
  week: number;
}

const DAY_MS = 86_400_000;

export function isoWeekOf(date: Date): IsoWeek {
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(day + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return { year, week };
}

/** 53 when 28 December falls in week 53 (years starting on Thursday, or leap years on Wednesday). */
export function isoWeeksInYear(year: number): number {
  return isoWeekOf(new Date(Date.UTC(year, 11, 28))).week;
}

/** Monday 00:00 UTC of the week. */
export function isoWeekStart(year: number, week: number): Date {
  const january4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(january4).getUTCDay() + 6) % 7;
  return new Date(january4 - weekday * DAY_MS + (week - 1) * 7 * DAY_MS);
}

/** Sunday 23:59:59.999 UTC of the week. */
export function isoWeekEnd(year: number, week: number): Date {
  return new Date(isoWeekStart(year, week).getTime() + 7 * DAY_MS - 1);
}

/** `2025-W05` */
export function formatIsoWeek(year: number, week: number): string {
  return `${year}-W${String(week).padStart(2, '0')}`;
}
