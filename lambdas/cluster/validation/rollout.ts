import {
  conditionOf,
  type DaemonSet,
  type Deployment,
  describeCondition,
  isPodReady,
  type Pod,
  type StatefulSet,
} from '../kube-objects.js';
import { type Evidence, type Observation, type Workload, workloadName } from './types.js';

/** The Deployment controller's default `spec.progressDeadlineSeconds`. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** What the rollout layer may know besides the workload itself. */
export interface RolloutContext {
  /** The time of the check. */
  now?: Date;
  /** The pods of the workload's current revision (see `currentPods`). */
  currentPods?: readonly Pod[];
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

/**
 * When the current revision's shortfall of ready pods began: the earliest time one of its pods that
 * is not ready became so (its `Ready` condition's transition, else its creation). Undefined when no
 * such pod was found.
 */
export function shortfallSince(pods: readonly Pod[]): Date | undefined {
  const times = pods
    .filter((pod) => !isPodReady(pod))
    .map((pod) => {
      const ready = conditionOf(pod.status?.conditions, 'Ready');
      return Date.parse(ready?.lastTransitionTime ?? pod.metadata?.creationTimestamp ?? '');
    })
    .filter((time) => !Number.isNaN(time));
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

/**
 * After the controller reported the rollout complete (`NewReplicaSetAvailable`), fewer ready
 * replicas than desired are a scale-up starting (an HPA, a new node) or pods that stopped being
 * ready. That is a failure only once it has lasted longer than the progress deadline; before, or
 * when its start is unknown, it is pending.
 */
function settledShortfall(deployment: Deployment, numbers: Evidence[], context: RolloutContext): Observation {
  const object = workloadName({ kind: 'Deployment', object: deployment });
  const deadlineSeconds = deployment.spec?.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  const since = shortfallSince(context.currentPods ?? []);
  if (!since || !context.now) {
    return {
      state: 'pending',
      evidence: [...numbers, { object, field: 'ready pods', value: 'not ready since an unknown time' }],
    };
  }
  const lastedSeconds = Math.round((context.now.getTime() - since.getTime()) / 1000);
  const lasted: Evidence = {
    object,
    field: 'ready pods',
    value: `short for ${lastedSeconds} s (progressDeadlineSeconds ${deadlineSeconds})`,
  };
  return { state: lastedSeconds > deadlineSeconds ? 'fail' : 'pending', evidence: [...numbers, lasted] };
}

function deployment(workload: Deployment, context: RolloutContext): Observation {
  const object = workloadName({ kind: 'Deployment', object: workload });
  const desired = workload.spec?.replicas ?? 1;
  const status = workload.status ?? {};
  const evidence: Evidence[] = [];
  const lag = generationLag(object, workload.metadata?.generation, status.observedGeneration);
  const progressing = conditionOf(status.conditions, 'Progressing');
  const replicaFailure = conditionOf(status.conditions, 'ReplicaFailure');
  const numbers = [
    counts(object, 'status.updatedReplicas', status.updatedReplicas, desired),
    counts(object, 'status.readyReplicas', status.readyReplicas, desired),
    counts(object, 'status.availableReplicas', status.availableReplicas, desired),
  ];
  const failedCondition =
    progressing?.reason === 'ProgressDeadlineExceeded'
      ? { field: 'status.conditions[Progressing]', condition: progressing }
      : replicaFailure?.status === 'True'
        ? { field: 'status.conditions[ReplicaFailure]', condition: replicaFailure }
        : undefined;
  if (failedCondition) {
    return {
      state: 'fail',
      evidence: [
        { object, field: failedCondition.field, value: describeCondition(failedCondition.condition) },
        ...numbers,
      ],
    };
  }
  if (workload.spec?.paused)
    evidence.push({ object, field: 'spec.paused', value: 'true: the rollout is paused' });
  if (lag) return { state: 'pending', evidence: [lag, ...evidence] };
  const complete =
    (status.updatedReplicas ?? 0) >= desired &&
    (status.readyReplicas ?? 0) >= desired &&
    (status.availableReplicas ?? 0) >= desired &&
    (status.replicas ?? 0) <= desired;
  if (complete) {
    return {
      state: 'pass',
      evidence: [...evidence, counts(object, 'status.readyReplicas', status.readyReplicas, desired)],
    };
  }
  if (status.replicas !== undefined && status.replicas > desired) {
    numbers.push({
      object,
      field: 'status.replicas',
      value: `${status.replicas} (old replicas still running)`,
    });
  }
  if (progressing) {
    numbers.unshift({
      object,
      field: 'status.conditions[Progressing]',
      value: describeCondition(progressing),
    });
  }
  if (workload.spec?.paused) return { state: 'inconclusive', evidence: [...evidence, ...numbers] };
  if (progressing?.reason === 'NewReplicaSetAvailable') return settledShortfall(workload, numbers, context);
  return { state: 'pending', evidence: numbers };
}

/** How many replicas a StatefulSet's update strategy moves to the update revision. */
export function replicasToUpdate(statefulSet: StatefulSet): number {
  const desired = statefulSet.spec?.replicas ?? 1;
  const strategy = statefulSet.spec?.updateStrategy;
  if (strategy?.type === 'OnDelete') return 0;
  return Math.max(0, desired - (strategy?.rollingUpdate?.partition ?? 0));
}

function statefulSet(workload: StatefulSet): Observation {
  const object = workloadName({ kind: 'StatefulSet', object: workload });
  const desired = workload.spec?.replicas ?? 1;
  const status = workload.status ?? { replicas: 0 };
  const lag = generationLag(object, workload.metadata?.generation, status.observedGeneration);
  if (lag) return { state: 'pending', evidence: [lag] };
  const numbers = [
    counts(object, 'status.updatedReplicas', status.updatedReplicas, desired),
    counts(object, 'status.readyReplicas', status.readyReplicas, desired),
    counts(object, 'status.availableReplicas', status.availableReplicas ?? status.readyReplicas, desired),
  ];
  // OnDelete replaces no pod by itself, and a partition keeps the pods below it at the current
  // revision: the update is done once the pods the strategy moves are updated.
  const toUpdate = replicasToUpdate(workload);
  const updated = (status.updatedReplicas ?? 0) >= toUpdate;
  const revisionDone =
    toUpdate < desired ? updated : !status.updateRevision || status.currentRevision === status.updateRevision;
  if (
    updated &&
    revisionDone &&
    (status.readyReplicas ?? 0) >= desired &&
    (status.availableReplicas ?? desired) >= desired
  ) {
    return {
      state: 'pass',
      evidence: [counts(object, 'status.readyReplicas', status.readyReplicas, desired)],
    };
  }
  if (!revisionDone) {
    numbers.push({
      object,
      field: 'status.updateRevision',
      value: `${status.updateRevision} (current ${status.currentRevision})`,
    });
  }
  // StatefulSets have no progress deadline: the pods layer finds crash loops and pull errors.
  return { state: 'pending', evidence: numbers };
}

function daemonSet(workload: DaemonSet): Observation {
  const object = workloadName({ kind: 'DaemonSet', object: workload });
  const status = workload.status ?? {
    currentNumberScheduled: 0,
    desiredNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
  };
  const desired = status.desiredNumberScheduled;
  const lag = generationLag(object, workload.metadata?.generation, status.observedGeneration);
  if (lag) return { state: 'pending', evidence: [lag] };
  const numbers = [
    counts(object, 'status.updatedNumberScheduled', status.updatedNumberScheduled, desired),
    counts(object, 'status.numberReady', status.numberReady, desired),
    counts(object, 'status.numberAvailable', status.numberAvailable, desired),
  ];
  if (
    (status.updatedNumberScheduled ?? 0) >= desired &&
    status.numberReady >= desired &&
    (status.numberAvailable ?? 0) >= desired
  ) {
    return { state: 'pass', evidence: [counts(object, 'status.numberReady', status.numberReady, desired)] };
  }
  return { state: 'pending', evidence: numbers };
}

/**
 * Layer 1, rollout status of one workload: `observedGeneration` caught up; updated, ready and
 * available replicas against desired; for a Deployment the `Progressing` condition
 * (`ProgressDeadlineExceeded` fails, `NewReplicaSetAvailable` means the controller finished) and
 * `ReplicaFailure`. A paused, unfinished rollout is `inconclusive`; an unfinished one is `pending`;
 * a shortfall after the controller finished fails only once it outlasted the progress deadline.
 */
export function assessRollout(workload: Workload, context: RolloutContext = {}): Observation {
  switch (workload.kind) {
    case 'Deployment':
      return deployment(workload.object, context);
    case 'StatefulSet':
      return statefulSet(workload.object);
    case 'DaemonSet':
      return daemonSet(workload.object);
  }
}
