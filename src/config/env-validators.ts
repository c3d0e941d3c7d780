import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, isURL, IsUrl, Max, Min, ValidateBy } from 'class-validator';

/**
 * Composite decorators for EnvironmentVariables: each turns the raw string into its typed value
 * (class-transformer) and states the rule with the message users see (class-validator).
 */

/** Thrown by the hand-written parsers (DATABASE_URL, CORS_ORIGINS); its message is the rule. */
export class ConfigRuleError extends Error {}

export const SECOND = 1000;
const DURATION_UNITS_MS = { ms: 1, s: SECOND, m: 60 * SECOND, h: 3600 * SECOND, d: 86400 * SECOND };

/** "30", "0.5", "1500ms", "30m", "14d" → milliseconds (a bare number is seconds); NaN if malformed. */
export function parseDurationMs(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) return NaN;
  return Math.round(Number(match[1]) * DURATION_UNITS_MS[(match[2] ?? 's') as 's']);
}

/**
 * A duration from min to max (written as durations, e.g. '100ms', '2m'), read as milliseconds;
 * with `orZero`, 0 (off) too.
 */
export function Duration(
  min: string,
  max: string,
  { orZero = false }: { orZero?: boolean } = {},
): PropertyDecorator {
  const [minMs, maxMs] = [parseDurationMs(min), parseDurationMs(max)];
  return applyDecorators(
    Transform(({ value }: { value: string }) => parseDurationMs(value)),
    ValidateBy({
      name: 'duration',
      validator: {
        validate: (ms: number) => (orZero && ms === 0) || (ms >= minMs && ms <= maxMs),
        defaultMessage: (args) =>
          Number.isNaN(args?.value)
            ? 'must be a duration such as 30, 0.5, 1500ms, 30m or 14d'
            : `must be ${orZero ? '0 (off) or ' : ''}between ${min} and ${max}`,
      },
    }),
  );
}

export function IntegerIn(min: number, max: number): PropertyDecorator {
  const message = `must be an integer ${min}-${max}`;
  return applyDecorators(
    Transform(({ value }: { value: string }) =>
      /^-?\d+$/.test(value.trim()) ? Number(value) : NaN,
    ),
    IsInt({ message }),
    Min(min, { message }),
    Max(max, { message }),
  );
}

export function OneOf(
  values: readonly string[],
  normalize = (raw: string) => raw,
): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: string }) => normalize(value)),
    IsIn([...values], { message: `must be one of ${values.join(', ')}` }),
  );
}

export function BooleanFlag(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: string }) => {
      const normalized = value.trim().toLowerCase();
      return normalized === 'true' ? true : normalized === 'false' ? false : value;
    }),
    IsBoolean({ message: 'must be true or false' }),
  );
}

const HTTP_URL = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: false,
  allow_underscores: true,
};

/** An http(s) URL without its trailing slash. */
export function HttpUrl(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: string }) => value.trim().replace(/\/+$/, '')),
    IsUrl(HTTP_URL, { message: 'must be an http(s) URL' }),
  );
}

export function isHttpUrl(value: string): boolean {
  return isURL(value, HTTP_URL) && URL.canParse(value);
}

/** Hand-made rules that need a real parser: its result is the value, its ConfigRuleError the problem. */
export function ParsedBy(parse: (raw: string) => unknown): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: string }) => {
      try {
        return parse(value);
      } catch (error) {
        if (error instanceof ConfigRuleError) return error;
        throw error;
      }
    }),
    ValidateBy({
      name: 'parsed',
      validator: {
        validate: (value) => !(value instanceof ConfigRuleError),
        defaultMessage: (args) => (args?.value as ConfigRuleError).message,
      },
    }),
  );
}
