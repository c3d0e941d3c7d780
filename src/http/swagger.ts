import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOAuth2,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { APP_VERSION } from '../version.js';

export const BEARER_SCHEME = 'bearer';
export const OAUTH2_SCHEME = 'oauth2';

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

/** The OpenAPI document of every controller route. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Wrong Opinions API')
    .setDescription(
      'Weekly movie and album picks among friends. Errors are `{"detail": string}`; ' +
        'validation errors (422) add an `errors` list.',
    )
    .setVersion(APP_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addOAuth2(
      { type: 'oauth2', flows: { password: { tokenUrl: '/api/auth/login', scopes: {} } } },
      OAUTH2_SCHEME,
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs and the OpenAPI document at /openapi.json, outside the /api prefix. */
export function serveOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: undefined,
    swaggerOptions: { persistAuthorization: true },
  });
}
