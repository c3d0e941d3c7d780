import { ApiError } from '../common/api-error.js';
import { CreditsBackfill } from '../weeks/credits-backfill.js';
import { CommandError, type Command } from './command.js';

const USAGE = 'usage: npm run backfill:credits';

/**
 * `npm run backfill:credits` (opinions.md §2.4): the credits of movies picked before adds stored them,
 * fetched at TMDB's pace, one line per movie. Exits 1 when one could not be fetched.
 */
export const backfillCreditsCommand: Command = async (open, args, io) => {
  if (args.length > 0) throw new CommandError(USAGE);
  const app = await open();
  let outcome;
  try {
    outcome = await app.get(CreditsBackfill).run(io.out);
  } catch (error) {
    throw error instanceof ApiError ? new CommandError(error.detail) : error;
  }
  const { missing, stored, failed } = outcome;
  if (failed > 0) {
    throw new CommandError(
      `${failed} of ${missing} picked movie(s) still lack credits; run it again to retry them`,
    );
  }
  io.out(
    missing === 0
      ? 'every picked movie has its credits: nothing to fetch'
      : `done: credits of ${stored} picked movie(s) stored`,
  );
};
