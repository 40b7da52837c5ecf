import type { Condition } from '../flux-context.js';
import type { DaemonSet, Deployment, StatefulSet } from '../kube-objects.js';
import { type Evidence, type Observation, objectName } from './types.js';

/** A workload object as listed from the API, tagged with its kind. */
export type Workload =
  | { kind: 'Deployment'; object: Deployment }
  | { kind: 'StatefulSet'; object: StatefulSet }
  | { kind: 'DaemonSet'; object: DaemonSet };

/** `Kind/namespace/name` of a listed workload. */
export function workloadName(workload: Workload): string {
  return objectName({
    kind: workload.kind,
    namespace: workload.object.metadata?.namespace ?? '',
    name: workload.object.metadata?.name ?? '',
  });
}

function condition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function describe(c: Condition): string {
  return `${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`;
}

/** Whether the controller has seen the latest spec; evidence when it has not. */
function generationLag(object: string, generation?: number, observed?: number): Evidence | undefined {
  if (generation === undefined || observed === undefined || observed >= generation) return undefined;
  return {
    object,
    field: 'status.observedGeneration',
    value: `${observed} < metadata.generation ${generation}`,
  };
}

function counts(object: string, field: string, value: number | undefined, desired: number): Evidence {
  return { object, field, value: `${value ?? 0}/${desired}` };
}

function deployment(d: Deployment): Observation {
  const object = workloadName({ kind: 'Deployment', object: d });
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const evidence: Evidence[] = [];
  const lag = generationLag(object, d.metadata?.generation, s.observedGeneration);
  const progressing = condition(s.conditions, 'Progressing');
  const replicaFailure = condition(s.conditions, 'ReplicaFailure');
  const numbers = [
    counts(object, 'status.updatedReplicas', s.updatedReplicas, desired),
    counts(object, 'status.readyReplicas', s.readyReplicas, desired),
    counts(object, 'status.availableReplicas', s.availableReplicas, desired),
  ];
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'fail',
      evidence: [
        { object, field: 'status.conditions[Progressing]', value: describe(progressing) },
        ...numbers,
      ],
    };
  }
  if (replicaFailure?.status === 'True') {
    return {
      state: 'fail',
      evidence: [
        { object, field: 'status.conditions[ReplicaFailure]', value: describe(replicaFailure) },
        ...numbers,
      ],
    };
  }
  if (d.spec?.paused) evidence.push({ object, field: 'spec.paused', value: 'true: the rollout is paused' });
  if (lag) return { state: 'pending', evidence: [lag, ...evidence] };
  const complete =
    (s.updatedReplicas ?? 0) >= desired &&
    (s.readyReplicas ?? 0) >= desired &&
    (s.availableReplicas ?? 0) >= desired &&
    (s.replicas ?? 0) <= desired;
  if (complete) {
    return {
      state: 'pass',
      evidence: [...evidence, counts(object, 'status.readyReplicas', s.readyReplicas, desired)],
    };
  }
  if (s.replicas !== undefined && s.replicas > desired) {
    numbers.push({ object, field: 'status.replicas', value: `${s.replicas} (old replicas still running)` });
  }
  if (progressing)
    numbers.unshift({ object, field: 'status.conditions[Progressing]', value: describe(progressing) });
  if (d.spec?.paused) return { state: 'inconclusive', evidence: [...evidence, ...numbers] };
  // The controller says the rollout finished, yet fewer replicas are ready or available: pods
  // stopped being ready after the rollout (or never were, with a lenient maxUnavailable).
  if (progressing?.reason === 'NewReplicaSetAvailable') return { state: 'fail', evidence: numbers };
  return { state: 'pending', evidence: numbers };
}

function statefulSet(st: StatefulSet): Observation {
  const object = workloadName({ kind: 'StatefulSet', object: st });
  const desired = st.spec?.replicas ?? 1;
  const s = st.status ?? { replicas: 0 };
  const lag = generationLag(object, st.metadata?.generation, s.observedGeneration);
  if (lag) return { state: 'pending', evidence: [lag] };
  const numbers = [
    counts(object, 'status.updatedReplicas', s.updatedReplicas, desired),
    counts(object, 'status.readyReplicas', s.readyReplicas, desired),
    counts(object, 'status.availableReplicas', s.availableReplicas ?? s.readyReplicas, desired),
  ];
  const onDelete = st.spec?.updateStrategy?.type === 'OnDelete';
  const updated = onDelete || (s.updatedReplicas ?? 0) >= desired;
  const revisionDone = onDelete || !s.updateRevision || s.currentRevision === s.updateRevision;
  if (
    updated &&
    revisionDone &&
    (s.readyReplicas ?? 0) >= desired &&
    (s.availableReplicas ?? desired) >= desired
  ) {
    return { state: 'pass', evidence: [counts(object, 'status.readyReplicas', s.readyReplicas, desired)] };
  }
  if (!revisionDone) {
    numbers.push({
      object,
      field: 'status.updateRevision',
      value: `${s.updateRevision} (current ${s.currentRevision})`,
    });
  }
  // StatefulSets have no progress deadline: the pods layer finds crash loops and pull errors.
  return { state: 'pending', evidence: numbers };
}

function daemonSet(ds: DaemonSet): Observation {
  const object = workloadName({ kind: 'DaemonSet', object: ds });
  const s = ds.status ?? {
    currentNumberScheduled: 0,
    desiredNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
  };
  const desired = s.desiredNumberScheduled;
  const lag = generationLag(object, ds.metadata?.generation, s.observedGeneration);
  if (lag) return { state: 'pending', evidence: [lag] };
  const numbers = [
    counts(object, 'status.updatedNumberScheduled', s.updatedNumberScheduled, desired),
    counts(object, 'status.numberReady', s.numberReady, desired),
    counts(object, 'status.numberAvailable', s.numberAvailable, desired),
  ];
  if (
    (s.updatedNumberScheduled ?? 0) >= desired &&
    s.numberReady >= desired &&
    (s.numberAvailable ?? 0) >= desired
  ) {
    return { state: 'pass', evidence: [counts(object, 'status.numberReady', s.numberReady, desired)] };
  }
  return { state: 'pending', evidence: numbers };
}

/**
 * Layer 1, rollout status of one workload: `observedGeneration` caught up; updated, ready and
 * available replicas against desired; for a Deployment the `Progressing` condition
 * (`ProgressDeadlineExceeded` fails, `NewReplicaSetAvailable` means the controller finished) and
 * `ReplicaFailure`. A paused, unfinished rollout is `inconclusive`; an unfinished one is `pending`.
 */
export function assessRollout(workload: Workload): Observation {
  switch (workload.kind) {
    case 'Deployment':
      return deployment(workload.object);
    case 'StatefulSet':
      return statefulSet(workload.object);
    case 'DaemonSet':
      return daemonSet(workload.object);
  }
}
