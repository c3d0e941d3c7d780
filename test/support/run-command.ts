import { runCli } from '../../src/cli/run-cli.js';
import { TEST_ENV } from './test-app.js';

export interface CommandResult {
  code: number;
  out: string[];
  err: string[];
}

/**
 * Runs an admin command in this process, as `npm run <command> -- …` would, on TEST_ENV plus `env`
 * (`undefined` removes a variable). `stdin` holds the lines it may read.
 */
export async function runCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  stdin: string[] = [],
): Promise<CommandResult> {
  const previous = { ...process.env };
  Object.assign(process.env, TEST_ENV);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const out: string[] = [];
  const err: string[] = [];
  const lines = [...stdin];
  try {
    const code = await runCli(argv, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      readLine: () => Promise.resolve(lines.shift() ?? null),
    });
    return { code, out, err };
  } finally {
    process.env = previous;
  }
}
