import { once } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One request over a plain socket, for what supertest cannot send: a body without any
 * Content-Type, or a chunked body without Content-Length.
 */
export async function rawRequest(
  server: Server,
  options: { method: string; path: string; headers?: Record<string, string>; chunks?: Buffer[] },
): Promise<RawResponse> {
  const listening = server.listening ? null : server.listen(0, '127.0.0.1');
  if (listening) await once(listening, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          agent: false,
          method: options.method,
          path: options.path,
          headers: options.headers,
        },
        (res) => {
          const body: Buffer[] = [];
          res.on('data', (chunk: Buffer) => body.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(body).toString('utf8'),
            }),
          );
        },
      );
      // The server may answer (413) and close before the whole body is written.
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      });
      for (const chunk of options.chunks ?? []) req.write(chunk);
      req.end();
    });
  } finally {
    if (listening) await new Promise((resolve) => listening.close(resolve));
  }
}
