/**
 * Cluster access and rollout validation: the API the incident worker and the CLI use. Values come
 * from the caller (a function's config module, or the CLI); nothing here reads the environment.
 *
 * ```ts
 * const connection = await connectToCluster({ clusterName: 'fluxguard-production', region: 'eu-central-1' });
 * try {
 *   const report = await validateRollout({ target, revision }, { reader: connection.reader });
 *   if (report.verdict === 'fail' && report.definitiveFailure) {
 *     // a crash loop, a missing image tag…: no need to wait for Flux's own timeout
 *   }
 * } finally {
 *   await connection.close();
 * }
 * ```
 *
 * @module
 */
export {
  type ClusterConnection,
  type ConnectOptions,
  clearClusterCache,
  connectToCluster,
  describeEksCluster,
  type EksClusterInfo,
  endpointFromKubeConfig,
} from './cluster-connection.js';
export {
  createEksToken,
  type EksToken,
  EksTokenProvider,
  type ExecCredentialApiVersion,
  execCredential,
} from './eks-token.js';
export {
  ClusterError,
  ClusterUnavailableError,
  FluxObjectError,
  type KubeFailure,
  KubeRequestError,
} from './errors.js';
export {
  Http1Transport,
  Http2Transport,
  type HttpAnswer,
  type HttpRequest,
  type HttpTransport,
  type TlsSettings,
} from './http-transport.js';
export { KubeApiClient, type KubeApiRequest } from './kube-api.js';
export { type EksEndpointInfo, eksEndpoint, type KubeEndpoint, transportFor } from './kube-endpoint.js';
export type {
  Condition,
  DaemonSet,
  Deployment,
  Pod,
  ReplicaSet,
  Service,
  StatefulSet,
  Wire,
} from './kube-objects.js';
export { type ClusterReader, KubeReader, type KubeReaderOptions } from './kube-reader.js';
export type {
  FluxContext,
  FluxSource,
  FluxTargetKind,
  HelmReleaseStatus,
  ObjectRef,
  WorkloadKind,
  WorkloadRef,
} from './validation/flux-context.js';
export { HEALTH_ANNOTATIONS } from './validation/health.js';
export { type HealthUrlOptions, isPublicAddress } from './validation/health-url.js';
export {
  type LayerReport,
  type ReleaseReport,
  SUMMARY_MAX_CHARS,
  type ValidationReport,
  type WorkloadReport,
} from './validation/report.js';
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
