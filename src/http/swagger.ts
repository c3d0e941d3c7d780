import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOAuth2,
  ApiSecurity,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { APP_VERSION } from '../version.js';

export const BEARER_SCHEME = 'bearer';
export const OAUTH2_SCHEME = 'oauth2';

/** The operation keys of an OpenAPI path item. */
export const HTTP_METHODS = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
] as const;

/**
 * The GET routes `serveOpenApi` adds (SwaggerModule.setup('docs', …) with these options); its
 * static assets are middleware, not routes. `/docs/` is `/docs` with a trailing slash.
 */
export const OPENAPI_ROUTES = [
  '/docs',
  '/docs/index.html',
  '/docs/LICENSE',
  '/docs/swagger-ui-init.js',
  '/docs/docs/swagger-ui-init.js',
  '/openapi.json',
  '/docs-yaml',
] as const;

/** Marks a controller or route as needing a token, via either Swagger security scheme. */
export function ApiAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(ApiBearerAuth(BEARER_SCHEME), ApiOAuth2([], OAUTH2_SCHEME));
}

/**
 * Marks a controller or route as needing no token (applied by `@Public()`, not directly).
 * `@nestjs/swagger` drops an empty security list, so this records the one requirement `{}`
 * ("anonymous"), which buildOpenApiDocument then writes as the explicit `security: []`.
 */
export function ApiNoAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(ApiSecurity({}));
}

/** Operations whose only security requirements are empty (ApiNoAuth) get `security: []`. */
function explicitNoAuth(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      const security = operation?.security;
      if (
        operation &&
        security &&
        security.length > 0 &&
        security.every((requirement) => Object.keys(requirement).length === 0)
      ) {
        operation.security = [];
      }
    }
  }
  return document;
}

/**
 * The OpenAPI document served at /openapi.json. Also written to a file by
 * scripts/openapi.ts for `npm run lint:openapi`, so both see the same document.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Wrong Opinions API')
    .setDescription(
      'Weekly movie and album picks among friends. Errors are `{"detail": string}`; ' +
        'validation errors (422) add an `errors` list.',
    )
    .setVersion(APP_VERSION)
    .addServer('/', 'This server (paths already include the /api prefix where it applies)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addOAuth2(
      { type: 'oauth2', flows: { password: { tokenUrl: '/api/auth/login', scopes: {} } } },
      OAUTH2_SCHEME,
    )
    .build();
  return explicitNoAuth(SwaggerModule.createDocument(app, config));
}

/** Swagger UI at /docs and the OpenAPI document at /openapi.json, outside the /api prefix. */
export function serveOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: undefined,
    swaggerOptions: { persistAuthorization: true },
  });
}
