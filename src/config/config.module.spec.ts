import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configModule } from './config.module.js';
import type { AppConfig } from './configuration.js';

describe('configModule', () => {
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-module-'));
    writeFileSync(join(dir, '.env'), 'PORT=4567\nLOG_LEVEL=debug\n');
    process.chdir(dir);
    process.env = { DATABASE_URL: ':memory:', NODE_ENV: 'development' };
  });

  afterEach(() => {
    process.chdir(savedCwd);
    process.env = savedEnv;
    rmSync(dir, { recursive: true, force: true });
  });

  async function appConfig(): Promise<AppConfig> {
    const moduleRef = await Test.createTestingModule({ imports: [configModule()] }).compile();
    return moduleRef.get(ConfigService).get<AppConfig>('app')!;
  }

  it('reads .env in the working directory, under the real environment', async () => {
    process.env.PORT = '5678';
    const app = await appConfig();
    expect(app.port).toBe(5678);
    expect(app.logLevel).toBe('debug');
  });

  it('never reads .env under NODE_ENV=test', async () => {
    process.env.NODE_ENV = 'test';
    const app = await appConfig();
    expect(app.port).toBe(8000);
    expect(app.logLevel).toBe('info');
  });

  it('exposes the namespaces, not the raw variables', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [configModule()] }).compile();
    expect(moduleRef.get(ConfigService).get('PORT')).toBeUndefined();
  });

  it('refuses an invalid value when the module is built', async () => {
    process.env.PORT = 'abc';
    await expect(configModule()).rejects.toThrow('PORT must be an integer 1-65535 (got "abc")');
  });
});
