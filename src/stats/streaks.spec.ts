import { streaksOf, type PickedSpan } from './streaks.js';

const at = (label: string) => {
  const [year, week] = label.split('-W').map(Number);
  return { year, week };
};
/** What SQL gives the walk: the picked weeks as spans of consecutive numbers within a year. */
const weeks = (...labels: string[]) =>
  labels.map(at).reduce<PickedSpan[]>((spans, { year, week }) => {
    const span = spans.at(-1);
    if (span && span.year === year && span.last === week - 1) span.last = week;
    else spans.push({ year, first: week, last: week });
    return spans;
  }, []);

describe(streaksOf.name, () => {
  it('is all zeros and nulls without picks', () => {
    expect(streaksOf([], at('2025-W10'))).toEqual({
      current: 0,
      longest: 0,
      longestFrom: null,
      longestTo: null,
    });
  });

  it('counts 2020-W53 → 2021-W01 as consecutive (a 53-week year)', () => {
    const picked = weeks('2020-W52', '2020-W53', '2021-W01', '2021-W02');
    expect(streaksOf(picked, null)).toMatchObject({
      longest: 4,
      longestFrom: '2020-W52',
      longestTo: '2021-W02',
    });
  });

  it('breaks a run at a 53rd week without a pick; 2021-W52 → 2022-W01 (52 weeks) is a run', () => {
    // 2020 has 53 weeks: W52 → 2021-W01 skips W53. 2021 has 52: W52 → 2022-W01 is consecutive.
    expect(streaksOf(weeks('2020-W52', '2021-W01'), null).longest).toBe(1);
    expect(streaksOf(weeks('2021-W52', '2022-W01'), null).longest).toBe(2);
  });

  it('joins spans across several year ends, and only there', () => {
    const spans: PickedSpan[] = [
      { year: 2019, first: 50, last: 52 }, // 2019 has 52 weeks
      { year: 2020, first: 1, last: 53 },
      { year: 2021, first: 1, last: 3 },
      { year: 2021, first: 5, last: 6 },
    ];
    expect(streaksOf(spans, at('2021-W02'))).toEqual({
      current: 3 + 53 + 2,
      longest: 3 + 53 + 3,
      longestFrom: '2019-W50',
      longestTo: '2021-W03',
    });
  });

  it('lets the earliest of equally long runs win', () => {
    const picked = weeks('2024-W01', '2024-W02', '2024-W05', '2024-W06', '2024-W08');
    expect(streaksOf(picked, null)).toMatchObject({
      longest: 2,
      longestFrom: '2024-W01',
      longestTo: '2024-W02',
    });
  });

  it('takes a later, longer run over an earlier one', () => {
    const picked = weeks('2024-W01', '2024-W03', '2024-W04', '2024-W05');
    expect(streaksOf(picked, null)).toMatchObject({
      longest: 3,
      longestFrom: '2024-W03',
      longestTo: '2024-W05',
    });
  });

  describe('current', () => {
    const picked = weeks('2024-W50', '2024-W51', '2024-W52', '2025-W01', '2025-W02');

    it('is the run ending at the current week', () => {
      expect(streaksOf(picked, at('2025-W02')).current).toBe(5);
    });

    it('is the run ending the week before when the current week has no pick yet', () => {
      expect(streaksOf(picked, at('2025-W03')).current).toBe(5);
    });

    it('is 0 when neither the current week nor the week before has a pick', () => {
      expect(streaksOf(picked, at('2025-W04')).current).toBe(0);
    });

    it('counts back from now: weeks picked ahead do not count', () => {
      expect(streaksOf(picked, at('2024-W51')).current).toBe(2);
    });

    it('is 0 without a current week (a year that does not hold it)', () => {
      expect(streaksOf(picked, null).current).toBe(0);
    });
  });
});
