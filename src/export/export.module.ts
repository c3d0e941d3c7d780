import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ReadSnapshots } from '../database/read-snapshot.js';
import { ExportController } from './export.controller.js';
import { ExportService } from './export.service.js';
import { ImportService } from './import.service.js';

/** The exports over the API (portability.md §1) and the admin export and import (§2.1, §2.2). */
@Module({
  imports: [CatalogModule],
  controllers: [ExportController],
  providers: [ExportService, ImportService, ReadSnapshots],
  exports: [ExportService, ImportService],
})
export class ExportModule {}
