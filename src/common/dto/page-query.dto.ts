import { IntegerParam } from '../validation/fields.js';

export class PageQuery {
  @IntegerParam({ min: 1, max: 10000, optional: true, default: 1 })
  page: number = 1;

  @IntegerParam({ min: 1, max: 100, optional: true, default: 20 })
  page_size: number = 20;
}
