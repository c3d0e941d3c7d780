/** Concurrent calls with one key share one in-flight promise: its result or its error. */
// Hand-made: lru-cache's fetch() hands its waiters undefined for an answer it must not keep (an
// inconclusive cover), and the database read-through keeps nothing in memory at all.
export class SingleFlight {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing as Promise<T>;
    const flight = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, flight);
    return flight;
  }
}
