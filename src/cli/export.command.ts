import { createWriteStream } from 'node:fs';
import { chmod, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ExportService, type ExportTally } from '../export/export.service.js';
import { oneFileArgument } from './arguments.js';
import type { Command } from './command.js';

const USAGE = 'usage: npm run export -- <file>';

/**
 * `npm run export -- <file>` (portability.md §2.1): the admin export, with what a full restore needs.
 * It holds password hashes, so it is created with mode 600, under a temporary name renamed into
 * place once complete: no half-written file is ever left at `<file>`.
 */
export const exportCommand: Command = async (open, args, io) => {
  const { file } = oneFileArgument(args, {}, USAGE);
  const app = await open();
  const target = resolve(file);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  const tally: ExportTally = { users: 0, weeks: 0, picks: 0, verdicts: 0, movies: 0, albums: 0 };
  io.out(`exporting to ${target}`);
  try {
    const { stream } = app.get(ExportService).json('admin', tally);
    await pipeline(stream, createWriteStream(temporary, { flags: 'wx', mode: 0o600 }));
    await chmod(temporary, 0o600);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  io.out(
    `wrote ${tally.users} users, ${tally.weeks} weeks (${tally.picks} picks, ` +
      `${tally.verdicts} verdicts), ${tally.movies} movies and ${tally.albums} albums ` +
      `to ${target} (mode 600)`,
  );
};
