/**
 * How long the calls of one request may wait in a paced queue, all together: a deadline on the
 * monotonic clock, the queue's own (a slot is real time, whatever the app's Clock says). A call
 * whose start slot lies past it is refused as the queue refuses any caller (`busy`), at once.
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
