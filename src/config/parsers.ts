/** Field-level parsers for environment values. Each returns the parsed value or throws a ConfigRuleError. */

export class ConfigRuleError extends Error {}

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export const SECOND = 1000;
export const DAY = 86_400_000;

/** "30", "0.5", "1500ms", "30m", "14d" → milliseconds. A bare number is seconds. */
export function parseDurationMs(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) throw new ConfigRuleError('must be a duration such as 30, 0.5, 1500ms, 30m or 14d');
  return Math.round(Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 's']);
}

export function describeDuration(ms: number): string {
  if (ms === 0) return '0';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = DURATION_UNITS_MS[unit];
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export function durationInRange(raw: string, minMs: number, maxMs: number): number {
  const ms = parseDurationMs(raw);
  if (ms < minMs || ms > maxMs) {
    throw new ConfigRuleError(
      `must be between ${describeDuration(minMs)} and ${describeDuration(maxMs)}`,
    );
  }
  return ms;
}

export function integerInRange(raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigRuleError(`must be an integer ${min}-${max}`);
  }
  return Number(raw);
}

export function oneOf<T extends string>(raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigRuleError(`must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

export function booleanFlag(raw: string): boolean {
  const normalized = raw.trim().toLowerCase();
  if (normalized === 'true') return true;
  if (normalized === 'false') return false;
  throw new ConfigRuleError('must be true or false');
}

/** An http(s) URL without its trailing slash. */
export function httpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigRuleError('must be an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigRuleError('must be an http(s) URL');
  }
  return raw.trim().replace(/\/+$/, '');
}
