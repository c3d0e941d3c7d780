import { formatIsoWeek, isoWeekStart, type IsoWeek } from '../weeks/iso-week.js';

const WEEK_MS = 7 * 86_400_000;

export interface Streaks {
  current: number;
  longest: number;
  /** `YYYY-Www` of the longest run's first and last week; null when there is no pick. */
  longestFrom: string | null;
  longestTo: string | null;
}

/**
 * Runs of consecutive ISO weeks with a pick (opinions.md §2.2 `streaks`). Weeks are consecutive when
 * their Mondays are 7 days apart, so 2020-W53 → 2021-W01 is a run and 2021-W52 → 2022-W01 too.
 *
 * `picked`: the distinct weeks with at least one pick, ascending, already narrowed to the scope (so a
 * year's runs are cut at its bounds). `now`: the current ISO week, or null when the scope cannot hold it
 * (`current` is then 0). `current` counts back from the current week, or from the week before it when
 * the current week has no pick yet; later weeks (picked ahead) do not count.
 */
export function streaksOf(picked: readonly IsoWeek[], now: IsoWeek | null): Streaks {
  const mondays = picked.map(({ year, week }) => isoWeekStart(year, week).getTime());
  let longest = { length: 0, from: -1, to: -1 };
  let start = 0;
  for (let i = 0; i < mondays.length; i++) {
    const runEnds = i + 1 === mondays.length || mondays[i + 1] - mondays[i] !== WEEK_MS;
    if (!runEnds) continue;
    // Strictly longer: the earliest run wins a tie.
    if (i - start + 1 > longest.length) longest = { length: i - start + 1, from: start, to: i };
    start = i + 1;
  }
  const label = (index: number) =>
    index < 0 ? null : formatIsoWeek(picked[index].year, picked[index].week);
  return {
    current: now === null ? 0 : currentRun(new Set(mondays), now),
    longest: longest.length,
    longestFrom: label(longest.from),
    longestTo: label(longest.to),
  };
}

function currentRun(mondays: ReadonlySet<number>, now: IsoWeek): number {
  const thisWeek = isoWeekStart(now.year, now.week).getTime();
  let monday = mondays.has(thisWeek) ? thisWeek : thisWeek - WEEK_MS;
  let run = 0;
  while (mondays.has(monday)) {
    run += 1;
    monday -= WEEK_MS;
  }
  return run;
}
