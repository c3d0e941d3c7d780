import { IntegerParam, StringParam } from '../../common/validation/fields.js';
import { UuidParam } from '../../common/validation/ids.js';

export class SearchAlbumsQuery {
  @StringParam({
    trim: true,
    minLength: 1,
    maxLength: 200,
    description: 'A MusicBrainz (Lucene) query; `artist:"Pink Floyd"` works',
    example: 'The Dark Side of the Moon',
  })
  query: string;

  @IntegerParam({ min: 1, max: 100, optional: true, default: 25 })
  limit: number = 25;

  @IntegerParam({ min: 0, max: 10000, optional: true, default: 0 })
  offset: number = 0;
}

export class MusicBrainzIdParams {
  @UuidParam('The MusicBrainz release id')
  musicbrainz_id: string;
}
