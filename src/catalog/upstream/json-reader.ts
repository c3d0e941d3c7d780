/**
 * Reading upstream JSON defensively (upstream.md §1): required fields must have the right JSON
 * type or the reply is invalid; optional fields of the wrong type, missing or null become null.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a body, or returns undefined when it is not JSON (XML, truncated, empty). */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** A non-empty string, else null; longer than `maxLength` (a column bound) is null as well. */
export function optionalString(value: unknown, maxLength = Infinity): string | null {
  return typeof value === 'string' && value !== '' && Array.from(value).length <= maxLength
    ? value
    : null;
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

export function integerOr(value: unknown, fallback: number): number {
  return isInteger(value) ? value : fallback;
}

export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
