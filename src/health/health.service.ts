import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { APP_VERSION } from '../version.js';

export const READINESS_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  readonly version = APP_VERSION;

  constructor(private readonly dataSource: DataSource) {}

  async assertDatabaseReady(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('readiness query timed out')),
        READINESS_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
    } catch {
      throw new ApiError(503, 'Database unavailable', {
        extra: { status: 'not_ready', database: 'error' },
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
