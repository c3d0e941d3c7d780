import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { IN_MEMORY, type DatabaseConfig } from './database-url.js';

export const MIN_SECRET_KEY_LENGTH = 32;
export const SECRET_KEY_FILE = '.secret_key';
export const ENV_EXAMPLE_SECRET_KEY = 'replace-me-with-at-least-32-random-characters';

const PLACEHOLDERS = new Set([
  'change-me-in-production',
  'changeme',
  'change-me',
  'change_me',
  'secret',
  'secret-key',
  'secret_key',
  'password',
  'your-secret-key',
  'your_secret_key',
  'your-secret-key-here',
  'supersecret',
  'please-change-me',
  ENV_EXAMPLE_SECRET_KEY,
]);

/** Why a configured key is unfit, or null when it is fine. */
export function secretKeyProblem(key: string): string | null {
  if (key.trim() === '') return 'must not be empty or only whitespace';
  if (PLACEHOLDERS.has(key.trim().toLowerCase())) return 'must not be a known placeholder value';
  if ([...key].length < MIN_SECRET_KEY_LENGTH) {
    return `must be at least ${MIN_SECRET_KEY_LENGTH} characters`;
  }
  return null;
}

export interface GeneratedSecretKey {
  key: string;
  /** Where it was persisted, or null for an in-memory database. */
  file: string | null;
  created: boolean;
}

/**
 * Generates a key once and keeps it beside the database file, so tokens survive restarts without
 * any configuration. Created with O_EXCL: when two processes start together, both end up with the
 * one key that won.
 */
export function loadOrCreateSecretKey(db: DatabaseConfig, cwd = process.cwd()): GeneratedSecretKey {
  if (db.kind === 'sqlite' && db.path === IN_MEMORY) {
    return { key: randomBytes(64).toString('base64url'), file: null, created: true };
  }
  const directory = db.kind === 'sqlite' ? dirname(db.path) : resolve(cwd, 'data');
  const file = join(directory, SECRET_KEY_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= MIN_SECRET_KEY_LENGTH) return { key: existing, file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(directory, { recursive: true });
  const key = randomBytes(64).toString('base64url');
  try {
    writeFileSync(file, `${key}\n`, { flag: 'wx', mode: 0o600 });
    return { key, file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: readFileSync(file, 'utf8').trim(), file, created: false };
  }
}
