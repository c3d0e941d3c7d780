import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { APP_VERSION } from '../version.js';

export const READINESS_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  readonly version = APP_VERSION;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * A trivial query, and the schema at the latest migration (issue #13: an instance whose database
   * lags behind its code is not ready), both within READINESS_TIMEOUT_MS.
   */
  async assertDatabaseReady(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('readiness query timed out')),
        READINESS_TIMEOUT_MS,
      );
    });
    let pending: boolean;
    try {
      pending = await Promise.race([
        this.dataSource.query('SELECT 1').then(() => this.dataSource.showMigrations()),
        timeout,
      ]);
    } catch {
      throw new ApiError(503, 'Database unavailable', {
        extra: { status: 'not_ready', database: 'error' },
      });
    } finally {
      clearTimeout(timer);
    }
    if (pending) {
      throw new ApiError(503, 'Database migrations are pending', {
        extra: { status: 'not_ready', database: 'error', migrations: 'pending' },
      });
    }
  }
}
