import { chmod, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { BackupConfig, Configuration } from '../config/configuration.js';
import { IN_MEMORY } from '../config/database-url.js';
import type { SqliteConnection } from '../database/sqlite-connection.js';

type SqliteConstructor = new (
  file: string,
  options?: { readonly?: boolean; fileMustExist?: boolean },
) => SqliteConnection;

/**
 * Pages per backup step after the first: all of them. A step copies from one read transaction, so
 * the copy is one committed state; in smaller steps every write the server commits in between
 * would restart the copy, which under steady writes might never finish.
 */
const ALL_REMAINING_PAGES = 2 ** 30;

const BACKUP_NAME = /^wrong_opinions-\d{8}T\d{6}Z\.db$/;

export interface BackupOptions {
  /** Default: BACKUP_DIR, else `backups/` beside the database file. */
  dir?: string;
  /** Default: BACKUP_KEEP. */
  keep?: number;
}

/** A refusal or failure, with the one-line reason the command prints. */
export class BackupError extends Error {}

/**
 * Online backups of the SQLite file (portability.md §2.3) through SQLite's backup API, from a
 * read-only connection of their own: it sees committed writes only. (The app's connection would also
 * show the copy a transaction still open on it, between two of its awaits, which may yet roll back.)
 * WAL lets the server keep writing meanwhile, and the copy holds every write committed before it began.
 * A copy is written under a temporary name, checked with `PRAGMA integrity_check`, and only then
 * renamed into place, so a failure never leaves a backup that looks whole. Backups hold password
 * hashes, so they are readable by the owner only.
 */
@Injectable()
export class BackupService {
  private readonly settings: BackupConfig;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    config: ConfigService<Configuration, true>,
  ) {
    this.settings = config.get('backup', { infer: true });
  }

  /** Takes one backup, then deletes the oldest beyond `keep`; `step` hears one line per step. */
  async backUp(
    options: BackupOptions = {},
    step: (line: string) => void = () => {},
  ): Promise<string> {
    const source = this.sqliteFile();
    const dir = options.dir ?? this.settings.dir ?? join(dirname(source), 'backups');
    const keep = options.keep ?? this.settings.keep;
    const file = join(dir, `wrong_opinions-${compactUtc(this.clock.now())}.db`);
    const partial = `${file}.partial`;

    await mkdir(dir, { recursive: true });
    step(`copying ${source} to ${file}`);
    try {
      await copyCommitted(source, partial);
      await chmod(partial, 0o600);
      const integrity = checkIntegrity(partial);
      if (integrity !== 'ok')
        throw new BackupError(`integrity_check of the copy failed: ${integrity}`);
      step('integrity_check: ok');
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }

    const deleted = await prune(dir, keep);
    step(
      `kept ${keep} at most: deleted ${deleted.length} older backup${deleted.length === 1 ? '' : 's'}`,
    );
    return file;
  }

  private sqliteFile(): string {
    const options = this.dataSource.options;
    if (options.type !== 'better-sqlite3') {
      throw new BackupError('backups copy a SQLite file; back up PostgreSQL with pg_dump');
    }
    if (options.database === IN_MEMORY) {
      throw new BackupError(
        'the database is in memory (DATABASE_URL=:memory:): nothing to back up',
      );
    }
    return options.database;
  }
}

/** `2026-12-02T09:08:07.123Z` → `20261202T090807Z`: sorts by time, and is safe in any file system. */
function compactUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

async function copyCommitted(source: string, destination: string): Promise<void> {
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
  const reader = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await reader.backup(destination, { progress: () => ALL_REMAINING_PAGES });
  } finally {
    reader.close();
  }
}

/**
 * Makes the copy one self-contained file (a rollback journal instead of the source's WAL, so no
 * `-wal`/`-shm` beside it: restoring is copying one file), then checks it.
 */
function checkIntegrity(file: string): string {
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
  const copy = new Database(file);
  try {
    copy.pragma('journal_mode = DELETE', { simple: true });
    return String(copy.pragma('integrity_check', { simple: true }));
  } finally {
    copy.close();
  }
}

/** Deletes the oldest backups (by their names, which sort by time) beyond the newest `keep`. */
async function prune(dir: string, keep: number): Promise<string[]> {
  const backups = (await readdir(dir)).filter((name) => BACKUP_NAME.test(name)).sort();
  const old = backups.slice(0, Math.max(0, backups.length - keep));
  for (const name of old) await rm(join(dir, name), { force: true });
  return old;
}
