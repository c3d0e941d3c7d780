import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import bcrypt from 'bcrypt';
import type { Configuration } from '../config/configuration.js';

/**
 * bcrypt over a fixed-length pre-hash (base64 of SHA-256, 44 bytes): bcrypt alone ignores
 * everything after byte 72, so long passwords differing late would collide.
 */
@Injectable()
export class PasswordHasher {
  private readonly rounds: number;
  private dummyHash?: Promise<string>;

  constructor(config: ConfigService<Configuration, true>) {
    this.rounds = config.get('auth', { infer: true }).bcryptRounds;
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(preHash(password), this.rounds);
  }

  /** Compares against `hash`, or against a dummy hash when there is no user, so both take as long. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const candidate = hash ?? (await this.getDummyHash());
    const matches = await bcrypt.compare(preHash(password), candidate);
    return matches && hash !== undefined;
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= bcrypt.hash(randomBytes(32).toString('base64'), this.rounds);
    return this.dummyHash;
  }
}

function preHash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}
