/**
 * How fluxguard honours GitHub's rate limits: a write pacer that lets a revert's handful of writes
 * through at once but slows a sustained stream, and a time budget for waits GitHub asks for.
 *
 * @module
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

/**
 * A stand-in for plugin-throttling's read and auth `Bottleneck.Group`s: at most `maxConcurrent`
 * requests at once, started in arrival order. Bottleneck costs about 5 ms per job on an idle
 * machine (its local datastore yields to the event loop with `setTimeout` several times per job),
 * and every request goes through two of them in plugin-throttling; this costs microtasks only.
 * It implements the one method the plugin calls: `key(id).schedule(options, fn, ...args)`.
 */
export class ConcurrencyLimiter {
  readonly #maxConcurrent: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(maxConcurrent = 10) {
    this.#maxConcurrent = maxConcurrent;
  }

  /** Bottleneck.Group compatibility: every key shares this limiter. */
  key(_id?: string): this {
    return this;
  }

  /** Runs `fn(...args)` when fewer than `maxConcurrent` jobs run; accepts Bottleneck's job options first. */
  async schedule(...input: unknown[]): Promise<unknown> {
    const args = typeof input[0] === 'function' ? input : input.slice(1);
    const fn = args[0] as Job;
    if (this.#running < this.#maxConcurrent) this.#running += 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await fn(...args.slice(1));
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}

/** A `failed` listener as Bottleneck calls it: a number of milliseconds asks for a retry after that wait. */
type FailedListener = (
  error: unknown,
  info: { args: unknown[]; retryCount: number },
) => number | undefined | Promise<number | undefined>;

/**
 * A stand-in for plugin-throttling's `retryLimiter` (a plain Bottleneck): runs each job at once and,
 * when it fails, asks the `failed` listeners (the plugin's rate-limit handling) whether to retry and
 * after how many milliseconds, as Bottleneck does. Without Bottleneck's per-job event-loop turns.
 */
export class RetryLimiter {
  readonly #listeners: FailedListener[] = [];
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(sleep?: (ms: number) => Promise<void>) {
    this.#sleep = sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Bottleneck compatibility: only `failed` listeners matter; other events are never emitted. */
  on(event: string, listener: FailedListener): this {
    if (event === 'failed') this.#listeners.push(listener);
    return this;
  }

  /** Runs `fn(...args)`, retrying while a `failed` listener answers with a wait. */
  async schedule(...input: unknown[]): Promise<unknown> {
    const args = typeof input[0] === 'function' ? input : input.slice(1);
    const fn = args[0] as Job;
    const rest = args.slice(1);
    for (let retryCount = 0; ; retryCount += 1) {
      try {
        return await fn(...rest);
      } catch (error) {
        const answers = await Promise.all(
          this.#listeners.map(async (listener) => {
            try {
              return await listener(error, { args: rest, retryCount });
            } catch {
              return undefined;
            }
          }),
        );
        const wait = answers.find((answer) => answer !== undefined && answer !== null);
        if (wait === undefined) throw error;
        await this.#sleep(Math.max(0, Math.trunc(Number(wait))));
      }
    }
  }
}
