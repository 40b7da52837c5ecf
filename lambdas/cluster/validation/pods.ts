import type { ObjectMeta, Pod, ReplicaSet } from '../kube-objects.js';
import { type Workload, workloadName } from './rollout.js';
import type { Evidence, Observation, Observed } from './types.js';

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

function ownedBy(meta: ObjectMeta | undefined, owner: ObjectMeta | undefined, kind: string): boolean {
  return (meta?.ownerReferences ?? []).some(
    (ref) => ref.kind === kind && (owner?.uid ? ref.uid === owner.uid : ref.name === owner?.name),
  );
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

/** The pods of the workload's current revision, how many it wants, and how that was decided. */
export function currentPods(
  workload: Workload,
  replicaSets: readonly ReplicaSet[],
  pods: readonly Pod[],
): { pods: Pod[]; desired: number; revision: Evidence } {
  const object = workloadName(workload);
  switch (workload.kind) {
    case 'Deployment': {
      const rs = currentReplicaSet(workload, replicaSets);
      const hash = rs?.metadata?.labels?.['pod-template-hash'];
      const current = rs ? pods.filter((p) => ownedBy(p.metadata, rs.metadata, 'ReplicaSet')) : [];
      return {
        pods: current,
        desired: workload.object.spec?.replicas ?? 1,
        revision: { object, field: 'pod-template-hash', value: hash ?? 'no ReplicaSet found' },
      };
    }
    case 'StatefulSet': {
      const revision = workload.object.status?.updateRevision;
      const owned = pods.filter((p) => ownedBy(p.metadata, workload.object.metadata, 'StatefulSet'));
      return {
        pods: revision
          ? owned.filter((p) => p.metadata?.labels?.['controller-revision-hash'] === revision)
          : owned,
        desired: workload.object.spec?.replicas ?? 1,
        revision: { object, field: 'status.updateRevision', value: revision ?? 'unknown' },
      };
    }
    case 'DaemonSet': {
      const generation = String(workload.object.metadata?.generation ?? '');
      const owned = pods.filter((p) => ownedBy(p.metadata, workload.object.metadata, 'DaemonSet'));
      const labelled = owned.filter((p) => p.metadata?.labels?.['pod-template-generation'] !== undefined);
      return {
        pods:
          labelled.length > 0
            ? labelled.filter((p) => p.metadata?.labels?.['pod-template-generation'] === generation)
            : owned,
        desired: workload.object.status?.desiredNumberScheduled ?? 0,
        revision: { object, field: 'pod-template-generation', value: generation },
      };
    }
  }
}

function isReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** What is wrong with one pod, as failing evidence (`fail`) and informative evidence (`info`). */
export function podProblems(pod: Pod): { fail: Evidence[]; info: Evidence[] } {
  const object = `Pod/${pod.metadata?.namespace}/${pod.metadata?.name}`;
  const fail: Evidence[] = [];
  const info: Evidence[] = [];
  if (pod.status?.phase === 'Failed') {
    fail.push({
      object,
      field: 'status.phase',
      value: `Failed${pod.status.reason ? ` ${pod.status.reason}` : ''}`,
    });
  }
  const scheduled = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    fail.push({
      object,
      field: 'status.conditions[PodScheduled]',
      value: `Unschedulable: ${scheduled.message ?? ''}`.trim(),
    });
  }
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []).map((s) => ({ s, field: 'initContainerStatuses' })),
    ...(pod.status?.containerStatuses ?? []).map((s) => ({ s, field: 'containerStatuses' })),
  ];
  for (const { s, field } of statuses) {
    const where = `status.${field}[${s.name}]`;
    const waiting = s.state?.waiting;
    if (waiting?.reason && FAILING_WAIT_REASONS.has(waiting.reason)) {
      fail.push({
        object,
        field: `${where}.state.waiting`,
        value: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`,
      });
    }
    const terminated = s.lastState?.terminated;
    if (terminated?.reason === 'OOMKilled') {
      (s.ready ? info : fail).push({
        object,
        field: `${where}.lastState.terminated`,
        value: `OOMKilled (exit ${terminated.exitCode})`,
      });
    }
    if (s.restartCount >= RESTART_EVIDENCE_THRESHOLD) {
      info.push({ object, field: `${where}.restartCount`, value: String(s.restartCount) });
    }
  }
  return { fail, info };
}

/**
 * Layer 2, the pods of one workload's current revision: ready against desired, and the reasons
 * pods are not ready (crash loops, image pull errors, config errors, OOM kills, unschedulable).
 *
 * A failing reason on any current pod fails the layer. Fewer ready pods than desired fails it too,
 * unless the rollout layer says the rollout is still progressing (`pending`) or could not be judged
 * (`inconclusive`, e.g. paused), in which case the pods layer says the same.
 */
export function assessPods(
  workload: Workload,
  replicaSets: readonly ReplicaSet[],
  pods: readonly Pod[],
  rollout: Observed,
): Observation {
  const object = workloadName(workload);
  const current = currentPods(workload, replicaSets, pods);
  if (workload.kind === 'Deployment' && current.desired > 0 && !currentReplicaSet(workload, replicaSets)) {
    // Without the current ReplicaSet the current pods cannot be told apart: not a verdict.
    return { state: rollout === 'pending' ? 'pending' : 'inconclusive', evidence: [current.revision] };
  }
  const ready = current.pods.filter(isReady).length;
  const readiness: Evidence = { object, field: 'ready pods', value: `${ready}/${current.desired}` };
  const fail: Evidence[] = [];
  const info: Evidence[] = [];
  for (const pod of current.pods) {
    const problems = podProblems(pod);
    fail.push(...problems.fail);
    info.push(...problems.info);
  }
  if (fail.length > 0) return { state: 'fail', evidence: [readiness, current.revision, ...fail, ...info] };
  if (ready >= current.desired) return { state: 'pass', evidence: [readiness, ...info] };
  const notReady = current.pods
    .filter((p) => !isReady(p))
    .map(
      (p): Evidence => ({
        object: `Pod/${p.metadata?.namespace}/${p.metadata?.name}`,
        field: 'status.conditions[Ready]',
        value: `${p.status?.phase ?? 'Unknown'}, not ready`,
      }),
    );
  const state: Observed = rollout === 'pending' || rollout === 'inconclusive' ? rollout : 'fail';
  return { state, evidence: [readiness, current.revision, ...notReady, ...info] };
}
