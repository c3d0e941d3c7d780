import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../test/support/test-app.js';

/** The full app on an ephemeral loopback port, plus a logged-in user's bearer header. */
export async function startBenchApp(
  env: Record<string, string>,
): Promise<{ app: TestApp; baseUrl: string; auth: Record<string, string> }> {
  const app = await createTestApp({
    env: { THROTTLE_LIMIT: '0', LOG_LEVEL: 'error', ...env },
    listen: true,
  });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const credentials = {
    username: 'bencher',
    email: 'bencher@example.org',
    password: 'bench-password',
  };
  await post(`${baseUrl}/api/auth/register`, credentials);
  const tokens = (await post(`${baseUrl}/api/auth/login`, {
    username: credentials.username,
    password: credentials.password,
  })) as { access_token: string };
  return { app, baseUrl, auth: { Authorization: `Bearer ${tokens.access_token}` } };
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} → ${res.status} ${await res.text()}`);
  return res.json();
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function report(label: string, value: string, target: string, met: boolean): void {
  console.log(
    `${met ? 'MET   ' : 'MISSED'}  ${label.padEnd(58)} ${value.padStart(14)}   target ${target}`,
  );
}
