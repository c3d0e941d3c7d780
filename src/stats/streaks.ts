import { formatIsoWeek, isoWeeksInYear, isoWeekStart, type IsoWeek } from '../weeks/iso-week.js';

const WEEK_MS = 7 * 86_400_000;

/** Weeks `first`…`last` of one ISO year, each with a pick: what SQL gives the streak walk. */
export interface PickedSpan {
  year: number;
  first: number;
  last: number;
}

export interface Streaks {
  current: number;
  longest: number;
  /** `YYYY-Www` of the longest run's first and last week; null when there is no pick. */
  longestFrom: string | null;
  longestTo: string | null;
}

interface Run {
  from: IsoWeek;
  to: IsoWeek;
  length: number;
}

/**
 * Runs of consecutive ISO weeks with a pick (opinions.md §2.2 `streaks`). Weeks are consecutive when
 * their Mondays are 7 days apart, so 2020-W53 → 2021-W01 is a run and 2021-W52 → 2022-W01 too.
 *
 * `spans`: the runs of consecutive week numbers within one year, ascending, already narrowed to the
 * scope (so a year's runs are cut at its bounds). SQL finds those (a few hundred rows at 10,000
 * weeks rather than every week); only where a year ends is a calendar question, answered here:
 * a span that ends on its year's last week goes on into week 1 of the next.
 * `now`: the current ISO week, or null when the scope cannot hold it (`current` is then 0). `current`
 * counts back from the current week, or from the week before it when the current week has no pick
 * yet; later weeks (picked ahead) do not count.
 */
export function streaksOf(spans: readonly PickedSpan[], now: IsoWeek | null): Streaks {
  const runs: Run[] = [];
  for (const { year, first, last } of spans) {
    const run = runs.at(-1);
    const length = last - first + 1;
    if (run && continuesInto(run.to, { year, week: first })) {
      run.to = { year, week: last };
      run.length += length;
    } else {
      runs.push({ from: { year, week: first }, to: { year, week: last }, length });
    }
  }
  // Strictly longer: the earliest run wins a tie.
  const longest = runs.reduce<Run | null>(
    (best, run) => (best === null || run.length > best.length ? run : best),
    null,
  );
  return {
    current: now === null ? 0 : currentRun(runs, now),
    longest: longest?.length ?? 0,
    longestFrom: longest ? formatIsoWeek(longest.from.year, longest.from.week) : null,
    longestTo: longest ? formatIsoWeek(longest.to.year, longest.to.week) : null,
  };
}

/** Whether `next` is the week after `week`'s year's last week, `week` being that last week. */
function continuesInto(week: IsoWeek, next: IsoWeek): boolean {
  return next.year === week.year + 1 && next.week === 1 && week.week === isoWeeksInYear(week.year);
}

function currentRun(runs: readonly Run[], now: IsoWeek): number {
  const monday = (week: IsoWeek) => isoWeekStart(week.year, week.week).getTime();
  const weeksInto = (at: number) => {
    const run = runs.find(
      (candidate) => monday(candidate.from) <= at && at <= monday(candidate.to),
    );
    return run ? (at - monday(run.from)) / WEEK_MS + 1 : 0;
  };
  const thisWeek = monday(now);
  return weeksInto(thisWeek) || weeksInto(thisWeek - WEEK_MS);
}
