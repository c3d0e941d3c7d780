import { plainToInstance, Transform } from 'class-transformer';
import { IsOptional, Matches, ValidateBy, validateSync } from 'class-validator';
import { APP_VERSION } from '../version.js';
import { DEFAULT_DATABASE_URL, IN_MEMORY, parseDatabaseUrl } from './database-url.js';
import type { Env } from './env.js';
import {
  BooleanFlag,
  ConfigRuleError,
  Duration,
  HttpUrl,
  IntegerIn,
  isHttpUrl,
  OneOf,
  ParsedBy,
  parseDurationMs,
  SECOND,
} from './env-validators.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const REGISTRATION_MODES = ['open', 'invite', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];
/** As the register rule checks an email (users/dto/credential-fields.ts), which config may not import. */
const EMAIL_ADDRESS = /^[^\s@]{1,64}@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}$/u;

const USER_AGENT_PATTERN = /^[A-Za-z0-9][\w.-]*\/[\w.+-]+ \( ?[^()\s][^()]*? ?\)$/;
const Trim = Transform(({ value }: { value: string }) => value.trim());

/** Cross-field: MusicBrainz allows one request a second; a fake upstream may go faster. */
const AtLeast1sForMusicBrainzOrg = ValidateBy(
  {
    name: 'musicbrainzInterval',
    validator: {
      validate: (ms: number, args) =>
        !(ms < SECOND) ||
        !isMusicBrainzOrg((args?.object as EnvironmentVariables).MUSICBRAINZ_BASE_URL),
    },
  },
  { message: 'must be at least 1s when MUSICBRAINZ_BASE_URL is musicbrainz.org' },
);

/** Scheduled backups copy a SQLite file; PostgreSQL has pg_dump, and memory has nothing to keep. */
const OnlyOnSqliteFile = ValidateBy(
  {
    name: 'backupNeedsSqliteFile',
    validator: {
      validate: (ms: number, args) => {
        const database: unknown = (args?.object as EnvironmentVariables).DATABASE_URL;
        // A DATABASE_URL that did not parse is reported on its own.
        if (ms === 0 || database instanceof ConfigRuleError) return true;
        const { kind, path } = database as { kind: string; path?: string };
        return kind === 'sqlite' && path !== IN_MEMORY;
      },
    },
  },
  { message: 'needs a SQLite database file (back up PostgreSQL with pg_dump)' },
);

/**
 * The variables of contract §11 (README's configuration table) with their defaults, parsed and
 * checked by class-transformer and class-validator; the order is the order of the error lines.
 * SECRET_KEY is not here: configuration.ts reads it raw, because its rule depends on NODE_ENV,
 * whitespace counts, and its value must never appear in a message.
 */
export class EnvironmentVariables {
  @OneOf(NODE_ENVS) NODE_ENV: (typeof NODE_ENVS)[number] = 'development';
  @ParsedBy(parseDatabaseUrl) DATABASE_URL = parseDatabaseUrl(DEFAULT_DATABASE_URL);
  @IntegerIn(1, 65535) PORT = 8000;
  @OneOf(LOG_LEVELS, (raw) => raw.toLowerCase()) LOG_LEVEL: LogLevel = 'info';
  @ParsedBy(parseCorsOrigins) CORS_ORIGINS = parseCorsOrigins('');
  @BooleanFlag() TRUST_PROXY = false;
  /** Unset: 5s on SQLite, 0 on PostgreSQL (see configuration.ts). */
  @IsOptional() @Duration('0', '1h') READ_CACHE_TTL?: number;
  @Duration('1s', '1d') JWT_ACCESS_TTL = parseDurationMs('30m');
  @Duration('1s', '365d') JWT_REFRESH_TTL = parseDurationMs('14d');
  @IntegerIn(4, 15) BCRYPT_ROUNDS = 12;
  @IntegerIn(0, 10000) THROTTLE_LIMIT = 10;
  @Duration('1s', '1d') THROTTLE_TTL = parseDurationMs('60s');
  @HttpUrl() MUSICBRAINZ_BASE_URL = 'https://musicbrainz.org/ws/2';
  @Trim TMDB_API_KEY: string | null = null;
  @HttpUrl() TMDB_BASE_URL = 'https://api.themoviedb.org/3';
  @HttpUrl() TMDB_IMAGE_BASE_URL = 'https://image.tmdb.org/t/p';
  @Trim
  @Matches(USER_AGENT_PATTERN, { message: 'must look like Name/version ( contact )' })
  MUSICBRAINZ_USER_AGENT = `WrongOpinions/${APP_VERSION} ( wrong-opinions@example.com )`;
  @Duration('0', '10s') @AtLeast1sForMusicBrainzOrg MUSICBRAINZ_MIN_INTERVAL =
    parseDurationMs('1s');
  @Duration('0', '1m') MUSICBRAINZ_MAX_WAIT = parseDurationMs('10s');
  @HttpUrl() COVERART_BASE_URL = 'https://coverartarchive.org';
  @Duration('100ms', '2m') UPSTREAM_TIMEOUT = parseDurationMs('10s');
  @Duration('1s', '365d') CATALOG_TTL = parseDurationMs('7d');
  @Duration('0', '1d') SEARCH_CACHE_TTL = parseDurationMs('10m');
  @OneOf(REGISTRATION_MODES, (raw) => raw.trim().toLowerCase()) REGISTRATION: RegistrationMode =
    'open';
  @ParsedBy(parseEmailList) REGISTRATION_EMAILS: string[] | null = null;
  @Duration('1m', '365d') INVITE_TTL = parseDurationMs('7d');
  /** Unset: no /metrics. A secret for Prometheus to send as a bearer token; never logged. */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{16,256}$/, {
    message: 'must be 16-256 visible ASCII characters (its value is not shown)',
  })
  METRICS_TOKEN?: string;
  @Duration('1m', '365d', { orZero: true }) @OnlyOnSqliteFile BACKUP_INTERVAL = 0;
  /** Unset: `backups/` beside the database file (see configuration.ts). */
  @IsOptional() @Trim BACKUP_DIR?: string;
  @IntegerIn(1, 10000) BACKUP_KEEP = 14;
}

/** Variables whose value never appears in a message. */
const SECRETS = new Set(['METRICS_TOKEN']);

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.map((problem) => `Invalid config: ${problem}`).join('\n'));
    this.name = 'InvalidConfigError';
  }
}

/**
 * The `validate` function of @nestjs/config (its documented class-validator recipe): every problem
 * at once, one line each, naming the variable, the rule and the value.
 */
export function validateEnv(env: Env): EnvironmentVariables {
  // An empty value means unset, so the default applies.
  const set = Object.entries(env).filter(([, raw]) => raw !== undefined && raw.trim() !== '');
  const variables = plainToInstance(EnvironmentVariables, Object.fromEntries(set));
  const problems = validateSync(variables).map(
    ({ property, constraints = {} }) =>
      `${property} ${Object.values(constraints)[0]}` +
      (SECRETS.has(property) ? '' : ` (got ${JSON.stringify(env[property])})`),
  );
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return variables;
}

/** An invalid URL is refused on its own; the interval is then checked against the default. */
function isMusicBrainzOrg(url: string): boolean {
  return !isHttpUrl(url) || new URL(url).hostname.endsWith('musicbrainz.org');
}

/** A comma-separated allow-list of addresses, compared lowercased; empty means no list. */
function parseEmailList(raw: string): string[] | null {
  const emails = raw
    .split(',')
    .map((email) => email.trim().toLowerCase())
    .filter((email) => email !== '');
  for (const email of emails) {
    if (!EMAIL_ADDRESS.test(email) || email.length > 254) {
      throw new ConfigRuleError(`must list email addresses (bad: ${email})`);
    }
  }
  return emails.length === 0 ? null : emails;
}

function parseCorsOrigins(raw: string): string[] | '*' | null {
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  if (origins.length === 0) return null;
  if (origins.includes('*')) return '*';
  for (const origin of origins) {
    if (!URL.canParse(origin)) {
      throw new ConfigRuleError(`must list origins such as https://app.example (bad: ${origin})`);
    }
    if (new URL(origin).origin !== origin.replace(/\/$/, '')) {
      throw new ConfigRuleError(`must list bare origins without a path (bad: ${origin})`);
    }
  }
  return origins.map((origin) => origin.replace(/\/$/, ''));
}
