import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { MetricsController } from './metrics.controller.js';

/** What an operator's tooling asks: liveness, readiness and the metrics. */
@Module({ controllers: [HealthController, MetricsController], providers: [HealthService] })
export class HealthModule {}
