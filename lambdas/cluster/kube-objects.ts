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
