import type { OpenAPIObject } from '@nestjs/swagger';
import { HTTP_METHODS } from './swagger.js';

interface Route {
  /** The OpenAPI path, e.g. `/api/weeks/{week_id}`: what metrics label a request with. */
  template: string;
  pattern: RegExp;
  methods: string[];
  parameters: number;
}

/**
 * Answers "which methods does this path support?" for 405 + Allow (contract §1.1) and for the body
 * parser, which leaves unknown routes alone. It is built from the OpenAPI document, which Nest's
 * public SwaggerModule derives from the same controller metadata as the router (so a route hidden
 * with @ApiExcludeEndpoint would be unknown here too), plus the GET routes SwaggerModule serves.
 * Paths match as Express 5 matches them: case-insensitive, an optional trailing slash, and a
 * parameter is one non-empty segment.
 */
export class RouteTable {
  private readonly routes: Route[];

  constructor(document: OpenAPIObject, extraGetPaths: readonly string[] = []) {
    const methodsByPath = new Map<string, Set<string>>();
    const add = (path: string, method: string) => {
      const methods = methodsByPath.get(path) ?? new Set<string>();
      methods.add(method.toUpperCase());
      methodsByPath.set(path, methods);
    };
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of HTTP_METHODS) if (item[method]) add(path, method);
    }
    for (const path of extraGetPaths) add(path, 'get');
    this.routes = [...methodsByPath]
      .map(([path, methods]) => ({
        template: path,
        pattern: toPattern(path),
        methods: [...methods],
        parameters: path.split('{').length - 1,
      }))
      // A literal segment wins over a parameter (`/api/weeks/current` over `/api/weeks/{week_id}`).
      .sort((a, b) => a.parameters - b.parameters);
  }

  /** The template of the route that serves `method` at `path`, or null (a 404 or 405). */
  templateOf(method: string, path: string): string | null {
    const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    const route = this.routes.find((r) => r.methods.includes(wanted) && r.pattern.test(path));
    return route?.template ?? null;
  }

  allowedMethods(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }

  hasRoute(method: string, path: string): boolean {
    return this.allowedMethods(path).includes(method.toUpperCase());
  }
}

/** `/api/users/{user_id}` → /^\/api\/users\/[^/]+\/?$/i */
function toPattern(path: string): RegExp {
  const source = path
    .replace(/\/$/, '')
    .split(/(\{[^}]+\})/)
    .map((part) =>
      /^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}/?$`, 'i');
}
