import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { registerDecorator } from 'class-validator';
import { validationNow } from '../clock.js';

/**
 * Field decorators that validate with the contract's exact messages (§1.2, §1.4) and describe the
 * same bounds to Swagger, so the docs and the checks cannot disagree. Wire names are the DTO
 * property names (snake_case). Body values are never coerced; query and path values are parsed
 * from their string form by the *Param variants.
 */

/** Returns the message for an invalid value, or null when it is acceptable. */
type Check = (value: unknown, field: string, object: Record<string, unknown>) => string | null;

interface PresenceOptions {
  /** Absent (undefined) is fine. */
  optional?: boolean;
  /** `null` is accepted as a value (`T|null` in the contract). */
  nullable?: boolean;
  description?: string;
  example?: unknown;
}

export interface IntegerOptions extends PresenceOptions {
  min: number;
  max: number;
  /** Replaces `<field> must be between <min> and <max>`. */
  rangeMessage?: string;
  /** Shown in the docs; the DTO's property initializer supplies the value. */
  default?: number;
}

export interface StringOptions extends PresenceOptions {
  minLength?: number;
  maxLength: number;
  /** Trim before checking (and hand the trimmed value to the handler). */
  trim?: boolean;
  pattern?: RegExp;
  patternMessage?: string;
  format?: string;
  /** Query/path only: lowercase before checking (UUIDs). */
  lowercase?: boolean;
}

export interface BooleanOptions extends PresenceOptions {
  /** Shown in the docs; the caller applies it. */
  default?: boolean;
}

export interface DateOptions extends PresenceOptions {
  /** The earliest date accepted, `YYYY-MM-DD`. */
  min: string;
  /** The latest date accepted is today (UTC, by the app's Clock) plus this many days. */
  maxDaysAhead: number;
}

export interface ChoiceOptions extends PresenceOptions {
  choices: readonly string[];
  /** Replaces `<field> must be one of <choices>`. */
  choiceMessage?: string;
}

/** A query parameter given more than once (`?page=1&page=2`). */
class RepeatedParameter {}

export function IntegerField(options: IntegerOptions): PropertyDecorator {
  return field(options, integerCheck(options), {
    type: 'integer',
    minimum: options.min,
    maximum: options.max,
  });
}

/** An integer in a query string or path: decimal digits with an optional leading `-`. */
export function IntegerParam(options: IntegerOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => fromParameter(value, parseDecimalInteger)),
    field(options, integerCheck(options), {
      type: 'integer',
      minimum: options.min,
      maximum: options.max,
    }),
  );
}

export function StringField(options: StringOptions): PropertyDecorator {
  return applyDecorators(
    ...(options.trim
      ? [Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))]
      : []),
    field(options, stringCheck(options), stringSchema(options)),
  );
}

export function StringParam(options: StringOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) =>
      fromParameter(value, (text) => {
        const trimmed = options.trim ? text.trim() : text;
        return options.lowercase ? trimmed.toLowerCase() : trimmed;
      }),
    ),
    field(options, stringCheck(options), stringSchema(options)),
  );
}

/** `true` or `false`, nothing else (no `"true"`, no `1`). */
export function BooleanField(options: BooleanOptions = {}): PropertyDecorator {
  return field(
    options,
    (value, name) => (typeof value === 'boolean' ? null : `${name} must be a boolean`),
    { type: 'boolean' },
  );
}

/**
 * A real calendar date `YYYY-MM-DD` (no 2023-02-29) from `min` to `maxDaysAhead` days after today
 * in UTC. "Today" comes from the app's Clock (see `validationNow`).
 */
export function DateField(options: DateOptions): PropertyDecorator {
  return field(options, dateCheck(options), { type: 'string', format: 'date' });
}

/** One of a few strings in a query string or path, e.g. `kind=movie`. */
export function ChoiceParam(options: ChoiceOptions): PropertyDecorator {
  const { choices, choiceMessage } = options;
  return applyDecorators(
    Transform(({ value }) => fromParameter(value, (text) => text)),
    field(
      options,
      (value, name) =>
        typeof value === 'string' && choices.includes(value)
          ? null
          : (choiceMessage ?? `${name} must be one of ${choices.join(', ')}`),
      { type: 'string', enum: [...choices] },
    ),
  );
}

/** A cross-field rule reported under this field, e.g. "current_password is required to …". */
export function FieldRule(check: Check): PropertyDecorator {
  return rule(check);
}

const BODY_RULES = Symbol('bodyRules');

/** A rule about a body as a whole; returns the message for an invalid body, or null. */
type BodyCheck = (dto: Record<string, unknown>) => string | null;

/**
 * A rule about the whole body, reported with `field: null` after the fields' own problems (e.g.
 * "a verdict needs a rating or a review"). It sees the values as validated (trimmed, and so on),
 * whatever their fields' checks found, so it should only judge values of the right type.
 */
export function BodyRule(check: BodyCheck): ClassDecorator {
  return (target) => {
    const rules: BodyCheck[] = Reflect.getOwnMetadata(BODY_RULES, target) ?? [];
    Reflect.defineMetadata(BODY_RULES, [...rules, check], target);
  };
}

/** The messages of the body rules `dto` breaks, in declaration order. */
export function bodyRuleMessages(dto: object): string[] {
  const rules: BodyCheck[] = Reflect.getMetadata(BODY_RULES, dto.constructor) ?? [];
  return rules
    .map((check) => check(dto as Record<string, unknown>))
    .filter((message): message is string => message !== null);
}

export function codePointLength(text: string): number {
  return Array.from(text).length;
}

function field(
  options: PresenceOptions,
  check: Check,
  schema: ApiPropertyOptions,
): PropertyDecorator {
  const { optional = false, nullable = false } = options;
  const presence: Check = (value, name, object) => {
    if (value === undefined) return optional ? null : `${name} is required`;
    if (value === null && nullable) return null;
    if (value instanceof RepeatedParameter) return `${name} must be given only once`;
    return check(value, name, object);
  };
  return applyDecorators(
    rule(presence),
    ApiProperty({
      ...schema,
      required: !optional,
      nullable,
      description: options.description,
      example: options.example,
      default: (options as IntegerOptions).default,
    } as ApiPropertyOptions),
  );
}

function rule(check: Check): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'contractRule',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value, args) =>
          check(value, args!.property, args!.object as Record<string, unknown>) === null,
        defaultMessage: (args) =>
          check(args!.value, args!.property, args!.object as Record<string, unknown>) ?? '',
      },
    });
  };
}

function integerCheck({ min, max, rangeMessage }: IntegerOptions): Check {
  return (value, name) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `${name} must be an integer`;
    if (value < min || value > max)
      return rangeMessage ?? `${name} must be between ${min} and ${max}`;
    return null;
  };
}

function stringCheck({ minLength = 0, maxLength, pattern, patternMessage }: StringOptions): Check {
  return (value, name) => {
    if (typeof value !== 'string') return `${name} must be a string`;
    const length = codePointLength(value);
    if (length < minLength) {
      return minLength === 1
        ? `${name} must not be empty`
        : `${name} must be at least ${minLength} characters`;
    }
    if (length > maxLength) return `${name} must be at most ${maxLength} characters`;
    if (pattern && !pattern.test(value)) return patternMessage ?? `${name} has an invalid format`;
    return null;
  };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function dateCheck({ min, maxDaysAhead }: DateOptions): Check {
  return (value, name) => {
    if (typeof value !== 'string') return `${name} must be a string`;
    const parts = ISO_DATE.exec(value);
    const date = new Date(0);
    if (parts) date.setUTCFullYear(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
    if (!parts || isoDate(date) !== value) return `${name} must be a real date (YYYY-MM-DD)`;
    if (value < min) return `${name} must not be before ${min}`;
    const latest = isoDate(new Date(validationNow().getTime() + maxDaysAhead * DAY_MS));
    return value > latest ? `${name} must not be in the future` : null;
  };
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function stringSchema(options: StringOptions): ApiPropertyOptions {
  return {
    type: 'string',
    minLength: options.minLength,
    maxLength: options.maxLength,
    format: options.format,
  };
}

/** Query and path values: absent or `?x=` is absent, repeated is an error, else parsed. */
function fromParameter(value: unknown, parse: (text: string) => unknown): unknown {
  if (Array.isArray(value))
    return value.length === 1 ? parse(String(value[0])) : new RepeatedParameter();
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' ? parse(value) : value;
}

function parseDecimalInteger(text: string): number | string {
  // Leave non-digit text as a string so the check reports "must be an integer".
  return /^-?\d+$/.test(text) ? Number(text) : text;
}
