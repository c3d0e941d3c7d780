import type { INestApplicationContext } from '@nestjs/common';

/** What a command may use of its process; tests hand in their own. */
export interface CommandIo {
  /** Prints one line of output. */
  out(line: string): void;
  /** The next line of standard input without its line end; null at its end. */
  readLine(): Promise<string | null>;
}

/**
 * An admin command. `open` starts the app on the server's configuration (applying pending
 * migrations, as the server does); a command calls it once it has checked what needs no database,
 * its arguments and any input file, so a refusal leaves the database untouched.
 */
export type Command = (
  open: () => Promise<INestApplicationContext>,
  args: string[],
  io: CommandIo,
) => Promise<void>;

/** A refusal with the one-line reason the command exits with. */
export class CommandError extends Error {}
