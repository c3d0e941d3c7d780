import { Clock } from '../../src/common/clock.js';

/** A Clock that only moves when told to, so expiry and throttle windows need no sleeping. */
export class FakeClock extends Clock {
  /** Epoch milliseconds; unit specs set it directly. */
  ms: number;

  constructor(start: string | number = '2025-12-28T16:05:00.123Z') {
    super();
    this.ms = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  /** Moves to an absolute instant (forwards or backwards). Returns the new now. */
  setTo(instant: string | number): Date {
    this.ms = typeof instant === 'number' ? instant : Date.parse(instant);
    return this.now();
  }
}
