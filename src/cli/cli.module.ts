import { Module, type DynamicModule } from '@nestjs/common';
import { BackupModule } from '../backup/backup.module.js';
import { CacheModule } from '../cache/cache.module.js';
import { CommonModule } from '../common/common.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { ExportModule } from '../export/export.module.js';
import { InvitesModule } from '../invites/invites.module.js';
import { MetricsModule } from '../metrics/metrics.js';
import { UsersModule } from '../users/users.module.js';
import { VerdictsModule } from '../verdicts/verdicts.module.js';
import { WeeksModule } from '../weeks/weeks.module.js';

/**
 * The providers the admin commands use: the server's own modules, on the same configuration, with
 * nothing that listens or runs on a schedule.
 */
@Module({
  imports: [
    CommonModule,
    MetricsModule,
    CacheModule,
    DatabaseModule,
    UsersModule,
    InvitesModule,
    WeeksModule,
    VerdictsModule,
    BackupModule,
    ExportModule,
  ],
})
export class CliModule {
  static forRoot(config: DynamicModule): DynamicModule {
    return { module: CliModule, imports: [config] };
  }
}
