/** The source of "now" everywhere, so tests can set the time instead of sleeping. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** Whole seconds since the epoch, as JWT claims count time. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000);
}

let validationClock: Clock = new SystemClock();

/**
 * "Now" for validation rules such as "not in the future": they run inside class-validator, outside
 * dependency injection, so CommonModule hands them the app's Clock when the app starts (a test's
 * FakeClock included). A process runs one app at a time, so there is one Clock to hand over.
 */
export function validationNow(): Date {
  return validationClock.now();
}

export function useValidationClock(clock: Clock): void {
  validationClock = clock;
}
