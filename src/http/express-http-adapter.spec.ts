import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Application, Request, Response } from 'express';
import { ExpressHttpAdapter } from './express-http-adapter.js';

describe(ExpressHttpAdapter.name, () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it("has Node create requests and responses with Express's prototypes, so Express changes none", async () => {
    const adapter = new ExpressHttpAdapter();
    adapter.initHttpServer({});
    server = adapter.getHttpServer();
    const app = adapter.getInstance<Application>();
    app.get('/probe', (req: Request, res: Response) => {
      res.json({ app: req.app === app, path: req.path, ip: typeof req.ip });
    });

    // Runs before Express's own listener, so it sees the objects as Node created them.
    const created: { request?: object; response?: object } = {};
    server.prependListener('request', (req, res) => {
      created.request = Object.getPrototypeOf(req) as object;
      created.response = Object.getPrototypeOf(res) as object;
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const res = await fetch(`http://127.0.0.1:${port}/probe?x=1`);
    expect(await res.json()).toEqual({ app: true, path: '/probe', ip: 'string' });
    const prototypes = app as unknown as { request: object; response: object };
    expect(created.request).toBe(prototypes.request);
    expect(created.response).toBe(prototypes.response);
  });
});
