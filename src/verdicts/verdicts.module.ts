import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { User } from '../users/entities/user.entity.js';
import { DiaryController } from './diary.controller.js';
import { DiaryService } from './diary.service.js';
import { Verdict } from './entities/verdict.entity.js';
import { VerdictsService } from './verdicts.service.js';

/**
 * Verdicts and the diary. The verdict routes of a pick (`/weeks/{id}/movies/{position}/verdict`)
 * live in the weeks module, which owns picks and their 404s, and call VerdictsService.
 */
@Module({
  imports: [CatalogModule, TypeOrmModule.forFeature([Verdict, User])],
  controllers: [DiaryController],
  providers: [VerdictsService, DiaryService],
  exports: [VerdictsService],
})
export class VerdictsModule {}
