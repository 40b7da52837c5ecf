/**
 * The connection every Kubernetes client of fluxguard shares: one HTTP/2 dispatcher whose TLS
 * trusts only the cluster CA of the kubeconfig, the kubeconfig's authentication on every request,
 * and a small JSON client for the few writes the guard and the teardown make.
 *
 * @module
 */
import type https from 'node:https';
import { HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { Agent, type Dispatcher } from 'undici';
import { failureOfStatus, KubeRequestError } from './errors.js';

/**
 * An undici dispatcher for the kubeconfig's current cluster: HTTP/2 (one TLS connection shared by
 * every request, as client-go does) with the kubeconfig's CA and client certificate; through a
 * proxy (`proxy-url`), the kubeconfig's own dispatcher.
 */
export async function createKubeDispatcher(kubeConfig: KubeConfig): Promise<Dispatcher> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (server && kubeConfig.getCurrentCluster()?.proxyUrl) {
    const probe = new RequestContext(server, HttpMethod.GET);
    await kubeConfig.applySecurityAuthentication(probe);
    const dispatcher = probe.getDispatcher();
    if (dispatcher) return dispatcher;
  }
  const tls: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(tls);
  return new Agent({
    allowH2: true,
    connect: {
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.cert ? { cert: tls.cert } : {}),
      ...(tls.key ? { key: tls.key } : {}),
      ...(tls.servername ? { servername: tls.servername } : {}),
      ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    },
  });
}

/** The headers the kubeconfig's authentication asks for (bearer token, exec plugin…), for one request. */
export async function kubeAuthHeaders(kubeConfig: KubeConfig, url: string): Promise<Record<string, string>> {
  const context = new RequestContext(url, HttpMethod.GET);
  await kubeConfig.applySecurityAuthentication(context);
  return context.getHeaders();
}

/** One JSON request of {@link KubeApiClient.request}. */
export interface KubeApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The API path, e.g. `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps`. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Default `application/json`; `application/merge-patch+json` for a merge patch. */
  contentType?: string;
  /** Statuses answered with `undefined` instead of an error, e.g. `[404]` for "already gone". */
  absentOn?: readonly number[];
}

function statusMessage(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { kind?: string; message?: string };
    return parsed.kind === 'Status' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A JSON client for the Kubernetes API over the kubeconfig's connection: every request is
 * authenticated, trusts only the cluster CA, and is aborted after its timeout.
 *
 * @example
 * const api = new KubeApiClient(connection.kubeConfig);
 * await api.request({
 *   method: 'PATCH',
 *   path: '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps',
 *   body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } } },
 *   contentType: 'application/merge-patch+json',
 * });
 */
export class KubeApiClient {
  readonly #kc: KubeConfig;
  readonly #server: string;
  readonly #timeoutMs: number;
  #dispatcher?: Promise<Dispatcher>;

  /** @throws {KubeRequestError} when the kubeconfig has no current cluster */
  constructor(kubeConfig: KubeConfig, { requestTimeoutMs = 5_000 }: { requestTimeoutMs?: number } = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster)
      throw new KubeRequestError('kubeconfig', 'invalid', 'the kubeconfig has no current cluster');
    this.#kc = kubeConfig;
    this.#server = cluster.server.replace(/\/+$/, '');
    this.#timeoutMs = requestTimeoutMs;
  }

  /**
   * Sends one request and parses the answer as JSON.
   *
   * @returns the parsed answer, or `undefined` for a status in `absentOn`
   * @throws {KubeRequestError} for any other non-2xx answer, a timeout, a network error, or an answer that is not JSON
   */
  async request({ method, path, body, contentType, absentOn = [] }: KubeApiRequest): Promise<unknown> {
    const request = `${method} ${path}`;
    const url = new URL(`${this.#server}${path}`);
    let status: number;
    let text: string;
    try {
      this.#dispatcher ??= createKubeDispatcher(this.#kc);
      const [dispatcher, auth] = await Promise.all([
        this.#dispatcher,
        kubeAuthHeaders(this.#kc, url.toString()),
      ]);
      const response = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers: {
          ...auth,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': contentType ?? 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
      const cause = (error as Error).cause as Error | undefined;
      throw new KubeRequestError(
        request,
        timedOut ? 'timeout' : 'network',
        timedOut ? `no answer within ${this.#timeoutMs} ms` : (cause?.message ?? (error as Error).message),
        undefined,
        { cause: error },
      );
    }
    if (absentOn.includes(status)) return undefined;
    if (status < 200 || status > 299) {
      throw new KubeRequestError(
        request,
        failureOfStatus(status),
        `HTTP ${status}: ${statusMessage(text) ?? text.slice(0, 300)}`,
        status,
      );
    }
    try {
      return text === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      throw new KubeRequestError(request, 'invalid', 'the answer is not JSON', status);
    }
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    const dispatcher = await this.#dispatcher?.catch(() => undefined);
    await dispatcher?.close();
  }
}
