import { IntegerParam, StringParam } from './fields.js';

/** Ids in paths are positive 32-bit integers (contract §1.2). */
export const MAX_ID = 2_147_483_647;

export function IdParam(description?: string): PropertyDecorator {
  return IntegerParam({ min: 1, max: MAX_ID, description });
}

/** A MusicBrainz id: 8-4-4-4-12 hex digits in any case, lowercased before use. */
export function UuidParam(description?: string): PropertyDecorator {
  return StringParam({
    maxLength: 36,
    lowercase: true,
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    patternMessage: 'musicbrainz_id must be a UUID',
    format: 'uuid',
    description,
  });
}
