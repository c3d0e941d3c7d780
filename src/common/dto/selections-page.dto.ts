import { ApiProperty } from '@nestjs/swagger';
import { RatingSummaryDto, toRatingSummary, type RatingTotals } from './rating-summary.dto.js';

/** One week an item was picked in, as the selections listings show it. */
export interface Selection {
  weekId: number;
  position: number;
  addedAt: Date;
  week?: { year: number; weekNumber: number };
  /** The ratings of this one pick. */
  rating: RatingTotals;
}

export interface SelectionsPage<T> {
  total: number;
  /** `rating` pools every rating of every pick of the item. */
  results: { item: T; selections: Selection[]; rating: RatingTotals }[];
}

export class SelectionDto {
  @ApiProperty({ type: 'integer' }) week_id: number;
  @ApiProperty({ type: 'integer' }) year: number;
  @ApiProperty({ type: 'integer' }) week_number: number;
  @ApiProperty({ type: 'integer', enum: [1, 2] }) position: number;
  @ApiProperty({ format: 'date-time' }) added_at: string;
  @ApiProperty({ type: RatingSummaryDto, description: 'The verdicts on this pick' })
  rating: RatingSummaryDto;
}

export function toSelection(slot: Selection): SelectionDto {
  return {
    week_id: slot.weekId,
    year: slot.week!.year,
    week_number: slot.week!.weekNumber,
    position: slot.position,
    added_at: slot.addedAt.toISOString(),
    rating: toRatingSummary(slot.rating),
  };
}

/** A selections page (contract §10), with each item mapped to its MovieRef or AlbumRef. */
export function toSelectionsPage<T, R>(
  { total, results }: SelectionsPage<T>,
  page: number,
  pageSize: number,
  toRef: (item: T) => R,
): {
  total: number;
  page: number;
  page_size: number;
  results: (R & { selections: SelectionDto[]; rating: RatingSummaryDto })[];
} {
  return {
    total,
    page,
    page_size: pageSize,
    results: results.map(({ item, selections, rating }) => ({
      ...toRef(item),
      selections: selections.map(toSelection),
      rating: toRatingSummary(rating),
    })),
  };
}
