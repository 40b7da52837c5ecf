/**
 * The simulation's timeline: every step with its story time, who did it and what it means. The
 * stories' checks read its `kind`s and data, never its text, so the wording can change freely.
 *
 * @module
 */

/** Who acted. */
export type Actor = 'story' | 'git' | 'flux' | 'kubelet' | 'webhook' | 'worker' | 'alert';

/** What a step was, as the stories' checks know it. */
export type StepKind =
  | 'seeded'
  | 'image-update'
  | 'push'
  | 'fault'
  | 'artifact'
  | 'applied'
  | 'healthy'
  | 'health-check-failed'
  | 'health-check-canceled'
  | 'helm-action'
  | 'reconcile-requested'
  | 'event-posted'
  | 'decision'
  | 'validation-failed'
  | 'revert-started'
  | 'revert-pushed'
  | 'pull-request'
  | 'worker-failed'
  | 'dead-letter'
  | 'alert'
  | 'note';

/** One step. */
export interface TimelineStep {
  /** Story milliseconds since the simulation started. */
  atMs: number;
  actor: Actor;
  kind: StepKind;
  /** One line for people. */
  text: string;
  /** Facts the checks read (revision, status, state, reason ...). */
  data: Record<string, string | number | boolean | undefined>;
}

/** `mm:ss.s` of story time. */
export function clockText(ms: number): string {
  const totalSeconds = ms / 1000;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds - minutes * 60;
  return `${String(minutes).padStart(2, '0')}:${seconds.toFixed(1).padStart(4, '0')}`;
}

/** An append-only list of steps, with a listener for live printing. */
export class Timeline {
  readonly steps: TimelineStep[] = [];
  readonly #now: () => number;
  readonly #listeners: Array<(step: TimelineStep) => void> = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  add(actor: Actor, kind: StepKind, text: string, data: TimelineStep['data'] = {}): TimelineStep {
    const step: TimelineStep = { atMs: Math.round(this.#now()), actor, kind, text, data };
    this.steps.push(step);
    for (const listener of this.#listeners) listener(step);
    return step;
  }

  onStep(listener: (step: TimelineStep) => void): void {
    this.#listeners.push(listener);
  }

  /** Steps of a kind (and matching data, when given). */
  find(kind: StepKind, data: TimelineStep['data'] = {}): TimelineStep[] {
    return this.steps.filter(
      (s) => s.kind === kind && Object.entries(data).every(([k, v]) => s.data[k] === v),
    );
  }

  /** The first step of a kind (and data), or undefined. */
  first(kind: StepKind, data: TimelineStep['data'] = {}): TimelineStep | undefined {
    return this.find(kind, data)[0];
  }

  /** One line per step: `mm:ss.s  actor    text`. */
  render(): string[] {
    return this.steps.map((s) => `${clockText(s.atMs)}  ${s.actor.padEnd(7)}  ${s.text}`);
  }
}
