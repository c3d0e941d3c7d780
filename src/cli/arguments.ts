import { parseArgs } from 'node:util';
import { CommandError } from './command.js';

/** One file name, and the boolean flags named in `flags`; anything else is a usage error. */
export function oneFileArgument<F extends string>(
  args: string[],
  flags: Record<F, true>,
  usage: string,
): { file: string; flags: Record<F, boolean> } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: Object.fromEntries(
        Object.keys(flags).map((flag) => [flag, { type: 'boolean' as const }]),
      ),
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new CommandError(usage);
    const set = Object.fromEntries(
      Object.keys(flags).map((flag) => [flag, values[flag] === true]),
    ) as Record<F, boolean>;
    return { file: positionals[0], flags: set };
  } catch {
    throw new CommandError(usage);
  }
}
