import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configModule } from '../config/config.module.js';
import { InvalidConfigError } from '../config/configuration.js';
import { backfillCreditsCommand } from './backfill-credits.command.js';
import { backupCommand } from './backup.command.js';
import { CliModule } from './cli.module.js';
import { CommandError, type Command, type CommandIo } from './command.js';
import { exportCommand } from './export.command.js';
import { importCommand } from './import.command.js';
import { usersCommand } from './users.command.js';

const COMMANDS: Record<string, Command> = {
  users: usersCommand,
  backup: backupCommand,
  export: exportCommand,
  import: importCommand,
  'backfill-credits': backfillCreditsCommand,
};

export interface CliIo extends CommandIo {
  /** Prints the one-line reason of a failure. */
  err(line: string): void;
}

/**
 * Runs one admin command on the server's configuration and providers, started when the command
 * asks for them (`Command`). Returns the exit code: 0, or 1 after one line saying why.
 */
export async function runCli([name, ...args]: string[], io: CliIo): Promise<number> {
  const command = COMMANDS[name];
  if (!command) {
    io.err(
      `error: unknown command ${JSON.stringify(name ?? '')}; one of ${Object.keys(COMMANDS).join(', ')}`,
    );
    return 1;
  }
  try {
    const config = await configModule();
    let app: Promise<INestApplicationContext> | undefined;
    const open = () =>
      (app ??= NestFactory.createApplicationContext(CliModule.forRoot(config), {
        logger: false,
        abortOnError: false,
      }));
    try {
      await command(open, args, io);
    } finally {
      await app?.then(
        (context) => context.close(),
        () => undefined,
      );
    }
    return 0;
  } catch (error) {
    io.err(`error: ${reason(error)}`);
    return 1;
  }
}

function reason(error: unknown): string {
  if (error instanceof CommandError) return error.message;
  if (error instanceof InvalidConfigError) return error.problems.join('; ');
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
