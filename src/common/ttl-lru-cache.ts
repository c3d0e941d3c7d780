interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** An optional second bound: what the entries may weigh together (characters, say). */
export interface WeightLimit<V> {
  max: number;
  of: (value: V, key: string) => number;
}

/**
 * A bounded in-memory cache: entries expire after `ttlMs`, and the least recently used go first
 * when there are more than `maxEntries` (or, with a weight limit, when they weigh too much).
 */
export class TtlLruCache<V> {
  // A Map iterates in insertion order; re-inserting on every hit keeps the oldest use first.
  private readonly entries = new Map<string, Entry<V>>();
  private weight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly weightLimit?: WeightLimit<V>,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.weight -= this.weightOf(entry.value, key);
      return undefined;
    }
    this.entries.set(key, entry);
    return { value: entry.value };
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    const weight = this.weightOf(value, key);
    // A value heavier than the whole budget would only push everything else out.
    if (this.weightLimit && weight > this.weightLimit.max) return;
    this.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    this.weight += weight;
    while (
      this.entries.size > this.maxEntries ||
      (this.weightLimit && this.weight > this.weightLimit.max)
    ) {
      this.delete(this.entries.keys().next().value as string);
    }
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= this.weightOf(entry.value, key);
  }

  private weightOf(value: V, key: string): number {
    return this.weightLimit?.of(value, key) ?? 0;
  }
}
