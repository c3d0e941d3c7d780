import { Global, Module } from '@nestjs/common';
import { ResponseCache } from '../http/response-cache.js';
import { Clock, SystemClock } from './clock.js';

@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, ResponseCache],
  exports: [Clock, ResponseCache],
})
export class CommonModule {}
