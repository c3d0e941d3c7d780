/** Concurrent calls with one key share one in-flight promise: its result or its error. */
// Hand-made: lru-cache's fetch() shares a flight only for what it then keeps in memory, and the
// database read-through keeps nothing there.
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
