import { readFile, stat } from 'node:fs/promises';
import { IMPORT_LIMITS, parseExportDocument } from '../export/import-document.js';
import { IMPORT_KINDS, ImportService } from '../export/import.service.js';
import { oneFileArgument } from './arguments.js';
import { CommandError, type Command } from './command.js';

const USAGE = 'usage: npm run import -- <file> [--dry-run]';

/**
 * `npm run import -- <file> [--dry-run]` (portability.md §2.2): the whole file is read and checked
 * before the database is opened, so a malformed file leaves it untouched, not even migrated; then
 * pending migrations are applied (an empty database works) and the file merged in one transaction.
 * `--dry-run` rolls the merge back and prints the same.
 */
export const importCommand: Command = async (open, args, io) => {
  const { file, flags } = oneFileArgument(args, { 'dry-run': true }, USAGE);
  const dryRun = flags['dry-run'];
  io.out(`reading ${file}`);
  const document = parseExportDocument(await readText(file));
  io.out(
    `${document.scope === 'admin' ? 'admin' : 'API'} export of ${document.exported_at}: ` +
      `${document.users.length} users, ${document.weeks.length} weeks, ` +
      `${document.movies.length} movies, ${document.albums.length} albums`,
  );
  const app = await open();
  const report = await app.get(ImportService).import(document, { dryRun });
  for (const conflict of report.conflicts) io.out(conflict);
  for (const kind of IMPORT_KINDS) {
    const { created, updated, kept, skipped } = report.counts[kind];
    const catalog = kind === 'movies' || kind === 'albums';
    io.out(
      `${kind}: ${created} created, ${catalog ? `${updated} updated, ` : ''}` +
        `${kept} kept, ${skipped} skipped`,
    );
  }
  io.out(dryRun ? 'dry run: nothing was changed' : 'imported in one transaction');
};

async function readText(file: string): Promise<string> {
  try {
    const { size } = await stat(file);
    if (size > IMPORT_LIMITS.bytes) {
      throw new CommandError(`${file} is larger than ${IMPORT_LIMITS.bytes / 2 ** 20} MiB`);
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
