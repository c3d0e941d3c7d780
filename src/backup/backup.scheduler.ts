import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Configuration } from '../config/configuration.js';
import { BackupService } from './backup.service.js';

/**
 * Takes a backup every BACKUP_INTERVAL while the server runs (portability.md §2.4). A failure is
 * logged as an error and the next one is tried on schedule: a backup never stops the server.
 */
@Injectable()
export class BackupScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Backup');
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly backups: BackupService,
    config: ConfigService<Configuration, true>,
  ) {
    this.intervalMs = config.get('backup', { infer: true }).intervalMs;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs === 0) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    // Waiting for the next backup must not keep a stopping process alive.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One scheduled backup; never throws. A backup still running when the next is due is not doubled. */
  runOnce(): Promise<void> {
    this.running ??= this.backups
      .backUp()
      .then((file) => this.logger.log(`backup written to ${file}`))
      .catch((error: unknown) =>
        this.logger.error(
          `scheduled backup failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
