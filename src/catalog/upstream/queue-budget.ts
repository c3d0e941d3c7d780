/**
 * How long the calls of one request may wait in a paced queue, all together: a deadline on this
 * process's monotonic clock (a slot is real time, whatever the app's Clock says), handed to the
 * queue as each call's longest acceptable wait. A call whose start slot lies past it is refused as
 * the queue refuses any caller (`busy`), at once.
 */
export class QueueBudget {
  private readonly endsAt: number;

  constructor(maxWaitMs: number) {
    this.endsAt = performance.now() + maxWaitMs;
  }

  /** What is left of the budget; negative once it is spent. */
  remainingMs(): number {
    return this.endsAt - performance.now();
  }
}
