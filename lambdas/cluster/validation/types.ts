/** A layer's, or the whole validation's, conclusion. */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** What one check saw: a verdict, or `pending` while a rollout is still legitimately progressing. */
export type Observed = Verdict | 'pending';

/** One fact behind a verdict, e.g. `{object: 'Deployment/shop/web', field: 'status.readyReplicas', value: '2/4'}`. */
export interface Evidence {
  object: string;
  field: string;
  value: string;
}

/** What one check of one layer (for one workload, or combined) concluded, and why. */
export interface Observation {
  state: Observed;
  evidence: Evidence[];
}

/** The three validation layers. */
export type Layer = 'rollout' | 'pods' | 'http';

/** Every layer, in report order. */
export const LAYERS: readonly Layer[] = ['rollout', 'pods', 'http'];

/** `Kind/namespace/name`, the `object` of evidence about a workload. */
export function objectName(ref: { kind: string; namespace: string; name: string }): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

const SEVERITY: Record<Observed, number> = { pass: 0, pending: 1, inconclusive: 2, fail: 3 };

/**
 * Combines observations of one check (several workloads, several probes) into one: the worst state
 * wins (fail > inconclusive > pending > pass). Evidence of every observation is kept, worst first.
 * No observations at all is a pass.
 */
export function combine(observations: readonly Observation[]): Observation {
  const sorted = [...observations].sort((a, b) => SEVERITY[b.state] - SEVERITY[a.state]);
  return {
    state: sorted[0]?.state ?? 'pass',
    evidence: sorted.flatMap((o) => o.evidence),
  };
}
