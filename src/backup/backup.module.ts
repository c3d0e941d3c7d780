import { Module } from '@nestjs/common';
import { BackupService } from './backup.service.js';

/** The backup itself, for the admin command and for the server's BackupScheduler alike. */
@Module({
  providers: [BackupService],
  exports: [BackupService],
})
export class BackupModule {}
