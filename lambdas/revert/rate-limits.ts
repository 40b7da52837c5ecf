/**
 * How fluxguard honours GitHub's rate limits: a write pacer that lets a revert's handful of writes
 * through at once but slows a sustained stream, and a time budget for waits GitHub asks for.
 */

/** Options of {@link WritePacer}. */
export interface WritePacerOptions {
  /** Writes allowed back to back before pacing starts (default 10: a revert makes at most 5). */
  burst?: number;
  /** Sustained writes per second once the burst is spent (default 1, i.e. 60/min, under GitHub's 80/min). */
  perSecond?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

type Job = (...args: unknown[]) => unknown;

/**
 * A token bucket standing in for plugin-throttling's `write` Bottleneck group. Writes run one at a
 * time (GitHub asks for serial requests); the first `burst` go at once, then one per
 * `1 / perSecond` seconds. plugin-throttling's default, ≥1 s between every write, would cost a
 * three-write revert 2 s for no benefit: GitHub's limit is 80 content-creating requests per minute.
 * It implements the one method the plugin calls: `key(id).schedule(options, fn, ...args)`.
 */
export class WritePacer {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #tokens: number;
  #updated: number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor({ burst = 10, perSecond = 1, now = Date.now, sleep }: WritePacerOptions = {}) {
    this.#capacity = burst;
    this.#refillPerMs = perSecond / 1000;
    this.#now = now;
    this.#sleep = sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#tokens = burst;
    this.#updated = now();
  }

  /** Bottleneck.Group compatibility: every key shares this pacer. */
  key(_id?: string): this {
    return this;
  }

  /** Runs `fn(...args)` when a write token is available; accepts Bottleneck's optional job options first. */
  schedule(...input: unknown[]): Promise<unknown> {
    const args = typeof input[0] === 'function' ? input : input.slice(1);
    const fn = args[0] as Job;
    const run = this.#queue.then(async () => {
      await this.#take();
      return fn(...args.slice(1));
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #take(): Promise<void> {
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#updated) * this.#refillPerMs);
    this.#updated = now;
    if (this.#tokens < 1) {
      const wait = Math.ceil((1 - this.#tokens) / this.#refillPerMs);
      await this.#sleep(wait);
      this.#tokens = 1;
      this.#updated = this.#now();
    }
    this.#tokens -= 1;
  }
}

/**
 * The time fluxguard may spend waiting for GitHub's rate limits. A Lambda restarts it per
 * invocation (e.g. with the remaining time minus a margin).
 */
export class TimeBudget {
  #deadline: number;
  readonly #now: () => number;

  constructor(totalMs = 60_000, now: () => number = Date.now) {
    this.#now = now;
    this.#deadline = now() + totalMs;
  }

  /** Starts over with `totalMs` from now. */
  restart(totalMs: number): void {
    this.#deadline = this.#now() + totalMs;
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.#deadline - this.#now());
  }

  /** Whether a wait of `ms` still fits. */
  allows(ms: number): boolean {
    return ms <= this.remainingMs();
  }
}
