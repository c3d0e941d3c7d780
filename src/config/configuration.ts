import { resolve } from 'node:path';
import type { DatabaseConfig } from './database-url.js';
import type { Env } from './env.js';
import { SECOND } from './env-validators.js';
import {
  InvalidConfigError,
  validateEnv,
  type EnvironmentVariables,
  type LogLevel,
  type NODE_ENVS,
  type RegistrationMode,
} from './environment-variables.js';
import { loadOrCreateSecretKey, secretKeyProblem } from './secret-key.js';
import { APP_VERSION } from '../version.js';

export {
  InvalidConfigError,
  LOG_LEVELS,
  NODE_ENVS,
  REGISTRATION_MODES,
  type LogLevel,
  type RegistrationMode,
} from './environment-variables.js';

export interface AppConfig {
  nodeEnv: (typeof NODE_ENVS)[number];
  version: string;
  port: number;
  logLevel: LogLevel;
  /** null: CORS off. */
  corsOrigins: string[] | '*' | null;
  trustProxy: boolean;
  /**
   * How long repeated reads (week detail and list, selections, the signed-in user) may be served
   * from memory; every write through the API ends them at once, so the TTL only bounds how late a
   * change made directly in the database shows. 0 turns the read caches off. Writes by other
   * processes end them too: on SQLite through PRAGMA data_version (OutsideWrites), on PostgreSQL
   * through NOTIFY (ChangeFeed).
   */
  readCacheTtlMs: number;
  /** null: GET /metrics is off. */
  metricsToken: string | null;
}

export interface AuthConfig {
  secretKey: string;
  accessTtlSeconds: number;
  refreshTtlMs: number;
  bcryptRounds: number;
  /** 0 disables throttling. */
  throttleLimit: number;
  throttleTtlMs: number;
  /** Who may register: anyone, holders of an invite code, or nobody. */
  registration: RegistrationMode;
  /** When set (lowercased), only these addresses may register in `open` mode. */
  registrationEmails: string[] | null;
  inviteTtlMs: number;
}

export interface BackupConfig {
  /** 0: no scheduled backups. */
  intervalMs: number;
  /** null: `backups/` beside the database file. */
  dir: string | null;
  keep: number;
}

export interface UpstreamConfig {
  tmdbApiKey: string | null;
  tmdbBaseUrl: string;
  tmdbImageBaseUrl: string;
  musicbrainzBaseUrl: string;
  musicbrainzUserAgent: string;
  musicbrainzMinIntervalMs: number;
  musicbrainzMaxWaitMs: number;
  coverArtBaseUrl: string;
  timeoutMs: number;
  catalogTtlMs: number;
  searchCacheTtlMs: number;
}

/** The whole typed configuration; each top-level key is a namespace read with ConfigService.get. */
export interface Configuration {
  app: AppConfig;
  database: DatabaseConfig;
  auth: AuthConfig;
  upstream: UpstreamConfig;
  backup: BackupConfig;
  /** Logged once at startup. */
  warnings: string[];
}

/**
 * Validates every variable of contract §11 at once (validateEnv), so one start reports every
 * mistake, then maps them into the namespaces. Generating SECRET_KEY (when unset) is the only side
 * effect.
 */
export function loadConfiguration(env: Env): Configuration {
  const vars = validateEnv(env);
  const warnings: string[] = [];
  if (vars.TMDB_API_KEY === null) {
    warnings.push('TMDB_API_KEY is not set: movie search and uncached movie lookups answer 503');
  }
  if (/@example\.com\s*\)$/i.test(vars.MUSICBRAINZ_USER_AGENT)) {
    warnings.push(
      'MUSICBRAINZ_USER_AGENT names an example.com contact; set a real one so MusicBrainz can reach you',
    );
  }
  const secretKey = readSecretKey(env.SECRET_KEY, vars, warnings);
  return {
    app: {
      nodeEnv: vars.NODE_ENV,
      version: APP_VERSION,
      port: vars.PORT,
      logLevel: vars.LOG_LEVEL,
      corsOrigins: vars.CORS_ORIGINS,
      trustProxy: vars.TRUST_PROXY,
      readCacheTtlMs: vars.READ_CACHE_TTL ?? 5 * SECOND,
      metricsToken: vars.METRICS_TOKEN ?? null,
    },
    database: vars.DATABASE_URL,
    auth: {
      secretKey,
      accessTtlSeconds: Math.floor(vars.JWT_ACCESS_TTL / SECOND),
      refreshTtlMs: vars.JWT_REFRESH_TTL,
      bcryptRounds: vars.BCRYPT_ROUNDS,
      throttleLimit: vars.THROTTLE_LIMIT,
      throttleTtlMs: vars.THROTTLE_TTL,
      registration: vars.REGISTRATION,
      registrationEmails: vars.REGISTRATION_EMAILS,
      inviteTtlMs: vars.INVITE_TTL,
    },
    upstream: {
      tmdbApiKey: vars.TMDB_API_KEY,
      tmdbBaseUrl: vars.TMDB_BASE_URL,
      tmdbImageBaseUrl: vars.TMDB_IMAGE_BASE_URL,
      musicbrainzBaseUrl: vars.MUSICBRAINZ_BASE_URL,
      musicbrainzUserAgent: vars.MUSICBRAINZ_USER_AGENT,
      musicbrainzMinIntervalMs: vars.MUSICBRAINZ_MIN_INTERVAL,
      musicbrainzMaxWaitMs: vars.MUSICBRAINZ_MAX_WAIT,
      coverArtBaseUrl: vars.COVERART_BASE_URL,
      timeoutMs: vars.UPSTREAM_TIMEOUT,
      catalogTtlMs: vars.CATALOG_TTL,
      searchCacheTtlMs: vars.SEARCH_CACHE_TTL,
    },
    backup: {
      intervalMs: vars.BACKUP_INTERVAL,
      dir: vars.BACKUP_DIR ? resolve(vars.BACKUP_DIR) : null,
      keep: vars.BACKUP_KEEP,
    },
    warnings,
  };
}

/**
 * Hand-made, because whitespace counts here (an all-blank key is refused, not unset), the rule
 * depends on NODE_ENV, the value never appears in a message, and an unset key is generated.
 */
function readSecretKey(
  configured: string | undefined,
  vars: EnvironmentVariables,
  warnings: string[],
): string {
  if (configured === undefined || configured === '') {
    const generated = loadOrCreateSecretKey(vars.DATABASE_URL);
    warnings.push(
      generated.file === null
        ? 'SECRET_KEY is not set: using a random key for this in-memory run; tokens end with the process'
        : `SECRET_KEY is not set: using the generated key in ${generated.file}${generated.created ? ' (created now)' : ''}`,
    );
    return generated.key;
  }
  const problem = secretKeyProblem(configured);
  if (problem !== null && vars.NODE_ENV === 'production') {
    throw new InvalidConfigError([`SECRET_KEY ${problem} (its value is not shown)`]);
  }
  if (problem !== null) warnings.push(`SECRET_KEY ${problem}; this is refused in production`);
  return configured;
}
