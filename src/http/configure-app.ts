import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Application } from 'express';
import helmet from 'helmet';
import type { Configuration } from '../config/configuration.js';
import { Metrics } from '../metrics/metrics.js';
import { bodyParserMiddleware } from './body-parser.js';
import { HttpExceptionFilter } from './http-exception.filter.js';
import { createLogger } from './logger.js';
import { REQUEST_ID_HEADER, requestContextMiddleware, requestPath } from './request-context.js';
import { RouteTable } from './route-table.js';
import { buildOpenApiDocument, OPENAPI_ROUTES, serveOpenApi } from './swagger.js';

/**
 * Options every app instance must be created with: our body parser replaces Nest's (contract
 * §1.2 needs 0-byte bodies ignored and 415/413/400 with `detail`), and logs are buffered until
 * the configured logger is in place.
 */
export const APP_OPTIONS = { bodyParser: false, bufferLogs: true } as const;

const FORM_BODY_PATHS = new Set(['/api/auth/login']);

/** The one wiring of the HTTP layer, shared by main.ts and every e2e test. */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<ConfigService<Configuration, true>>(ConfigService);
  const { logLevel, corsOrigins, trustProxy } = config.get('app', { infer: true });
  const logger = createLogger(logLevel);
  app.useLogger(logger);

  const expressApp = app.getHttpAdapter().getInstance() as Application;
  expressApp.disable('x-powered-by');
  // With TRUST_PROXY, req.ip is the first X-Forwarded-For hop (used by the auth throttle).
  expressApp.set('trust proxy', trustProxy);
  // Express 5's default, made explicit: flat values only, so no query string nests (and none can
  // nest deep enough to exhaust the stack). Bodies are bounded in body-parser.ts.
  expressApp.set('query parser', 'simple');
  const openApi = buildOpenApiDocument(app);
  const routes = new RouteTable(openApi, OPENAPI_ROUTES);

  const metrics = app.get(Metrics);
  app.use(
    requestContextMiddleware(logger, (req, status, seconds) =>
      // Route templates only: a raw path would put ids (and anything a client makes up) in labels.
      metrics.request(
        routes.templateOf(req.method, requestPath(req)) ?? 'unmatched',
        req.method,
        status,
        seconds,
      ),
    ),
  );
  app.use(
    helmet({
      // Swagger UI at /docs needs inline styles and data: images; nothing else is served as HTML.
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
        },
      },
    }),
  );
  if (corsOrigins !== null) {
    app.enableCors({
      origin: corsOrigins,
      methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type', REQUEST_ID_HEADER],
      exposedHeaders: ['Retry-After', REQUEST_ID_HEADER],
      credentials: false,
      optionsSuccessStatus: 204,
    });
  }
  app.use(bodyParserMiddleware({ routes, formPaths: FORM_BODY_PATHS }));

  app.useGlobalFilters(new HttpExceptionFilter(routes, logger));
  serveOpenApi(app, openApi);
  app.enableShutdownHooks();
}
