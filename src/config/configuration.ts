import { APP_VERSION } from '../version.js';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl, type DatabaseConfig } from './database-url.js';
import type { Env } from './env.js';
import {
  booleanFlag,
  ConfigRuleError,
  DAY,
  durationInRange,
  httpUrl,
  integerInRange,
  oneOf,
  SECOND,
} from './parsers.js';
import { loadOrCreateSecretKey, secretKeyProblem } from './secret-key.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
   * change made directly in the database shows. 0 turns the read caches off. Per process, so on by
   * default only for SQLite, where this process is the only writer: several processes sharing one
   * PostgreSQL would not see each other's writes.
   */
  readCacheTtlMs: number;
}

export interface AuthConfig {
  secretKey: string;
  accessTtlSeconds: number;
  refreshTtlMs: number;
  bcryptRounds: number;
  /** 0 disables throttling. */
  throttleLimit: number;
  throttleTtlMs: number;
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
  /** Logged once at startup. */
  warnings: string[];
}

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.map((problem) => `Invalid config: ${problem}`).join('\n'));
    this.name = 'InvalidConfigError';
  }
}

const USER_AGENT_PATTERN = /^[A-Za-z0-9][\w.-]*\/[\w.+-]+ \( ?[^()\s][^()]*? ?\)$/;

/**
 * Parses and validates every variable of contract §11 at once, so one start reports every mistake.
 * Generating SECRET_KEY (when unset) is the only side effect.
 */
export function loadConfiguration(env: Env): Configuration {
  const problems: string[] = [];
  const warnings: string[] = [];

  function read<T>(name: string, fallback: string, parse: (raw: string) => T): T {
    const raw = env[name];
    const value = raw === undefined || raw.trim() === '' ? fallback : raw;
    try {
      return parse(value);
    } catch (error) {
      if (!(error instanceof ConfigRuleError)) throw error;
      problems.push(`${name} ${error.message} (got ${JSON.stringify(raw)})`);
      return parse(fallback);
    }
  }

  const nodeEnv = read('NODE_ENV', 'development', (raw) => oneOf(raw, NODE_ENVS));
  const database = read('DATABASE_URL', DEFAULT_DATABASE_URL, (raw) => parseDatabaseUrl(raw));

  const app: AppConfig = {
    nodeEnv,
    version: APP_VERSION,
    port: read('PORT', '8000', (raw) => integerInRange(raw, 1, 65535)),
    logLevel: read('LOG_LEVEL', 'info', (raw) => oneOf(raw.toLowerCase(), LOG_LEVELS)),
    corsOrigins: read('CORS_ORIGINS', '', parseCorsOrigins),
    trustProxy: read('TRUST_PROXY', 'false', booleanFlag),
    readCacheTtlMs: read('READ_CACHE_TTL', database.kind === 'sqlite' ? '5s' : '0', (raw) =>
      durationInRange(raw, 0, 3600 * SECOND),
    ),
  };

  const auth: AuthConfig = {
    secretKey: '',
    accessTtlSeconds: Math.floor(
      read('JWT_ACCESS_TTL', '30m', (raw) => durationInRange(raw, SECOND, DAY)) / SECOND,
    ),
    refreshTtlMs: read('JWT_REFRESH_TTL', '14d', (raw) => durationInRange(raw, SECOND, 365 * DAY)),
    bcryptRounds: read('BCRYPT_ROUNDS', '12', (raw) => integerInRange(raw, 4, 15)),
    throttleLimit: read('THROTTLE_LIMIT', '10', (raw) => integerInRange(raw, 0, 10000)),
    throttleTtlMs: read('THROTTLE_TTL', '60s', (raw) => durationInRange(raw, SECOND, DAY)),
  };

  const musicbrainzBaseUrl = read('MUSICBRAINZ_BASE_URL', 'https://musicbrainz.org/ws/2', httpUrl);
  const defaultUserAgent = `WrongOpinions/${APP_VERSION} ( wrong-opinions@example.com )`;
  const upstream: UpstreamConfig = {
    tmdbApiKey: env.TMDB_API_KEY?.trim() || null,
    tmdbBaseUrl: read('TMDB_BASE_URL', 'https://api.themoviedb.org/3', httpUrl),
    tmdbImageBaseUrl: read('TMDB_IMAGE_BASE_URL', 'https://image.tmdb.org/t/p', httpUrl),
    musicbrainzBaseUrl,
    musicbrainzUserAgent: read('MUSICBRAINZ_USER_AGENT', defaultUserAgent, parseUserAgent),
    musicbrainzMinIntervalMs: read('MUSICBRAINZ_MIN_INTERVAL', '1s', (raw) => {
      const ms = durationInRange(raw, 0, 10 * SECOND);
      if (ms < SECOND && new URL(musicbrainzBaseUrl).hostname.endsWith('musicbrainz.org')) {
        throw new ConfigRuleError(
          'must be at least 1s when MUSICBRAINZ_BASE_URL is musicbrainz.org',
        );
      }
      return ms;
    }),
    musicbrainzMaxWaitMs: read('MUSICBRAINZ_MAX_WAIT', '10s', (raw) =>
      durationInRange(raw, 0, 60 * SECOND),
    ),
    coverArtBaseUrl: read('COVERART_BASE_URL', 'https://coverartarchive.org', httpUrl),
    timeoutMs: read('UPSTREAM_TIMEOUT', '10s', (raw) => durationInRange(raw, 100, 120 * SECOND)),
    catalogTtlMs: read('CATALOG_TTL', '7d', (raw) => durationInRange(raw, SECOND, 365 * DAY)),
    searchCacheTtlMs: read('SEARCH_CACHE_TTL', '10m', (raw) => durationInRange(raw, 0, DAY)),
  };

  if (upstream.tmdbApiKey === null) {
    warnings.push('TMDB_API_KEY is not set: movie search and uncached movie lookups answer 503');
  }
  if (/@example\.com\s*\)$/i.test(upstream.musicbrainzUserAgent)) {
    warnings.push(
      'MUSICBRAINZ_USER_AGENT names an example.com contact; set a real one so MusicBrainz can reach you',
    );
  }

  if (problems.length > 0) throw new InvalidConfigError(problems);

  const configuredKey = env.SECRET_KEY;
  if (configuredKey === undefined || configuredKey === '') {
    const generated = loadOrCreateSecretKey(database);
    auth.secretKey = generated.key;
    warnings.push(
      generated.file === null
        ? 'SECRET_KEY is not set: using a random key for this in-memory run; tokens end with the process'
        : `SECRET_KEY is not set: using the generated key in ${generated.file}${generated.created ? ' (created now)' : ''}`,
    );
  } else {
    const problem = secretKeyProblem(configuredKey);
    if (problem !== null && nodeEnv === 'production') {
      throw new InvalidConfigError([`SECRET_KEY ${problem} (its value is not shown)`]);
    }
    if (problem !== null) warnings.push(`SECRET_KEY ${problem}; this is refused in production`);
    auth.secretKey = configuredKey;
  }

  return { app, database, auth, upstream, warnings };
}

function parseCorsOrigins(raw: string): string[] | '*' | null {
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  if (origins.length === 0) return null;
  if (origins.includes('*')) return '*';
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigRuleError(`must list origins such as https://app.example (bad: ${origin})`);
    }
    if (url.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigRuleError(`must list bare origins without a path (bad: ${origin})`);
    }
  }
  return origins.map((origin) => origin.replace(/\/$/, ''));
}

function parseUserAgent(raw: string): string {
  const value = raw.trim();
  if (!USER_AGENT_PATTERN.test(value)) {
    throw new ConfigRuleError('must look like Name/version ( contact )');
  }
  return value;
}
