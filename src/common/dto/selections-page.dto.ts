import { ApiProperty } from '@nestjs/swagger';
import { RatingSummaryDto } from './rating-summary.dto.js';

/** One week an item was picked in, as the selections listings show it. */
export class SelectionDto {
  @ApiProperty({ type: 'integer' }) week_id: number;
  @ApiProperty({ type: 'integer' }) year: number;
  @ApiProperty({ type: 'integer' }) week_number: number;
  @ApiProperty({ type: 'integer', enum: [1, 2] }) position: number;
  @ApiProperty({ format: 'date-time' }) added_at: string;
  @ApiProperty({ type: RatingSummaryDto, description: 'The verdicts on this pick' })
  rating: RatingSummaryDto;
}
