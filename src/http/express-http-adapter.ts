import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Application } from 'express';

/**
 * Express gives every request and response its methods by changing their prototype
 * (`Object.setPrototypeOf`), which V8 handles slowly: objects whose prototype changes after
 * construction leave the fast path and are kept alive into the old generation. Measured here, a bare
 * Express 5 route answered 12,000 req/s that way and 40,000 without, and the app's old space swung
 * by ~90 MB between major GCs at 8,000 req/s. So Node constructs our requests and responses with
 * Express's prototypes from the start, and Express's per-request call changes nothing.
 */
export class ExpressHttpAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    // HTTPS and the shutdown options keep Nest's own server setup.
    if (options.httpsOptions || options.return503OnClosing || options.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    const app = this.getInstance<Application>();
    // Set by express() on every app; @types/express does not declare them.
    const prototypes = app as unknown as { request: object; response: object };
    class ExpressRequest extends IncomingMessage {}
    class ExpressResponse extends ServerResponse<IncomingMessage> {}
    // Above Express's own prototypes (which carry `app` and its methods), once, at startup.
    Object.setPrototypeOf(ExpressRequest.prototype, prototypes.request);
    Object.setPrototypeOf(ExpressResponse.prototype, prototypes.response);
    prototypes.request = ExpressRequest.prototype;
    prototypes.response = ExpressResponse.prototype;
    this.setHttpServer(
      createServer({ IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse }, app),
    );
  }
}
