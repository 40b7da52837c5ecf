import type {
  V1DaemonSet,
  V1Deployment,
  V1ObjectMeta,
  V1Pod,
  V1ReplicaSet,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';

/**
 * A client-node model as the API server's JSON carries it: `Date` fields are RFC 3339 strings.
 * The reader parses responses as plain JSON (client-node's model classes cost most of a cold
 * validation pass), so these are the honest types of what it returns.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type Deployment = Wire<V1Deployment>;
export type StatefulSet = Wire<V1StatefulSet>;
export type DaemonSet = Wire<V1DaemonSet>;
export type ReplicaSet = Wire<V1ReplicaSet>;
export type Pod = Wire<V1Pod>;
export type Service = Wire<V1Service>;
export type ObjectMeta = Wire<V1ObjectMeta>;

/** A status condition, as Flux objects and apps/v1 workloads report them. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** The condition of `type` among `conditions`, if reported. */
export function conditionOf(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/** A condition as evidence reads it: `False ProgressDeadlineExceeded: ReplicaSet "web-5d" has timed out…`. */
export function describeCondition(condition: Condition): string {
  const reason = condition.reason ? ` ${condition.reason}` : '';
  return `${condition.status}${reason}${condition.message ? `: ${condition.message}` : ''}`;
}

/** Whether the pod's `Ready` condition is `True`. */
export function isPodReady(pod: Pod): boolean {
  return conditionOf(pod.status?.conditions, 'Ready')?.status === 'True';
}
