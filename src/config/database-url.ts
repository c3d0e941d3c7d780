import { resolve } from 'node:path';
import { ConfigRuleError } from './env-validators.js';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string } // an absolute file path, or ':memory:'
  | { kind: 'postgres'; url: string };

export const IN_MEMORY = ':memory:';
export const DEFAULT_DATABASE_URL = './data/wrong_opinions.db';

/**
 * Reads DATABASE_URL (contract §11 note 1). SQLAlchemy-style URLs from the old backend keep working:
 * `sqlite:///rel/path.db` is relative and `sqlite:////abs/path.db` absolute, while `file:///abs` is a
 * file URL and so absolute.
 */
export function parseDatabaseUrl(raw: string, cwd = process.cwd()): DatabaseConfig {
  const value = raw.trim();
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigRuleError('must be a valid postgres:// URL');
    }
    return { kind: 'postgres', url: value };
  }

  let path = value;
  const sqliteScheme = /^sqlite(\+[a-z0-9_]+)?:/i.exec(path);
  if (sqliteScheme) {
    path = path.slice(sqliteScheme[0].length);
    path = path.startsWith('///') ? path.slice(3) : path.startsWith('//') ? path.slice(2) : path;
  } else if (/^file:/i.test(path)) {
    path = path.slice('file:'.length);
    if (path.startsWith('//')) path = path.slice(2);
  }
  path = path.split('?')[0];

  if (path === IN_MEMORY) return { kind: 'sqlite', path: IN_MEMORY };
  if (path === '' || path.endsWith('/')) throw new ConfigRuleError('must name a SQLite file');
  return { kind: 'sqlite', path: resolve(cwd, path) };
}

/** For the startup line: never the credentials. */
export function describeDatabase(db: DatabaseConfig): string {
  if (db.kind === 'sqlite') return `sqlite ${db.path}`;
  const url = new URL(db.url);
  return `postgres ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}
