/**
 * Writes the OpenAPI document the app serves at /openapi.json to a file (default
 * dist/openapi.json), for `npm run lint:openapi`. The app is built but never listens, on an
 * in-memory SQLite database; settings already in the environment win over these dummies.
 *
 *   node dist/scripts/openapi.js [output-file]
 */
import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const DEFAULT_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_URL: ':memory:',
  SECRET_KEY: 'openapi-dummy-secret-key-0123456789abcdef',
  LOG_LEVEL: 'error',
};
for (const [name, value] of Object.entries(DEFAULT_ENV)) process.env[name] ??= value;

// Imported only now, so that nothing reads the environment before the defaults are in place.
const { NestFactory } = await import('@nestjs/core');
const { AppModule } = await import('../src/app.module.js');
const { APP_OPTIONS } = await import('../src/http/configure-app.js');
const { ExpressHttpAdapter } = await import('../src/http/express-http-adapter.js');
const { buildOpenApiDocument } = await import('../src/http/swagger.js');

const output = process.argv[2] ?? 'dist/openapi.json';
const app = await NestFactory.create(AppModule.forRoot(), new ExpressHttpAdapter(), {
  ...APP_OPTIONS,
  logger: ['error', 'warn'],
});
try {
  const document = buildOpenApiDocument(app);
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`Wrote ${output}`);
} finally {
  await app.close();
}
