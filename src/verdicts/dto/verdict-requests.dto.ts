import { PageQuery } from '../../common/dto/page-query.dto.js';
import {
  BodyRule,
  BooleanField,
  ChoiceParam,
  DateField,
  IntegerField,
  IntegerParam,
  StringField,
} from '../../common/validation/fields.js';

export const MAX_REVIEW_LENGTH = 5000;
export const PICK_KINDS = ['movie', 'album'] as const;
export type PickKind = (typeof PICK_KINDS)[number];

/** The whole verdict (PUT): an absent key takes its default (opinions.md §1.2). */
@BodyRule(({ rating, review }) =>
  (rating === undefined || rating === null) &&
  (review === undefined || review === null || review === '')
    ? 'a verdict needs a rating or a review'
    : null,
)
export class PutVerdictDto {
  @IntegerField({ min: 1, max: 10, optional: true, nullable: true, example: 8 })
  rating?: number | null;

  @StringField({
    optional: true,
    nullable: true,
    trim: true,
    maxLength: MAX_REVIEW_LENGTH,
    description: 'Trimmed first; empty after trimming counts as null',
  })
  review?: string | null;

  @BooleanField({ optional: true, default: false })
  spoiler?: boolean;

  @DateField({
    optional: true,
    nullable: true,
    min: '1900-01-01',
    // Tomorrow in UTC is still fine: somewhere on Earth it is already that day.
    maxDaysAhead: 1,
    example: '2025-12-27',
    description: 'When you watched or listened: 1900-01-01 to tomorrow (UTC)',
  })
  consumed_on?: string | null;
}

export class DiaryQuery extends PageQuery {
  @IntegerParam({
    min: 1900,
    max: 2100,
    optional: true,
    description: 'Only picks of weeks of this ISO year',
  })
  year?: number;

  @ChoiceParam({
    choices: PICK_KINDS,
    optional: true,
    choiceMessage: 'kind must be movie or album',
  })
  kind?: PickKind;
}
