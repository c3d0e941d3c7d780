import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidConfigError, loadConfiguration, type Configuration } from './configuration.js';
import type { Env } from './env.js';
import { ENV_EXAMPLE_SECRET_KEY } from './secret-key.js';

const VALID_KEY = 'a-perfectly-fine-secret-key-0123456789abcdef';
const BASE: Env = { DATABASE_URL: ':memory:', SECRET_KEY: VALID_KEY };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function load(overrides: Env = {}): Configuration {
  return loadConfiguration({ ...BASE, ...overrides });
}

/** The InvalidConfigError thrown for `overrides`; fails when none is thrown. */
function failure(overrides: Env): InvalidConfigError {
  try {
    load(overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error(`expected an InvalidConfigError for ${JSON.stringify(overrides)}`);
}

describe(loadConfiguration.name, () => {
  describe('defaults (contract §11)', () => {
    it('fills every variable with its documented default', () => {
      const config = load();
      expect(config.app).toEqual({
        nodeEnv: 'development',
        version: '0.1.0',
        port: 8000,
        logLevel: 'info',
        corsOrigins: null,
        trustProxy: false,
        readCacheTtlMs: 5000,
        metricsToken: null,
      });
      expect(config.auth).toEqual({
        secretKey: VALID_KEY,
        accessTtlSeconds: 1800,
        refreshTtlMs: 14 * DAY,
        bcryptRounds: 12,
        throttleLimit: 10,
        throttleTtlMs: 60 * SECOND,
        registration: 'open',
        registrationEmails: null,
        inviteTtlMs: 7 * DAY,
      });
      expect(config.upstream).toEqual({
        tmdbApiKey: null,
        tmdbBaseUrl: 'https://api.themoviedb.org/3',
        tmdbImageBaseUrl: 'https://image.tmdb.org/t/p',
        musicbrainzBaseUrl: 'https://musicbrainz.org/ws/2',
        musicbrainzUserAgent: 'WrongOpinions/0.1.0 ( wrong-opinions@example.com )',
        musicbrainzMinIntervalMs: SECOND,
        musicbrainzMaxWaitMs: 10 * SECOND,
        coverArtBaseUrl: 'https://coverartarchive.org',
        timeoutMs: 10 * SECOND,
        catalogTtlMs: 7 * DAY,
        searchCacheTtlMs: 10 * MINUTE,
      });
      expect(config.database).toEqual({ kind: 'sqlite', path: ':memory:' });
      expect(config.backup).toEqual({ intervalMs: 0, dir: null, keep: 14 });
    });

    it('defaults DATABASE_URL to ./data/wrong_opinions.db from the working directory', () => {
      const config = loadConfiguration({ SECRET_KEY: VALID_KEY });
      expect(config.database).toEqual({
        kind: 'sqlite',
        path: resolve(process.cwd(), 'data/wrong_opinions.db'),
      });
    });

    it('treats empty values as unset', () => {
      const config = load({ PORT: '', JWT_ACCESS_TTL: '', CORS_ORIGINS: '' });
      expect(config.app.port).toBe(8000);
      expect(config.auth.accessTtlSeconds).toBe(1800);
      expect(config.app.corsOrigins).toBeNull();
    });

    it('ignores unknown variables', () => {
      expect(() => load({ SOMETHING_ELSE: 'whatever', PATH: '/bin' })).not.toThrow();
    });

    it('warns when TMDB_API_KEY is unset, and not when it is set', () => {
      expect(load().warnings).toContainEqual(expect.stringContaining('TMDB_API_KEY'));
      const configured = load({ TMDB_API_KEY: 'abc123def456' });
      expect(configured.upstream.tmdbApiKey).toBe('abc123def456');
      expect(configured.warnings.join('\n')).not.toContain('TMDB_API_KEY');
    });

    it('accepts every documented NODE_ENV and LOG_LEVEL', () => {
      for (const nodeEnv of ['development', 'production', 'test'] as const) {
        expect(load({ NODE_ENV: nodeEnv }).app.nodeEnv).toBe(nodeEnv);
      }
      for (const level of ['error', 'warn', 'info', 'debug'] as const) {
        expect(load({ LOG_LEVEL: level }).app.logLevel).toBe(level);
      }
    });

    it('reads TRUST_PROXY, PORT, BCRYPT_ROUNDS and THROTTLE_LIMIT', () => {
      const config = load({
        TRUST_PROXY: 'true',
        PORT: '65535',
        BCRYPT_ROUNDS: '4',
        THROTTLE_LIMIT: '0',
      });
      expect(config.app.trustProxy).toBe(true);
      expect(config.app.port).toBe(65535);
      expect(config.auth.bcryptRounds).toBe(4);
      expect(config.auth.throttleLimit).toBe(0);
      expect(load({ TRUST_PROXY: 'false' }).app.trustProxy).toBe(false);
      expect(load({ PORT: '1', BCRYPT_ROUNDS: '15', THROTTLE_LIMIT: '10000' })).toMatchObject({
        app: { port: 1 },
        auth: { bcryptRounds: 15, throttleLimit: 10000 },
      });
    });
  });

  describe('READ_CACHE_TTL', () => {
    it('is 5s on SQLite and on PostgreSQL alike, where NOTIFY tells every instance of writes', () => {
      expect(load().app.readCacheTtlMs).toBe(5000);
      expect(load({ DATABASE_URL: 'postgres://localhost/test' }).app.readCacheTtlMs).toBe(5000);
    });

    it('takes 0 to 1h either way', () => {
      expect(load({ READ_CACHE_TTL: '0' }).app.readCacheTtlMs).toBe(0);
      expect(load({ READ_CACHE_TTL: '1h' }).app.readCacheTtlMs).toBe(3_600_000);
      expect(
        load({ DATABASE_URL: 'postgres://localhost/test', READ_CACHE_TTL: '2s' }).app
          .readCacheTtlMs,
      ).toBe(2000);
    });
  });

  describe('registration (issue #13)', () => {
    it('reads REGISTRATION (any case), REGISTRATION_EMAILS (trimmed, lowercased) and INVITE_TTL', () => {
      const { auth } = load({
        REGISTRATION: 'Invite',
        REGISTRATION_EMAILS: ' Alice@Example.org, ,bob@example.org ',
        INVITE_TTL: '2d',
      });
      expect(auth).toMatchObject({
        registration: 'invite',
        registrationEmails: ['alice@example.org', 'bob@example.org'],
        inviteTtlMs: 2 * DAY,
      });
      expect(load({ REGISTRATION: 'closed' }).auth.registration).toBe('closed');
    });

    it('reads METRICS_TOKEN, and never shows it in a message', () => {
      const token = 'a-metrics-token-of-some-length';
      expect(load({ METRICS_TOKEN: token }).app.metricsToken).toBe(token);
      const error = failure({ METRICS_TOKEN: 'short secret' });
      expect(error.problems).toEqual([
        'METRICS_TOKEN must be 16-256 visible ASCII characters (its value is not shown)',
      ]);
      expect(error.message).not.toContain('short secret');
    });

    it('refuses an unknown mode, a bad address and an INVITE_TTL out of 1m–365d', () => {
      expect(
        failure({
          REGISTRATION: 'friends',
          REGISTRATION_EMAILS: 'a@example.org,nope',
          INVITE_TTL: '30s',
        }).problems,
      ).toEqual([
        'REGISTRATION must be one of open, invite, closed (got "friends")',
        'REGISTRATION_EMAILS must list email addresses (bad: nope) (got "a@example.org,nope")',
        'INVITE_TTL must be between 1m and 365d (got "30s")',
      ]);
    });
  });

  describe('scheduled backups (portability.md §2.4)', () => {
    const FILE = { DATABASE_URL: '/srv/wo/wrong_opinions.db' };

    it('reads BACKUP_INTERVAL, BACKUP_DIR (resolved) and BACKUP_KEEP', () => {
      expect(
        load({ ...FILE, BACKUP_INTERVAL: '1d', BACKUP_DIR: 'snapshots', BACKUP_KEEP: '3' }).backup,
      ).toEqual({
        intervalMs: DAY,
        dir: resolve('snapshots'),
        keep: 3,
      });
      expect(load({ ...FILE, BACKUP_INTERVAL: '1m' }).backup.intervalMs).toBe(MINUTE);
    });

    it('takes 0 (off) or 1m to 365d, and 1 to 10000 backups', () => {
      expect(failure({ ...FILE, BACKUP_INTERVAL: '30s' }).problems).toEqual([
        'BACKUP_INTERVAL must be 0 (off) or between 1m and 365d (got "30s")',
      ]);
      expect(failure({ ...FILE, BACKUP_KEEP: '0' }).problems).toEqual([
        'BACKUP_KEEP must be an integer 1-10000 (got "0")',
      ]);
    });

    it('needs a SQLite file: PostgreSQL has pg_dump, and memory has nothing to keep', () => {
      for (const DATABASE_URL of ['postgres://localhost/test', ':memory:']) {
        expect(failure({ DATABASE_URL, BACKUP_INTERVAL: '1d' }).problems).toEqual([
          'BACKUP_INTERVAL needs a SQLite database file (back up PostgreSQL with pg_dump) (got "1d")',
        ]);
        expect(load({ DATABASE_URL, BACKUP_INTERVAL: '0' }).backup.intervalMs).toBe(0);
      }
    });
  });

  describe('invalid values', () => {
    it('names the variable, the rule and the value', () => {
      const error = failure({ PORT: '80a' });
      expect(error.name).toBe('InvalidConfigError');
      expect(error.message).toContain(
        'Invalid config: PORT must be an integer 1-65535 (got "80a")',
      );
    });

    it.each([
      ['NODE_ENV', 'staging'],
      ['PORT', '0'],
      ['PORT', '65536'],
      ['PORT', '-1'],
      ['PORT', '8000.5'],
      ['BCRYPT_ROUNDS', '3'],
      ['BCRYPT_ROUNDS', '16'],
      ['BCRYPT_ROUNDS', 'twelve'],
      ['JWT_ACCESS_TTL', '0'],
      ['JWT_ACCESS_TTL', '0.5'],
      ['JWT_ACCESS_TTL', '86401'],
      ['JWT_ACCESS_TTL', '2d'],
      ['JWT_ACCESS_TTL', '5x'],
      ['JWT_REFRESH_TTL', '366d'],
      ['JWT_REFRESH_TTL', '500ms'],
      ['JWT_REFRESH_TTL', '-5s'],
      ['THROTTLE_LIMIT', '-1'],
      ['THROTTLE_LIMIT', '10001'],
      ['THROTTLE_TTL', '0'],
      ['THROTTLE_TTL', '25h'],
      ['TRUST_PROXY', 'yes'],
      ['LOG_LEVEL', 'verbose'],
      ['TMDB_BASE_URL', 'ftp://api.themoviedb.org/3'],
      ['TMDB_BASE_URL', 'not a url'],
      ['TMDB_IMAGE_BASE_URL', 'ftp://image.tmdb.org/t/p'],
      ['MUSICBRAINZ_BASE_URL', 'ftp://musicbrainz.org/ws/2'],
      ['COVERART_BASE_URL', 'ftp://coverartarchive.org'],
      ['MUSICBRAINZ_USER_AGENT', 'curl'],
      ['MUSICBRAINZ_USER_AGENT', 'WrongOpinions/1.0'],
      ['MUSICBRAINZ_USER_AGENT', 'WrongOpinions (me@example.org)'],
      ['MUSICBRAINZ_USER_AGENT', 'WrongOpinions/1.0 ()'],
      ['MUSICBRAINZ_MIN_INTERVAL', '11s'],
      ['MUSICBRAINZ_MIN_INTERVAL', 'soon'],
      ['MUSICBRAINZ_MAX_WAIT', '61s'],
      ['UPSTREAM_TIMEOUT', '99ms'],
      ['UPSTREAM_TIMEOUT', '121s'],
      ['CATALOG_TTL', '0'],
      ['CATALOG_TTL', '366d'],
      ['SEARCH_CACHE_TTL', '2d'],
      ['SEARCH_CACHE_TTL', '10 minutes'],
      ['CORS_ORIGINS', 'not an origin'],
      ['READ_CACHE_TTL', '61m'],
      ['READ_CACHE_TTL', '-1s'],
      ['READ_CACHE_TTL', 'on'],
    ])('refuses %s=%j', (name, value) => {
      const error = failure({ [name]: value });
      expect(error.message).toContain(`Invalid config: ${name} `);
      expect(error.message).toContain(`(got ${JSON.stringify(value)})`);
      expect(error.message.split('\n')).toHaveLength(1);
    });

    it('reports every invalid value at once', () => {
      const error = failure({
        PORT: '80a',
        BCRYPT_ROUNDS: '99',
        LOG_LEVEL: 'loud',
        CATALOG_TTL: '5x',
      });
      expect(error.problems).toHaveLength(4);
      for (const name of ['PORT', 'BCRYPT_ROUNDS', 'LOG_LEVEL', 'CATALOG_TTL']) {
        expect(error.message).toContain(`Invalid config: ${name} `);
      }
    });
  });

  describe('durations', () => {
    const pick: Record<string, (config: Configuration) => number> = {
      UPSTREAM_TIMEOUT: (config) => config.upstream.timeoutMs,
      CATALOG_TTL: (config) => config.upstream.catalogTtlMs,
      THROTTLE_TTL: (config) => config.auth.throttleTtlMs,
      JWT_REFRESH_TTL: (config) => config.auth.refreshTtlMs,
    };

    it.each([
      ['UPSTREAM_TIMEOUT', '0.5', 500],
      ['UPSTREAM_TIMEOUT', '1500ms', 1500],
      ['UPSTREAM_TIMEOUT', '45', 45 * SECOND],
      ['UPSTREAM_TIMEOUT', '2.5s', 2500],
      ['UPSTREAM_TIMEOUT', '100ms', 100],
      ['UPSTREAM_TIMEOUT', '120s', 120 * SECOND],
      ['UPSTREAM_TIMEOUT', '2m', 2 * MINUTE],
      ['THROTTLE_TTL', '30m', 30 * MINUTE],
      ['CATALOG_TTL', '2h', 2 * HOUR],
      ['CATALOG_TTL', '1d', DAY],
      ['JWT_REFRESH_TTL', '14d', 14 * DAY],
      ['JWT_REFRESH_TTL', '365d', 365 * DAY],
      ['JWT_REFRESH_TTL', '1s', SECOND],
    ])('reads %s=%j as %i ms', (name, raw, ms) => {
      expect(pick[name](load({ [name]: raw }))).toBe(ms);
    });

    it('turns JWT_ACCESS_TTL into accessTtlSeconds', () => {
      expect(load({ JWT_ACCESS_TTL: '15m' }).auth.accessTtlSeconds).toBe(900);
      expect(load({ JWT_ACCESS_TTL: '45' }).auth.accessTtlSeconds).toBe(45);
      expect(load({ JWT_ACCESS_TTL: '1s' }).auth.accessTtlSeconds).toBe(1);
      expect(load({ JWT_ACCESS_TTL: '1d' }).auth.accessTtlSeconds).toBe(86400);
      expect(load({ JWT_ACCESS_TTL: '24h' }).auth.accessTtlSeconds).toBe(86400);
      expect(load({ JWT_ACCESS_TTL: '2500ms' }).auth.accessTtlSeconds).toBe(2);
    });

    it('allows 0 where the range starts at 0', () => {
      const config = load({
        SEARCH_CACHE_TTL: '0',
        MUSICBRAINZ_MAX_WAIT: '0',
        MUSICBRAINZ_BASE_URL: 'http://127.0.0.1:1234',
        MUSICBRAINZ_MIN_INTERVAL: '0',
      });
      expect(config.upstream.searchCacheTtlMs).toBe(0);
      expect(config.upstream.musicbrainzMaxWaitMs).toBe(0);
      expect(config.upstream.musicbrainzMinIntervalMs).toBe(0);
    });

    it('accepts the upper bounds', () => {
      const config = load({
        SEARCH_CACHE_TTL: '1d',
        MUSICBRAINZ_MAX_WAIT: '60s',
        MUSICBRAINZ_MIN_INTERVAL: '10s',
        THROTTLE_TTL: '1d',
        CATALOG_TTL: '365d',
      });
      expect(config.upstream.searchCacheTtlMs).toBe(DAY);
      expect(config.upstream.musicbrainzMaxWaitMs).toBe(60 * SECOND);
      expect(config.upstream.musicbrainzMinIntervalMs).toBe(10 * SECOND);
      expect(config.auth.throttleTtlMs).toBe(DAY);
      expect(config.upstream.catalogTtlMs).toBe(365 * DAY);
    });
  });

  describe('MusicBrainz', () => {
    it('refuses MUSICBRAINZ_MIN_INTERVAL below 1s against musicbrainz.org', () => {
      const error = failure({ MUSICBRAINZ_MIN_INTERVAL: '0.5' });
      expect(error.message).toContain('Invalid config: MUSICBRAINZ_MIN_INTERVAL ');
      expect(error.message).toContain('(got "0.5")');
      expect(() =>
        load({
          MUSICBRAINZ_BASE_URL: 'https://musicbrainz.org/ws/2/',
          MUSICBRAINZ_MIN_INTERVAL: '999ms',
        }),
      ).toThrow(InvalidConfigError);
    });

    it('allows exactly 1s against musicbrainz.org', () => {
      expect(load({ MUSICBRAINZ_MIN_INTERVAL: '1000ms' }).upstream.musicbrainzMinIntervalMs).toBe(
        SECOND,
      );
    });

    it('allows a shorter interval against another host (a fake upstream)', () => {
      const config = load({
        MUSICBRAINZ_BASE_URL: 'http://127.0.0.1:1234',
        MUSICBRAINZ_MIN_INTERVAL: '0.5',
      });
      expect(config.upstream.musicbrainzBaseUrl).toBe('http://127.0.0.1:1234');
      expect(config.upstream.musicbrainzMinIntervalMs).toBe(500);
    });

    it.each(['WrongOpinions/1.0 (me@example.org)', 'WrongOpinions/0.1.0 ( ops@x.example )'])(
      'accepts the User-Agent %j',
      (userAgent) => {
        const config = load({ MUSICBRAINZ_USER_AGENT: userAgent });
        expect(config.upstream.musicbrainzUserAgent).toBe(userAgent);
        expect(config.warnings.join('\n')).not.toContain('MUSICBRAINZ_USER_AGENT');
      },
    );

    it('warns about an example.com contact (the default included)', () => {
      expect(load().warnings).toContainEqual(expect.stringContaining('MUSICBRAINZ_USER_AGENT'));
      const custom = load({ MUSICBRAINZ_USER_AGENT: 'MyApp/2.0 ( someone@example.com )' });
      expect(custom.upstream.musicbrainzUserAgent).toBe('MyApp/2.0 ( someone@example.com )');
      expect(custom.warnings).toContainEqual(expect.stringContaining('MUSICBRAINZ_USER_AGENT'));
    });
  });

  describe('base URLs', () => {
    it('drops a trailing slash', () => {
      const config = load({
        TMDB_BASE_URL: 'https://tmdb.example/3/',
        TMDB_IMAGE_BASE_URL: 'https://img.example/t/p/',
        MUSICBRAINZ_BASE_URL: 'http://127.0.0.1:1234/ws/2/',
        COVERART_BASE_URL: 'http://127.0.0.1:5678/',
      });
      expect(config.upstream.tmdbBaseUrl).toBe('https://tmdb.example/3');
      expect(config.upstream.tmdbImageBaseUrl).toBe('https://img.example/t/p');
      expect(config.upstream.musicbrainzBaseUrl).toBe('http://127.0.0.1:1234/ws/2');
      expect(config.upstream.coverArtBaseUrl).toBe('http://127.0.0.1:5678');
    });

    it('keeps URLs without a trailing slash as they are', () => {
      expect(load({ TMDB_BASE_URL: 'http://localhost:9000/3' }).upstream.tmdbBaseUrl).toBe(
        'http://localhost:9000/3',
      );
    });
  });

  describe('CORS_ORIGINS', () => {
    it('reads a comma-separated list', () => {
      expect(
        load({ CORS_ORIGINS: 'https://a.example,http://localhost:5173' }).app.corsOrigins,
      ).toEqual(['https://a.example', 'http://localhost:5173']);
    });

    it('trims the entries', () => {
      expect(
        load({ CORS_ORIGINS: ' https://a.example , https://b.example ' }).app.corsOrigins,
      ).toEqual(['https://a.example', 'https://b.example']);
    });

    it('reads * as any origin', () => {
      expect(load({ CORS_ORIGINS: '*' }).app.corsOrigins).toBe('*');
    });
  });

  describe('DATABASE_URL (note 1)', () => {
    const cwd = process.cwd();

    it.each([
      [
        'postgres://wo:pw@db.internal:5432/wrong',
        { kind: 'postgres', url: 'postgres://wo:pw@db.internal:5432/wrong' },
      ],
      [
        'postgresql://wo:pw@db.internal/wrong',
        { kind: 'postgres', url: 'postgresql://wo:pw@db.internal/wrong' },
      ],
      [':memory:', { kind: 'sqlite', path: ':memory:' }],
      ['sqlite::memory:', { kind: 'sqlite', path: ':memory:' }],
      ['sqlite:///rel.db', { kind: 'sqlite', path: resolve(cwd, 'rel.db') }],
      ['sqlite:///data/sub/rel.db', { kind: 'sqlite', path: resolve(cwd, 'data/sub/rel.db') }],
      ['sqlite:////abs/x.db', { kind: 'sqlite', path: '/abs/x.db' }],
      ['sqlite:rel.db', { kind: 'sqlite', path: resolve(cwd, 'rel.db') }],
      ['file:/abs/x.db', { kind: 'sqlite', path: '/abs/x.db' }],
      ['file:///abs/x.db', { kind: 'sqlite', path: '/abs/x.db' }],
      ['file:rel.db', { kind: 'sqlite', path: resolve(cwd, 'rel.db') }],
      ['sqlite+pysqlite:///x.db', { kind: 'sqlite', path: resolve(cwd, 'x.db') }],
      ['sqlite+aiosqlite:////abs/x.db', { kind: 'sqlite', path: '/abs/x.db' }],
      ['./data/app.db', { kind: 'sqlite', path: resolve(cwd, 'data/app.db') }],
      ['data/app.db', { kind: 'sqlite', path: resolve(cwd, 'data/app.db') }],
      ['/var/lib/wo/app.db', { kind: 'sqlite', path: '/var/lib/wo/app.db' }],
    ])('reads %j', (url, expected) => {
      expect(load({ DATABASE_URL: url }).database).toEqual(expected);
    });
  });

  describe('SECRET_KEY (note 2)', () => {
    const tooShort = 'short-but-distinctive-key-42';

    it.each([
      ['too short', tooShort],
      ['only whitespace', ' '.repeat(40)],
      ['a placeholder', 'change-me-in-production'],
      ['"changeme"', 'changeme'],
      ['"secret"', 'secret'],
      ['"password"', 'password'],
      ['"your-secret-key"', 'your-secret-key'],
      ['the .env.example value', ENV_EXAMPLE_SECRET_KEY],
    ])('is %s: a warning in development', (_name, key) => {
      const config = load({ SECRET_KEY: key });
      expect(config.auth.secretKey).toBe(key);
      expect(config.warnings).toContainEqual(expect.stringContaining('SECRET_KEY'));
    });

    it.each([
      ['too short', tooShort],
      ['only whitespace', ' '.repeat(40)],
      ['a placeholder', 'change-me-in-production'],
      ['the .env.example value', ENV_EXAMPLE_SECRET_KEY],
    ])('is %s: refused in production, without echoing the key', (_name, key) => {
      const error = failure({ NODE_ENV: 'production', SECRET_KEY: key });
      expect(error.message).toContain('Invalid config: SECRET_KEY ');
      if (key.trim() !== '') expect(error.message).not.toContain(key);
    });

    it('is only a warning in test', () => {
      expect(load({ NODE_ENV: 'test', SECRET_KEY: tooShort }).warnings).toContainEqual(
        expect.stringContaining('SECRET_KEY'),
      );
    });

    it('accepts a 32-character key in production without a warning', () => {
      const key = 'k'.repeat(16) + '0123456789abcdef';
      const config = load({ NODE_ENV: 'production', SECRET_KEY: key });
      expect(config.auth.secretKey).toBe(key);
      expect(config.warnings.join('\n')).not.toContain('SECRET_KEY');
    });

    describe('when unset', () => {
      let dir: string;
      const originalCwd = process.cwd();

      beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), 'wo-secret-'));
      });

      afterEach(() => {
        process.chdir(originalCwd);
        rmSync(dir, { recursive: true, force: true });
      });

      it('generates a key once beside the SQLite file (mode 600) and reuses it', () => {
        const env = { DATABASE_URL: join(dir, 'nested', 'app.db') };
        const first = loadConfiguration(env);
        const file = join(dir, 'nested', '.secret_key');
        expect(existsSync(file)).toBe(true);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(first.auth.secretKey.length).toBeGreaterThanOrEqual(64);
        expect(readFileSync(file, 'utf8').trim()).toBe(first.auth.secretKey);
        expect(first.warnings).toContainEqual(expect.stringContaining('SECRET_KEY'));

        const second = loadConfiguration(env);
        expect(second.auth.secretKey).toBe(first.auth.secretKey);
        expect(second.warnings).toContainEqual(expect.stringContaining('SECRET_KEY'));
      });

      it('never writes the generated key into a warning', () => {
        const config = loadConfiguration({ DATABASE_URL: join(dir, 'app.db') });
        expect(config.warnings.join('\n')).not.toContain(config.auth.secretKey);
      });

      it('keeps the key in ./data/ for PostgreSQL', () => {
        process.chdir(dir);
        const first = loadConfiguration({ DATABASE_URL: 'postgres://wo:pw@db.internal/wrong' });
        const file = join(dir, 'data', '.secret_key');
        expect(readFileSync(file, 'utf8').trim()).toBe(first.auth.secretKey);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const second = loadConfiguration({ DATABASE_URL: 'postgres://wo:pw@db.internal/wrong' });
        expect(second.auth.secretKey).toBe(first.auth.secretKey);
      });

      it('does not persist the key for :memory:', () => {
        process.chdir(dir);
        const first = loadConfiguration({ DATABASE_URL: ':memory:' });
        const second = loadConfiguration({ DATABASE_URL: ':memory:' });
        expect(first.auth.secretKey.length).toBeGreaterThanOrEqual(64);
        expect(second.auth.secretKey).not.toBe(first.auth.secretKey);
        expect(first.warnings).toContainEqual(expect.stringContaining('SECRET_KEY'));
        expect(existsSync(join(dir, '.secret_key'))).toBe(false);
        expect(existsSync(join(dir, 'data'))).toBe(false);
      });

      it('still refuses invalid values before generating a key', () => {
        const error = failure({
          SECRET_KEY: undefined,
          DATABASE_URL: join(dir, 'app.db'),
          PORT: 'x',
        });
        expect(error.message).toContain('Invalid config: PORT ');
        expect(existsSync(join(dir, '.secret_key'))).toBe(false);
      });
    });
  });
});
