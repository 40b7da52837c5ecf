/**
 * Deduplication ids queued recently by this process, so a notification Alertmanager sends again
 * unchanged (a repeat from an Alertmanager older than v0.32, which does not say
 * `repeat interval elapsed`) is answered as already queued instead of queued again. Best effort: a
 * cold start forgets, and the ids are deterministic, so the queue's own deduplication and the
 * worker still recognise a repeat.
 *
 * @module
 */

/** Options for {@link RecentDeliveries}. */
export interface RecentDeliveriesOptions {
  /** How many ids are kept (default 5,000; the oldest go first). */
  capacity?: number;
  /** How long an id is kept (default 24 h, longer than Alertmanager's default repeat interval of 4 h). */
  ttlMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** A bounded, expiring set of ids. */
export class RecentDeliveries {
  readonly #seen = new Map<string, number>();
  readonly #capacity: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: RecentDeliveriesOptions = {}) {
    this.#capacity = options.capacity ?? 5_000;
    this.#ttlMs = options.ttlMs ?? 86_400_000;
    this.#now = options.now ?? Date.now;
  }

  /** Whether `id` was recorded within the time to live. */
  has(id: string): boolean {
    const at = this.#seen.get(id);
    if (at === undefined) return false;
    if (this.#now() - at < this.#ttlMs) return true;
    this.#seen.delete(id);
    return false;
  }

  /** Records `id` as queued now. */
  add(id: string): void {
    this.#seen.delete(id);
    this.#seen.set(id, this.#now());
    while (this.#seen.size > this.#capacity) {
      const oldest = this.#seen.keys().next().value;
      if (oldest === undefined) break;
      this.#seen.delete(oldest);
    }
  }
}
