// globalSetup of jest.config.json's `postgres` project. Every database the lane creates is named
// after this run, so postgres-lane-teardown.ts can drop what a test left behind (an app it never
// closed) without touching another run's databases on the same server. Jest loads this file
// without the suite's module mapping, so it imports nothing of ours.
import { randomUUID } from 'node:crypto';

export default function setup(): void {
  // Jest starts its workers after globalSetup, so they inherit the variable.
  process.env.E2E_DATABASE_PREFIX = `wo_e2e_${randomUUID().slice(0, 8)}`;
}
