/**
 * A small JSON client for the few writes the guard and the teardown make, over the endpoint's
 * connection: the endpoint's authentication on every request, its cluster CA the only one trusted.
 *
 * @module
 */
import { failureOfStatus, KubeRequestError } from './errors.js';
import type { HttpTransport } from './http-transport.js';
import { type KubeEndpoint, transportFor } from './kube-endpoint.js';

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
 * A JSON client for the Kubernetes API over the endpoint's connection: every request is
 * authenticated, trusts only the cluster CA, and is aborted after its timeout.
 *
 * @example
 * const api = new KubeApiClient(connection.endpoint);
 * await api.request({
 *   method: 'PATCH',
 *   path: '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps',
 *   body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } } },
 *   contentType: 'application/merge-patch+json',
 * });
 */
export class KubeApiClient {
  readonly #endpoint: KubeEndpoint;
  readonly #server: string;
  readonly #timeoutMs: number;
  #transport?: HttpTransport;

  /** @throws {KubeRequestError} when the endpoint's server is not a URL */
  constructor(endpoint: KubeEndpoint, { requestTimeoutMs = 5_000 }: { requestTimeoutMs?: number } = {}) {
    if (!URL.canParse(endpoint.server))
      throw new KubeRequestError(
        'kubeconfig',
        'invalid',
        `the cluster server ${endpoint.server} is not a URL`,
      );
    this.#endpoint = endpoint;
    this.#server = endpoint.server.replace(/\/+$/, '');
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
      this.#transport ??= transportFor(this.#endpoint);
      const auth = await this.#endpoint.authHeaders(url.toString());
      ({ status, body: text } = await this.#transport.send({
        url,
        method,
        headers: {
          ...auth,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': contentType ?? 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        timeoutMs: this.#timeoutMs,
      }));
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

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.#transport?.close();
  }
}
