/**
 * The admin commands (portability.md §2): `node dist/src/cli/main.js <command> [args]`, run through
 * npm scripts (`npm run users -- list`, `npm run backup`, `npm run backfill:credits`), from the project directory with the
 * server's configuration (environment and `.env`).
 */
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { pinTimezoneToUtc } from '../config/env.js';
import { runCli } from './run-cli.js';

pinTimezoneToUtc();
process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  readLine,
});

/** Reads one line only, so a terminal user just presses Enter; the password stays off the command line. */
async function readLine(): Promise<string | null> {
  const lines = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return null;
}
