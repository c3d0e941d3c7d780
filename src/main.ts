import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { InvalidConfigError, type Configuration } from './config/configuration.js';
import { configModule } from './config/config.module.js';
import { pinTimezoneToUtc } from './config/env.js';
import { APP_OPTIONS, configureApp } from './http/configure-app.js';
import { ExpressHttpAdapter } from './http/express-http-adapter.js';

async function bootstrap(): Promise<void> {
  pinTimezoneToUtc();
  // Configuration first, outside Nest: an invalid one then ends below with its one-line reason
  // instead of Nest's stack trace.
  const config = await configModule();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    new ExpressHttpAdapter(),
    APP_OPTIONS,
  );
  configureApp(app);
  const { port } = app.get<ConfigService<Configuration, true>>(ConfigService).get('app', {
    infer: true,
  });
  await app.listen(port);
  Logger.log(`Listening on http://localhost:${port} (API docs at /docs)`, 'Startup');
}

try {
  await bootstrap();
} catch (error) {
  // An invalid configuration is an operator's mistake: say which variable, without a stack.
  const message = error instanceof InvalidConfigError ? error.message : error;
  console.error(message);
  process.exit(1);
}
