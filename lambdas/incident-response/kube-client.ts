/**
 * The two Kubernetes requests the worker makes besides validation: GET one object, and a JSON
 * merge patch (`application/merge-patch+json`). Authentication and TLS come from the kubeconfig
 * (the cluster CA is the only one trusted); every request has a timeout.
 *
 * @module
 */
import type https from 'node:https';
import { HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { Agent } from 'undici';
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

/** {@link KubeObjects} through undici, with the kubeconfig's authentication and CA. */
export class KubeClient implements KubeObjects {
  readonly #kc: KubeConfig;
  readonly #server: string;
  readonly #timeoutMs: number;
  #agent?: Promise<Agent>;

  constructor(kubeConfig: KubeConfig, { requestTimeoutMs = 5_000 }: { requestTimeoutMs?: number } = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeCallError('kubeconfig', 'the kubeconfig has no current cluster');
    this.#kc = kubeConfig;
    this.#server = cluster.server.replace(/\/+$/, '');
    this.#timeoutMs = requestTimeoutMs;
  }

  #dispatcher(): Promise<Agent> {
    this.#agent ??= (async () => {
      const tls: https.RequestOptions = {};
      await this.#kc.applyToHTTPSOptions(tls);
      return new Agent({
        allowH2: true,
        connect: {
          ...(tls.ca ? { ca: tls.ca } : {}),
          ...(tls.cert ? { cert: tls.cert } : {}),
          ...(tls.key ? { key: tls.key } : {}),
          ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
        },
      });
    })();
    return this.#agent;
  }

  async #call(method: 'GET' | 'PATCH', path: string, body?: unknown): Promise<string> {
    const request = `${method} ${path}`;
    const url = new URL(`${this.#server}${path}`);
    const context = new RequestContext(url.toString(), method === 'GET' ? HttpMethod.GET : HttpMethod.PATCH);
    await this.#kc.applySecurityAuthentication(context);
    const headers: Record<string, string> = { ...context.getHeaders(), accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/merge-patch+json';
    let answer: { statusCode: number; body: { text(): Promise<string> } };
    try {
      answer = await (await this.#dispatcher()).request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new KubeCallError(request, (error as Error).message);
    }
    const text = await answer.body.text();
    if (answer.statusCode < 200 || answer.statusCode > 299) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new KubeCallError(request, `HTTP ${answer.statusCode}: ${message}`, answer.statusCode);
    }
    return text;
  }

  async get(path: string): Promise<Record<string, unknown>> {
    return JSON.parse(await this.#call('GET', path)) as Record<string, unknown>;
  }

  async mergePatch(path: string, patch: unknown): Promise<void> {
    await this.#call('PATCH', path, patch);
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    if (this.#agent) await (await this.#agent).close();
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
