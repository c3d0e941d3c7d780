import { IntegerParam, StringParam } from '../../common/validation/fields.js';
import { IdParam } from '../../common/validation/ids.js';

export class SearchMoviesQuery {
  @StringParam({ trim: true, minLength: 1, maxLength: 200, example: 'Inception' })
  query: string;

  @IntegerParam({ min: 1, max: 500, optional: true, default: 1 })
  page: number = 1;

  @IntegerParam({ min: 1800, max: 2100, optional: true, description: 'Release year' })
  year?: number;
}

export class TmdbIdParams {
  @IdParam('The TMDB movie id')
  tmdb_id: number;
}
