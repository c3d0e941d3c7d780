import type { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { loadConfiguration } from './configuration.js';

/**
 * The global ConfigModule, holding only the typed namespaces `loadConfiguration` validates and maps
 * (`ConfigService.get('app')`, …). A function, not a module constant: `forRoot` reads the
 * environment when it is called, and each e2e app sets its own variables before it builds the module.
 *
 * `.env` in the working directory is read under the real environment (which wins); tests
 * (NODE_ENV=test) never read it, so a developer's local file cannot change what the suite sees.
 */
export function configModule(): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    cache: true,
    ignoreEnvFile: process.env.NODE_ENV === 'test',
    // Only the namespaces are exposed; nothing reads raw variables through ConfigService.
    skipProcessEnv: true,
    validate: loadConfiguration,
  });
}
