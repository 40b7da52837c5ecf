/**
 * The two Kubernetes requests the worker makes besides validation: GET one object, and a JSON
 * merge patch (`application/merge-patch+json`). Authentication and TLS come from the endpoint
 * (the cluster CA is the only one trusted); every request has a timeout.
 *
 * @module
 */
import { KubeApiClient, type KubeApiRequest, type KubeEndpoint, KubeRequestError } from '../cluster/index.js';
import { IncidentResponseError } from './errors.js';

/** A Kubernetes request failed; `status` is the HTTP status when there was an answer. */
export class KubeCallError extends IncidentResponseError {
  override name = 'KubeCallError';
  constructor(
    readonly request: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${request}: ${message}`);
  }
}

/** GET and merge-patch one object by its API path. */
export interface KubeObjects {
  get(path: string): Promise<Record<string, unknown>>;
  mergePatch(path: string, patch: unknown): Promise<void>;
}

/** {@link KubeObjects} over the cluster library's JSON client (the endpoint's authentication and CA). */
export class KubeClient implements KubeObjects {
  readonly #api: KubeApiClient;

  constructor(endpoint: KubeEndpoint, { requestTimeoutMs = 5_000 }: { requestTimeoutMs?: number } = {}) {
    this.#api = new KubeApiClient(endpoint, { requestTimeoutMs });
  }

  async #call(request: KubeApiRequest): Promise<unknown> {
    try {
      return await this.#api.request(request);
    } catch (error) {
      if (!(error instanceof KubeRequestError)) throw error;
      const prefix = `${request.method} ${request.path}: `;
      throw new KubeCallError(
        `${request.method} ${request.path}`,
        error.message.replace(prefix, ''),
        error.status,
      );
    }
  }

  async get(path: string): Promise<Record<string, unknown>> {
    return (await this.#call({ method: 'GET', path })) as Record<string, unknown>;
  }

  async mergePatch(path: string, patch: unknown): Promise<void> {
    await this.#call({ method: 'PATCH', path, body: patch, contentType: 'application/merge-patch+json' });
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.#api.close();
  }
}

/** Where the API serves the Flux kinds the worker touches. */
export const FLUX_API: Record<string, { prefix: string; plural: string }> = {
  Kustomization: { prefix: '/apis/kustomize.toolkit.fluxcd.io/v1', plural: 'kustomizations' },
  HelmRelease: { prefix: '/apis/helm.toolkit.fluxcd.io/v2', plural: 'helmreleases' },
  GitRepository: { prefix: '/apis/source.toolkit.fluxcd.io/v1', plural: 'gitrepositories' },
  ImagePolicy: { prefix: '/apis/image.toolkit.fluxcd.io/v1beta2', plural: 'imagepolicies' },
  ImageUpdateAutomation: {
    prefix: '/apis/image.toolkit.fluxcd.io/v1beta2',
    plural: 'imageupdateautomations',
  },
};

/** The API path of one namespaced Flux object. */
export function fluxPath(kind: string, namespace: string, name: string): string {
  const api = FLUX_API[kind];
  if (!api)
    throw new KubeCallError(`${kind}/${namespace}/${name}`, `fluxguard does not address ${kind} objects`);
  return `${api.prefix}/namespaces/${encodeURIComponent(namespace)}/${api.plural}/${encodeURIComponent(name)}`;
}
