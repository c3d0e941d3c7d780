import type { Application } from 'express';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
  match(path: string): boolean;
}

/**
 * Answers "which methods does this path support?" from Express's own route list, so 405 + Allow
 * (contract §1.1) can never drift from the routes that really exist. Read lazily on the first
 * request, when Nest has registered every route.
 */
export class RouteTable {
  private layers?: RouteLayer[];

  constructor(private readonly expressApp: Application) {}

  allowedMethods(path: string): string[] {
    const methods = new Set<string>();
    for (const layer of this.routeLayers()) {
      if (!layer.match(path)) continue;
      for (const [method, enabled] of Object.entries(layer.route!.methods)) {
        if (enabled && method !== '_all') methods.add(method.toUpperCase());
      }
    }
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }

  hasRoute(method: string, path: string): boolean {
    return this.allowedMethods(path).includes(method.toUpperCase());
  }

  private routeLayers(): RouteLayer[] {
    this.layers ??= (
      this.expressApp as unknown as { router: { stack: RouteLayer[] } }
    ).router.stack.filter((layer) => layer.route !== undefined);
    return this.layers;
  }
}
