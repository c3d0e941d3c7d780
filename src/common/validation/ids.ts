import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IntegerParam, StringField, StringParam } from './fields.js';

/** Ids in paths are positive 32-bit integers (contract §1.2). */
export const MAX_ID = 2_147_483_647;

export function IdParam(description?: string): PropertyDecorator {
  return IntegerParam({ min: 1, max: MAX_ID, description });
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A MusicBrainz id in a path: 8-4-4-4-12 hex digits in any case, lowercased before use. */
export function UuidParam(description?: string): PropertyDecorator {
  return StringParam({
    maxLength: 36,
    lowercase: true,
    pattern: UUID,
    patternMessage: 'musicbrainz_id must be a UUID',
    format: 'uuid',
    description,
  });
}

/** A MusicBrainz id in a body: a string (never coerced), lowercased before use. */
export function UuidField(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value)),
    StringField({
      maxLength: 36,
      pattern: UUID,
      patternMessage: 'musicbrainz_id must be a UUID',
      format: 'uuid',
      example: '3f49f47e-0e67-4f90-a3c0-df47c9b4b8c9',
    }),
  );
}
