import { formatIsoWeek, isoWeekEnd, isoWeekOf, isoWeekStart, isoWeeksInYear } from './iso-week.js';

const utc = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe('ISO weeks', () => {
  it.each([
    ['2021-01-03', 2020, 53],
    ['2021-01-04', 2021, 1],
    ['2024-12-30', 2025, 1],
    ['2024-12-29', 2024, 52],
    ['2025-12-29', 2026, 1],
    ['2026-12-31', 2026, 53],
    ['2027-01-03', 2026, 53],
    ['2027-01-04', 2027, 1],
    ['2020-12-31', 2020, 53],
    ['2019-12-30', 2020, 1],
    ['2016-01-03', 2015, 53],
    ['2025-06-15', 2025, 24],
  ])('%s is in %i-W%i', (date, year, week) => {
    expect(isoWeekOf(utc(date))).toEqual({ year, week });
  });

  it('uses the UTC date, not the local one', () => {
    expect(isoWeekOf(new Date('2021-01-03T23:59:59.999Z'))).toEqual({ year: 2020, week: 53 });
    expect(isoWeekOf(new Date('2021-01-04T00:00:00.000Z'))).toEqual({ year: 2021, week: 1 });
  });

  it.each([
    [2015, 53],
    [2019, 52],
    [2020, 53],
    [2021, 52],
    [2025, 52],
    [2026, 53],
    [2032, 53],
    [2037, 53],
    [2100, 52],
  ])('%i has %i weeks', (year, weeks) => {
    expect(isoWeeksInYear(year)).toBe(weeks);
  });

  it('gives Monday 00:00 and Sunday 23:59:59.999 UTC as the bounds of a week', () => {
    expect(isoWeekStart(2020, 53).toISOString()).toBe('2020-12-28T00:00:00.000Z');
    expect(isoWeekEnd(2020, 53).toISOString()).toBe('2021-01-03T23:59:59.999Z');
    expect(isoWeekStart(2025, 1).toISOString()).toBe('2024-12-30T00:00:00.000Z');
    expect(isoWeekStart(2026, 1).toISOString()).toBe('2025-12-29T00:00:00.000Z');
  });

  it('round-trips every week of several years', () => {
    for (const year of [2019, 2020, 2021, 2026]) {
      for (let week = 1; week <= isoWeeksInYear(year); week++) {
        expect(isoWeekOf(isoWeekStart(year, week))).toEqual({ year, week });
        expect(isoWeekOf(isoWeekEnd(year, week))).toEqual({ year, week });
      }
    }
  });

  it('formats week numbers with two digits', () => {
    expect(formatIsoWeek(2025, 5)).toBe('2025-W05');
    expect(formatIsoWeek(2020, 53)).toBe('2020-W53');
  });
});
