import { addRatings, NO_RATINGS, toRatingSummary, totalsOf } from './rating-summary.dto.js';

describe(toRatingSummary.name, () => {
  it('is count 0 and nulls without ratings, and has no spread for one rating', () => {
    expect(toRatingSummary(NO_RATINGS)).toEqual({ count: 0, average: null, spread: null });
    expect(toRatingSummary(totalsOf([7]))).toEqual({ count: 1, average: 7, spread: null });
  });

  it('gives the population standard deviation: 7, 8, 10 → 8.33 and 1.25; equal ratings → 0', () => {
    expect(toRatingSummary(totalsOf([7, 8, 10]))).toEqual({
      count: 3,
      average: 8.33,
      spread: 1.25,
    });
    expect(toRatingSummary(totalsOf([5, 5]))).toEqual({ count: 2, average: 5, spread: 0 });
  });

  it('rounds an exact tie half-up, where x * 100 in floating point would round it down', () => {
    // 201 / 200 = 1.005, and 1.005 * 100 is 100.49999999999999.
    const average = totalsOf([...Array<number>(199).fill(1), 2]);
    expect(average).toEqual({ count: 200, sum: 201, sumOfSquares: 203 });
    expect(toRatingSummary(average).average).toBe(1.01);
    // A perfect-square radicand gives an exact spread: 1 and 10 → √81 / 2 = 4.5.
    expect(toRatingSummary(totalsOf([1, 10]))).toEqual({ count: 2, average: 5.5, spread: 4.5 });
  });

  it('pools: the totals of two picks add up to the totals of all their ratings', () => {
    const pooled = addRatings(totalsOf([10]), totalsOf([4, 6, 5]));
    expect(pooled).toEqual(totalsOf([10, 4, 6, 5]));
    expect(toRatingSummary(pooled)).toEqual({ count: 4, average: 6.25, spread: 2.28 });
  });
});
