import { IntegerParam } from '../../common/validation/fields.js';

export class StatsYearParams {
  @IntegerParam({ min: 1900, max: 2100, example: 2025, description: 'An ISO week-numbering year' })
  year: number;
}
