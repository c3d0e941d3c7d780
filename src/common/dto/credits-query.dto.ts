import { IntegerParam } from '../validation/fields.js';

export class CreditsQuery {
  @IntegerParam({
    min: 1,
    max: 50,
    optional: true,
    default: 10,
    description: 'Entries per list; every limit is served from storage',
  })
  limit: number = 10;
}
