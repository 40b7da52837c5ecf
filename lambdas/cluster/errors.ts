/**
 * The base of every error the cluster library throws, so a caller can tell them from bugs with one
 * `instanceof`.
 */
export class ClusterError extends Error {
  override name = 'ClusterError';
}

/**
 * The cluster cannot be reached at all: DescribeCluster failed, the cluster is not `ACTIVE`, or no
 * kubeconfig is available. Nothing was validated; the CLI exits 69 (unavailable).
 */
export class ClusterUnavailableError extends ClusterError {
  override name = 'ClusterUnavailableError';
}

/** Why a Kubernetes API request did not give an answer fluxguard can use. */
export type KubeFailure =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'server'
  | 'timeout'
  | 'network'
  | 'invalid';

/**
 * A Kubernetes API request failed. It is never evidence of a broken rollout: a layer that meets one
 * is `inconclusive` (a 403 means fluxguard's RBAC is missing a verb, a 5xx or timeout means the API
 * server is struggling).
 */
export class KubeRequestError extends ClusterError {
  override name = 'KubeRequestError';
  /** The HTTP status, when there was a response. */
  readonly status?: number;
  readonly failure: KubeFailure;
  /** What was asked for, e.g. `GET /api/v1/namespaces/shop/pods`. */
  readonly request: string;

  constructor(
    request: string,
    failure: KubeFailure,
    message: string,
    status?: number,
    options?: ErrorOptions,
  ) {
    super(`${request}: ${message}`, options);
    this.request = request;
    this.failure = failure;
    this.status = status;
  }
}

/** Maps an HTTP status from the API server to a {@link KubeFailure}. */
export function failureOfStatus(status: number): KubeFailure {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status >= 500 || status === 429) return 'server';
  return 'invalid';
}

/** A Flux object did not have the shape fluxguard needs (a field it reads is missing or mistyped). */
export class FluxObjectError extends ClusterError {
  override name = 'FluxObjectError';
}
