import { parseArgs } from 'node:util';
import { BackupError, BackupService } from '../backup/backup.service.js';
import { CommandError, type Command } from './command.js';

const USAGE = 'usage: npm run backup -- [--dir <dir>] [--keep <n>]';

/** `npm run backup -- [--dir <dir>] [--keep <n>]` (portability.md §2.3). */
export const backupCommand: Command = async (open, args, io) => {
  let values: { dir?: string; keep?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { dir: { type: 'string' }, keep: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch {
    throw new CommandError(USAGE);
  }
  const keep = values.keep === undefined ? undefined : Number(values.keep);
  if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1 && keep <= 10000)) {
    throw new CommandError('--keep must be an integer 1-10000');
  }
  const app = await open();
  try {
    const file = await app.get(BackupService).backUp({ dir: values.dir, keep }, io.out);
    io.out(`backup written to ${file}`);
  } catch (error) {
    throw error instanceof BackupError ? new CommandError(error.message) : error;
  }
};
