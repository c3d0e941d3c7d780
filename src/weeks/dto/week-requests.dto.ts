import {
  FieldRule,
  IntegerField,
  IntegerParam,
  StringField,
} from '../../common/validation/fields.js';
import { IdParam, UuidField } from '../../common/validation/ids.js';
import { isoWeeksInYear } from '../iso-week.js';

export const MAX_NOTES_LENGTH = 2000;

export class ListWeeksQuery {
  @IntegerParam({ min: 1, max: 10000, optional: true, default: 1 })
  page: number = 1;

  @IntegerParam({ min: 1, max: 100, optional: true, default: 20 })
  page_size: number = 20;

  @IntegerParam({ min: 1900, max: 2100, optional: true })
  year?: number;
}

export class CreateWeekDto {
  @IntegerField({ min: 1900, max: 2100, example: 2025 })
  year: number;

  @IntegerField({ min: 1, max: 53, example: 52 })
  @FieldRule((weekNumber, field, dto) => {
    const { year } = dto;
    if (weekNumber !== 53 || typeof year !== 'number' || !Number.isInteger(year)) return null;
    const weeks = isoWeeksInYear(year);
    return weeks === 53
      ? null
      : `${field} 53 does not exist in ISO year ${year} (it has ${weeks} weeks)`;
  })
  week_number: number;

  @StringField({ optional: true, nullable: true, maxLength: MAX_NOTES_LENGTH })
  notes?: string | null;
}

export class UpdateWeekDto {
  @StringField({
    optional: true,
    nullable: true,
    maxLength: MAX_NOTES_LENGTH,
    description: 'A string sets the notes, null clears them, absent changes nothing',
  })
  notes?: string | null;
}

export class WeekIdParams {
  @IdParam()
  week_id: number;
}

export class WeekSlotParams extends WeekIdParams {
  @IntegerParam({ min: 1, max: 2, rangeMessage: 'position must be 1 or 2' })
  position: number;
}

export class AddMovieDto {
  @IntegerField({ min: 1, max: 2_147_483_647, example: 27205 })
  tmdb_id: number;

  @IntegerField({ min: 1, max: 2, rangeMessage: 'position must be 1 or 2', example: 1 })
  position: number;
}

export class AddAlbumDto {
  @UuidField()
  musicbrainz_id: string;

  @IntegerField({ min: 1, max: 2, rangeMessage: 'position must be 1 or 2', example: 1 })
  position: number;
}
