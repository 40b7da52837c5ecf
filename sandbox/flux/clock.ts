/**
 * Story time for the simulation: every duration the simulated cluster and the guard wait for
 * (Flux intervals and timeouts, pod start-up, crash-loop back-off, confirmation checks) is divided
 * by `scale`, so `--fast` plays a five-minute story in seconds while the timeline still reads in
 * the durations a real cluster would take.
 *
 * @module
 */

/** A clock whose durations run `scale` times faster than the wall clock. */
export class StoryClock {
  /** How many story milliseconds pass per wall-clock millisecond (1 = real time). */
  readonly scale: number;
  readonly #startedAt: number;
  readonly #epoch: number;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #sleepers = new Set<() => void>();
  #stopped = false;

  constructor(scale = 1) {
    if (!(scale >= 1)) throw new RangeError(`the time scale must be at least 1, got ${scale}`);
    this.scale = scale;
    this.#startedAt = performance.now();
    this.#epoch = Date.now();
  }

  /** The story's wall-clock time: the start plus the story time elapsed since. */
  now(): Date {
    return new Date(this.#epoch + this.elapsedMs());
  }

  /** {@link now} as Kubernetes prints times: RFC 3339, UTC, second precision. */
  timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  /** Story milliseconds since the clock started. */
  elapsedMs(): number {
    return (performance.now() - this.#startedAt) * this.scale;
  }

  /** The wall-clock milliseconds a story duration takes. */
  wallMs(storyMs: number): number {
    return storyMs / this.scale;
  }

  /** Resolves after `storyMs` of story time; at once when the clock stops (or has stopped). */
  sleep(storyMs: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.#timers.delete(timer);
          this.#sleepers.delete(resolve);
          resolve();
        },
        Math.max(0, this.wallMs(storyMs)),
      );
      this.#timers.add(timer);
      this.#sleepers.add(resolve);
    });
  }

  /** Runs `action` after `storyMs` unless the clock is stopped first. */
  after(storyMs: number, action: () => void): void {
    if (this.#stopped) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        if (!this.#stopped) action();
      },
      Math.max(0, this.wallMs(storyMs)),
    );
    this.#timers.add(timer);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Cancels every pending {@link after}; pending sleeps resolve at once. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const wake of this.#sleepers) wake();
    this.#sleepers.clear();
  }
}

/** `1m30s`, `5m0s`, `45s`, `250ms`: a duration the way Flux prints one. */
export function fluxDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Parses a Flux/Go duration (`10m`, `5m0s`, `1h`, `30s`, `500ms`) into milliseconds. */
export function parseGoDuration(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = '';
  for (const match of text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(match[1]) * (units[match[2] ?? 's'] ?? 0);
    matched += match[0];
  }
  if (matched === '' || matched !== text.trim()) throw new RangeError(`"${text}" is not a Go duration`);
  return total;
}
