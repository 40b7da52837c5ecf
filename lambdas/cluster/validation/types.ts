import type { DaemonSet, Deployment, StatefulSet } from '../kube-objects.js';

/** A layer's, or the whole validation's, conclusion. */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** What one check saw: a verdict, or `pending` while a rollout is still legitimately progressing. */
export type Observed = Verdict | 'pending';

/** One fact behind a verdict, e.g. `{object: 'Deployment/shop/web', field: 'status.readyReplicas', value: '2/4'}`. */
export interface Evidence {
  object: string;
  field: string;
  value: string;
  /**
   * Set on failing evidence that no amount of waiting will change: a pod state of the current
   * revision such as `CrashLoopBackOff` after 2 restarts or an image tag that does not exist.
   */
  definitive?: boolean;
}

/** What one check of one layer (for one workload, or combined) concluded, and why. */
export interface Observation {
  state: Observed;
  evidence: Evidence[];
  /** For a `fail`: whether it rests only on definitive evidence (see {@link Evidence.definitive}). */
  definitive?: boolean;
}

/** The three validation layers. */
export type Layer = 'rollout' | 'pods' | 'http';

/** Every layer, in report order. */
export const LAYERS: readonly Layer[] = ['rollout', 'pods', 'http'];

/** A workload object as listed from the API, tagged with its kind. */
export type Workload =
  | { kind: 'Deployment'; object: Deployment }
  | { kind: 'StatefulSet'; object: StatefulSet }
  | { kind: 'DaemonSet'; object: DaemonSet };

/** `Kind/namespace/name`, the `object` of evidence about a workload. */
export function objectName(ref: { kind: string; namespace: string; name: string }): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** `Kind/namespace/name` of a listed workload. */
export function workloadName(workload: Workload): string {
  return objectName({
    kind: workload.kind,
    namespace: workload.object.metadata?.namespace ?? '',
    name: workload.object.metadata?.name ?? '',
  });
}

const SEVERITY: Record<Observed, number> = { pass: 0, pending: 1, inconclusive: 2, fail: 3 };

/**
 * Combines observations of one check (several workloads, several probes) into one: the worst state
 * wins (fail > inconclusive > pending > pass). Evidence of every observation is kept, worst first.
 * A combined `fail` is definitive only when every failing observation is. No observations at all
 * is a pass.
 */
export function combine(observations: readonly Observation[]): Observation {
  const sorted = [...observations].sort((a, b) => SEVERITY[b.state] - SEVERITY[a.state]);
  const state = sorted[0]?.state ?? 'pass';
  const combined: Observation = { state, evidence: sorted.flatMap((observation) => observation.evidence) };
  if (state === 'fail') {
    combined.definitive = sorted
      .filter((observation) => observation.state === 'fail')
      .every((observation) => observation.definitive === true);
  }
  return combined;
}
