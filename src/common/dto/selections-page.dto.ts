import { ApiProperty } from '@nestjs/swagger';

/** One week an item was picked in, as the selections listings show it. */
export interface Selection {
  weekId: number;
  position: number;
  addedAt: Date;
  week?: { year: number; weekNumber: number };
}

export interface SelectionsPage<T> {
  total: number;
  results: { item: T; selections: Selection[] }[];
}

export class SelectionDto {
  @ApiProperty({ type: 'integer' }) week_id: number;
  @ApiProperty({ type: 'integer' }) year: number;
  @ApiProperty({ type: 'integer' }) week_number: number;
  @ApiProperty({ type: 'integer', enum: [1, 2] }) position: number;
  @ApiProperty({ format: 'date-time' }) added_at: string;
}

export function toSelection(slot: Selection): SelectionDto {
  return {
    week_id: slot.weekId,
    year: slot.week!.year,
    week_number: slot.week!.weekNumber,
    position: slot.position,
    added_at: slot.addedAt.toISOString(),
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
  results: (R & { selections: SelectionDto[] })[];
} {
  return {
    total,
    page,
    page_size: pageSize,
    results: results.map(({ item, selections }) => ({
      ...toRef(item),
      selections: selections.map(toSelection),
    })),
  };
}
