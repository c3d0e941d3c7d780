import { ApiProperty } from '@nestjs/swagger';
import { roundRatio } from '../rounding.js';

/**
 * The unrounded aggregates of some ratings. Pooling adds them up, so an average over many picks is
 * the mean of all their ratings, never a mean of per-pick means (opinions.md, intro).
 */
export interface RatingTotals {
  count: number;
  sum: number;
  sumOfSquares: number;
}

export const NO_RATINGS: RatingTotals = Object.freeze({ count: 0, sum: 0, sumOfSquares: 0 });

export class RatingSummaryDto {
  @ApiProperty({ type: 'integer', description: 'Verdicts with a rating' }) count: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 8.33,
    description: 'Mean rating, rounded half-up to 2 decimals; null without ratings',
  })
  average: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 1.25,
    description: 'Population standard deviation, rounded half-up; null under 2 ratings',
  })
  spread: number | null;
}

export function addRatings(a: RatingTotals, b: RatingTotals): RatingTotals {
  return {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    sumOfSquares: a.sumOfSquares + b.sumOfSquares,
  };
}

export function totalsOf(ratings: readonly number[]): RatingTotals {
  return ratings.reduce<RatingTotals>(
    (totals, rating) => addRatings(totals, { count: 1, sum: rating, sumOfSquares: rating ** 2 }),
    NO_RATINGS,
  );
}

/**
 * The wire summary, rounded only here. Ratings are integers, so the average is the exact fraction
 * sum / count, rounded on integers: 201/200 = 1.005 becomes 1.01, not the 1.00 that
 * `Math.round(x * 100)` gives. The spread is √(count·Σr² − (Σr)²) / count, exact as a fraction
 * too when the root is an integer; otherwise it is irrational and can never be a tie.
 */
export function toRatingSummary({ count, sum, sumOfSquares }: RatingTotals): RatingSummaryDto {
  if (count === 0) return { count: 0, average: null, spread: null };
  const radicand = count * sumOfSquares - sum * sum;
  const root = Math.sqrt(radicand);
  return {
    count,
    average: roundRatio(sum, count),
    spread:
      count < 2
        ? null
        : Number.isInteger(root)
          ? roundRatio(root, count)
          : Math.round((root / count) * 100) / 100, // irrational: never a tie
  };
}
