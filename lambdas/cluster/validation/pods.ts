import {
  conditionOf,
  isPodReady,
  type ObjectMeta,
  type Pod,
  type ReplicaSet,
  type StatefulSet,
} from '../kube-objects.js';
import { replicasToUpdate } from './rollout.js';
import { type Evidence, type Observation, type Observed, type Workload, workloadName } from './types.js';

/** Container waiting reasons that mean the pod will not become ready by itself. */
export const FAILING_WAIT_REASONS: ReadonlySet<string> = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** Restarts at or above this count are reported as evidence. */
export const RESTART_EVIDENCE_THRESHOLD = 3;

/** A crash loop or OOM kill is definitive once the container restarted this often. */
export const DEFINITIVE_RESTARTS = 2;

/**
 * How long an `Unschedulable` pod is taken for a scale-up waiting on a new node (cluster
 * autoscaler or Karpenter typically take 1-5 minutes) before it counts as a failure.
 */
export const UNSCHEDULABLE_GRACE_MS = 10 * 60_000;

/** The registry says the image or tag does not exist (containerd, Docker, ECR and GHCR wordings). */
const MISSING_IMAGE = /manifest unknown|\bnot found\b|code = NotFound/i;
/** Wordings that may also mean the node may not pull: never definitive. */
const PULL_REFUSED = /denied|unauthorized|forbidden|authoriz|authenticat/i;

function ownedBy(meta: ObjectMeta | undefined, owner: ObjectMeta | undefined, kind: string): boolean {
  return (meta?.ownerReferences ?? []).some(
    (ref) => ref.kind === kind && (owner?.uid ? ref.uid === owner.uid : ref.name === owner?.name),
  );
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

function podName(pod: Pod): string {
  return `Pod/${pod.metadata?.namespace}/${pod.metadata?.name}`;
}

/** The ReplicaSet of a Deployment's current revision (`deployment.kubernetes.io/revision`), else its newest. */
export function currentReplicaSet(
  workload: Workload,
  replicaSets: readonly ReplicaSet[],
): ReplicaSet | undefined {
  const owned = replicaSets.filter((rs) => ownedBy(rs.metadata, workload.object.metadata, 'Deployment'));
  const revision = workload.object.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  const byRevision = owned.find(
    (rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision,
  );
  if (revision && byRevision) return byRevision;
  return owned.sort(
    (a, b) =>
      Number(b.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0) -
      Number(a.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
  )[0];
}

/** The pods of a workload's current revision, and what its controller says about them. */
export interface CurrentPods {
  /** Pods of the current revision that are not terminal (`Failed` or `Succeeded`). */
  pods: Pod[];
  /** Terminal pods of the current revision: their controller replaced them. */
  replaced: Pod[];
  /** How many ready pods the workload wants. */
  desired: number;
  /** How many pods of the current revision the controller itself counts as ready. */
  controllerReady: number;
  /** How the current revision was told apart. */
  revision: Evidence;
  /** A Deployment without the ReplicaSet of its revision: its current pods cannot be told apart. */
  unknown?: boolean;
}

function statefulSetPods(workload: StatefulSet, owned: readonly Pod[]): Pod[] {
  const revision = workload.status?.updateRevision;
  const desired = workload.spec?.replicas ?? 1;
  const strategy = workload.spec?.updateStrategy;
  if (!revision || strategy?.type === 'OnDelete') return [...owned];
  // A partition keeps the pods whose ordinal is below it at whatever revision they run.
  const partition = desired - replicasToUpdate(workload);
  return owned.filter((pod) => {
    const ordinal = Number(/-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1] ?? Number.NaN);
    const updated = pod.metadata?.labels?.['controller-revision-hash'] === revision;
    return updated || ordinal < partition;
  });
}

function split(pods: readonly Pod[]): { pods: Pod[]; replaced: Pod[] } {
  return { pods: pods.filter((pod) => !isTerminal(pod)), replaced: pods.filter(isTerminal) };
}

/**
 * The pods of the workload's current revision, identified as its controller identifies them:
 * Deployment, the ReplicaSet of its revision; StatefulSet, `controller-revision-hash` against
 * `status.updateRevision` (every pod under `OnDelete`, and any revision below a partition);
 * DaemonSet, `pod-template-generation` against the template generation the API server records in
 * `deprecated.daemonset.template.generation` (not `metadata.generation`, which any spec change raises).
 */
export function currentPods(
  workload: Workload,
  replicaSets: readonly ReplicaSet[],
  pods: readonly Pod[],
): CurrentPods {
  const object = workloadName(workload);
  switch (workload.kind) {
    case 'Deployment': {
      const rs = currentReplicaSet(workload, replicaSets);
      const hash = rs?.metadata?.labels?.['pod-template-hash'];
      const current = rs ? pods.filter((pod) => ownedBy(pod.metadata, rs.metadata, 'ReplicaSet')) : [];
      return {
        ...split(current),
        desired: workload.object.spec?.replicas ?? 1,
        controllerReady: rs?.status?.readyReplicas ?? 0,
        revision: { object, field: 'pod-template-hash', value: hash ?? 'no ReplicaSet found' },
        ...(rs ? {} : { unknown: true }),
      };
    }
    case 'StatefulSet': {
      const status = workload.object.status;
      const owned = pods.filter((pod) => ownedBy(pod.metadata, workload.object.metadata, 'StatefulSet'));
      const allCurrent = replicasToUpdate(workload.object) === 0;
      return {
        ...split(statefulSetPods(workload.object, owned)),
        desired: workload.object.spec?.replicas ?? 1,
        controllerReady: allCurrent
          ? (status?.readyReplicas ?? 0)
          : Math.min(status?.readyReplicas ?? 0, status?.updatedReplicas ?? 0),
        revision: { object, field: 'status.updateRevision', value: status?.updateRevision ?? 'unknown' },
      };
    }
    case 'DaemonSet': {
      const status = workload.object.status;
      const generation = String(
        workload.object.metadata?.annotations?.['deprecated.daemonset.template.generation'] ??
          workload.object.metadata?.generation ??
          '',
      );
      const owned = pods.filter((pod) => ownedBy(pod.metadata, workload.object.metadata, 'DaemonSet'));
      const labelled = owned.filter((pod) => pod.metadata?.labels?.['pod-template-generation'] !== undefined);
      return {
        ...split(
          labelled.length > 0
            ? labelled.filter((pod) => pod.metadata?.labels?.['pod-template-generation'] === generation)
            : owned,
        ),
        desired: status?.desiredNumberScheduled ?? 0,
        controllerReady: Math.min(status?.numberReady ?? 0, status?.updatedNumberScheduled ?? 0),
        revision: { object, field: 'pod-template-generation', value: generation },
      };
    }
  }
}

/** What is wrong with one pod: failing, still-pending and informative evidence. */
export interface PodProblems {
  fail: Evidence[];
  /** States that are expected to resolve by themselves (a young `Unschedulable` pod). */
  pending: Evidence[];
  info: Evidence[];
}

type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

function isDefinitiveWait(reason: string, message: string, restarts: number): boolean {
  switch (reason) {
    case 'CrashLoopBackOff':
      return restarts >= DEFINITIVE_RESTARTS;
    case 'ErrImagePull':
    case 'ImagePullBackOff':
      return MISSING_IMAGE.test(message) && !PULL_REFUSED.test(message);
    case 'CreateContainerConfigError':
      return true;
    default:
      return false;
  }
}

function containerProblems(
  object: string,
  where: string,
  container: ContainerStatus,
  found: PodProblems,
): void {
  const waiting = container.state?.waiting;
  if (waiting?.reason && FAILING_WAIT_REASONS.has(waiting.reason)) {
    const definitive = isDefinitiveWait(waiting.reason, waiting.message ?? '', container.restartCount);
    found.fail.push({
      object,
      field: `${where}.state.waiting`,
      value: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`,
      ...(definitive ? { definitive } : {}),
    });
  }
  const terminated = container.lastState?.terminated;
  if (terminated?.reason === 'OOMKilled') {
    const evidence: Evidence = {
      object,
      field: `${where}.lastState.terminated`,
      value: `OOMKilled (exit ${terminated.exitCode})`,
    };
    if (container.ready) found.info.push(evidence);
    else
      found.fail.push(
        container.restartCount >= DEFINITIVE_RESTARTS ? { ...evidence, definitive: true } : evidence,
      );
  }
  if (container.restartCount >= RESTART_EVIDENCE_THRESHOLD) {
    found.info.push({ object, field: `${where}.restartCount`, value: String(container.restartCount) });
  }
}

/**
 * What is wrong with one pod of the current revision. An `Unschedulable` pod is pending while it is
 * younger than {@link UNSCHEDULABLE_GRACE_MS} (measured from `now`; without `now` it is not), then
 * failing; pull errors, crash loops, config errors and OOM kills of unready containers fail, and are
 * definitive in the cases {@link Evidence.definitive} describes.
 */
export function podProblems(pod: Pod, { now }: { now?: Date } = {}): PodProblems {
  const object = podName(pod);
  const found: PodProblems = { fail: [], pending: [], info: [] };
  const scheduled = conditionOf(pod.status?.conditions, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const since = Date.parse(scheduled.lastTransitionTime ?? pod.metadata?.creationTimestamp ?? '');
    const ageMs = now && !Number.isNaN(since) ? now.getTime() - since : undefined;
    const young = ageMs !== undefined && ageMs < UNSCHEDULABLE_GRACE_MS;
    const age = ageMs === undefined ? '' : ` (for ${Math.round(ageMs / 1000)} s)`;
    (young ? found.pending : found.fail).push({
      object,
      field: 'status.conditions[PodScheduled]',
      value: `Unschedulable${age}: ${scheduled.message ?? ''}`.trim(),
    });
  }
  for (const container of pod.status?.initContainerStatuses ?? []) {
    containerProblems(object, `status.initContainerStatuses[${container.name}]`, container, found);
  }
  for (const container of pod.status?.containerStatuses ?? []) {
    containerProblems(object, `status.containerStatuses[${container.name}]`, container, found);
  }
  return found;
}

/**
 * Layer 2, the pods of one workload's current revision: ready against desired, and the reasons
 * pods are not ready (crash loops, image pull errors, config errors, OOM kills, unschedulable).
 *
 * A failing reason on any current pod fails the layer (definitively when every such reason is).
 * Pods that ended (`Failed`, `Succeeded`: evicted, shut down) were replaced by their controller and
 * are only reported. Finding fewer ready current pods than the controller counts means fluxguard
 * could not tell the pods apart: `inconclusive`. Fewer ready pods than desired otherwise follows the
 * rollout layer while it is `pending` or `inconclusive`, and fails once it is not.
 */
export function assessPods(
  workload: Workload,
  current: CurrentPods,
  rollout: Observed,
  { now }: { now?: Date } = {},
): Observation {
  const object = workloadName(workload);
  if (current.unknown && current.desired > 0) {
    return { state: rollout === 'pending' ? 'pending' : 'inconclusive', evidence: [current.revision] };
  }
  const ready = current.pods.filter(isPodReady).length;
  const readiness: Evidence = { object, field: 'ready pods', value: `${ready}/${current.desired}` };
  const found: PodProblems = { fail: [], pending: [], info: [] };
  for (const pod of current.pods) {
    const problems = podProblems(pod, now ? { now } : {});
    found.fail.push(...problems.fail);
    found.pending.push(...problems.pending);
    found.info.push(...problems.info);
  }
  for (const pod of current.replaced) {
    found.info.push({
      object: podName(pod),
      field: 'status.phase',
      value: `${pod.status?.phase}${pod.status?.reason ? ` ${pod.status.reason}` : ''} (replaced; not counted)`,
    });
  }
  if (found.fail.length > 0) {
    return {
      state: 'fail',
      evidence: [readiness, current.revision, ...found.fail, ...found.pending, ...found.info],
      definitive: found.fail.every((evidence) => evidence.definitive === true),
    };
  }
  if (ready >= current.desired) return { state: 'pass', evidence: [readiness, ...found.info] };
  if (ready < Math.min(current.controllerReady, current.desired)) {
    const mismatch: Evidence = {
      object,
      field: 'ready pods',
      value: `the controller counts ${current.controllerReady} ready, fluxguard found ${ready} of the current revision`,
    };
    return { state: 'inconclusive', evidence: [readiness, current.revision, mismatch, ...found.info] };
  }
  const notReady = current.pods
    .filter((pod) => !isPodReady(pod))
    .map(
      (p): Evidence => ({
        object: podName(p),
        field: 'status.conditions[Ready]',
        value: `${p.status?.phase ?? 'Unknown'}, not ready`,
      }),
    );
  const waitingOnNodes = found.pending.length > 0 && rollout !== 'fail' ? 'pending' : undefined;
  const state: Observed =
    waitingOnNodes ?? (rollout === 'pending' || rollout === 'inconclusive' ? rollout : 'fail');
  return { state, evidence: [readiness, current.revision, ...found.pending, ...notReady, ...found.info] };
}
