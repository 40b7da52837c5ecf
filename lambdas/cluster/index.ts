/**
 * Cluster access and rollout validation: the API the incident worker uses.
 *
 * ```ts
 * const connection = await connectToCluster(); // CLUSTER_NAME + AWS_REGION, or KUBECONFIG
 * const report = await validateRollout({ target, revision }, { reader: connection.reader });
 * await connection.close();
 * ```
 */
export {
  type ClusterConnection,
  type ConnectOptions,
  clearClusterCache,
  connectToCluster,
  describeEksCluster,
  type EksClusterInfo,
} from './cluster-connection.js';
export {
  createEksToken,
  type EksToken,
  EksTokenProvider,
  type ExecCredentialApiVersion,
  execCredential,
} from './eks-token.js';
export { ClusterUnavailableError, type KubeFailure, KubeRequestError } from './errors.js';
export type {
  FluxContext,
  FluxSource,
  FluxTargetKind,
  WorkloadRef,
} from './flux-context.js';
export type { DaemonSet, Deployment, Pod, ReplicaSet, Service, StatefulSet, Wire } from './kube-objects.js';
export { type ClusterReader, KubeReader, type KubeReaderOptions } from './kube-reader.js';
export { type LayerReport, SUMMARY_MAX_CHARS, type ValidationReport, type WorkloadReport } from './report.js';
export { HEALTH_ANNOTATIONS } from './validation/health.js';
export type { Evidence, Layer, Observed, Verdict } from './validation/types.js';
export {
  DEFAULT_CHECKS,
  DEFAULT_INTERVAL_MS,
  DEFAULT_PROBE_TIMEOUT_MS,
  type ValidateDeps,
  type ValidateRequest,
  type ValidationTarget,
  validateRollout,
} from './validation/validate.js';
