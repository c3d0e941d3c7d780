/**
 * `npm run backfill:credits`: fetches the missing credits of movies picked before adding a movie stored
 * them (opinions.md §2.4), at TMDB's pace, one progress line per movie. Same configuration as the server
 * (DATABASE_URL, TMDB_API_KEY, …); pending migrations are applied first, as the server does. Exits 1
 * when a fetch failed (running it again retries only what is still missing).
 *
 *   node dist/scripts/backfill-credits.js
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { InvalidConfigError } from '../src/config/configuration.js';
import { configModule } from '../src/config/config.module.js';
import { pinTimezoneToUtc } from '../src/config/env.js';
import { CreditsBackfill } from '../src/weeks/credits-backfill.js';

pinTimezoneToUtc();
try {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(await configModule()), {
    logger: ['error'],
  });
  try {
    const { failed } = await app.get(CreditsBackfill).run((line) => console.log(line));
    process.exitCode = failed > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
} catch (error) {
  console.error(error instanceof InvalidConfigError ? error.message : error);
  process.exitCode = 1;
}
