import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock, useValidationClock } from './clock.js';

@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }],
  exports: [Clock],
})
export class CommonModule {
  constructor(clock: Clock) {
    useValidationClock(clock);
  }
}
