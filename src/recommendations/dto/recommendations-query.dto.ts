import { IntegerParam } from '../../common/validation/fields.js';

export class RecommendationsQuery {
  @IntegerParam({ min: 1, max: 50, optional: true, default: 20, description: 'Results at most' })
  limit: number = 20;
}
