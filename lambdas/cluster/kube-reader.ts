import { type LookupAddress, lookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { failureOfStatus, KubeRequestError } from './errors.js';
import { Http1Transport, type HttpTransport } from './http-transport.js';
import { type KubeEndpoint, transportFor } from './kube-endpoint.js';
import type { DaemonSet, Deployment, Pod, ReplicaSet, Service, StatefulSet } from './kube-objects.js';
import { addressPolicy, type HealthUrlOptions, urlRefusal } from './validation/health-url.js';

/** The Flux kinds fluxguard reads, with where the API server serves them. */
export const FLUX_RESOURCES = {
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' },
  HelmRelease: { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' },
  GitRepository: { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories' },
} as const;

/** A Flux kind fluxguard can read. */
export type FluxResourceKind = keyof typeof FLUX_RESOURCES;

/** A list call's items, or why there are none. */
export type Listed<T> = { items: T[]; error?: undefined } | { items?: undefined; error: KubeRequestError };

/**
 * Everything validation reads from one namespace, fetched in one parallel batch: the API server's
 * JSON, typed with the `Wire` models of `kube-objects.ts` (timestamps stay strings).
 */
export interface NamespaceSnapshot {
  namespace: string;
  deployments: Listed<Deployment>;
  statefulSets: Listed<StatefulSet>;
  daemonSets: Listed<DaemonSet>;
  replicaSets: Listed<ReplicaSet>;
  pods: Listed<Pod>;
  services: Listed<Service>;
  /** How long the slowest of the lists took to answer, in ms: how responsive the API server was. */
  elapsedMs: number;
}

/** What an HTTP GET (through the service proxy, or to a public URL) came back with. */
export type HttpOutcome =
  | {
      kind: 'response';
      status: number;
      /** The first 200 characters of the body. */
      body: string;
      /** Set when the API server itself answered with a `Status` object (not the app). */
      apiStatus?: { code?: number; reason?: string; message?: string };
      elapsedMs: number;
    }
  | { kind: 'timeout'; elapsedMs: number }
  | { kind: 'error'; message: string; elapsedMs: number }
  /** Not sent: the URL is not one fluxguard may probe (scheme, address). */
  | { kind: 'refused'; message: string; elapsedMs: 0 };

/** The reads validation needs; {@link KubeReader} implements it, tests may fake it. */
export interface ClusterReader {
  /** A Flux object as the API server returns it. */
  getFlux(kind: FluxResourceKind, namespace: string, name: string): Promise<unknown>;
  /** Deployments, StatefulSets, DaemonSets, ReplicaSets, Pods and Services of a namespace. */
  snapshot(namespace: string): Promise<NamespaceSnapshot>;
  /** GET `/api/v1/namespaces/<ns>/services/<svc>:<port>/proxy<path>`. */
  proxyGet(
    namespace: string,
    service: string,
    port: string,
    path: string,
    timeoutMs: number,
  ): Promise<HttpOutcome>;
  /** GET a public URL: https only, to public addresses unless configured otherwise, no redirects followed. */
  urlGet(url: string, timeoutMs: number): Promise<HttpOutcome>;
}

/** Options for {@link KubeReader}. */
export interface KubeReaderOptions {
  /** Where the API server is and how to authenticate; its cluster CA is what TLS is verified against. */
  endpoint: KubeEndpoint;
  /** Every API request is aborted after this long (default 5,000 ms). */
  requestTimeoutMs?: number;
  /** Which addresses the public health URL may resolve to, and which CA it may present. */
  healthUrl?: HealthUrlOptions;
}

const JSON_ACCEPT = 'application/json';

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function parseStatus(body: string): { code?: number; reason?: string; message?: string } | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(body) as {
      kind?: string;
      apiVersion?: string;
      code?: number;
      reason?: string;
      message?: string;
    };
    if (parsed.kind !== 'Status' || parsed.apiVersion !== 'v1') return undefined;
    return { code: parsed.code, reason: parsed.reason, message: parsed.message };
  } catch {
    return undefined;
  }
}

/**
 * `dns.lookup` that refuses to connect to an address `mayReach` rejects. The check runs on the
 * addresses the connection then uses, so a name cannot resolve to a public address when checked and
 * to another one when connected.
 */
function guardedLookup(mayReach: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((resolved) => !mayReach(resolved.address));
      const [first] = addresses;
      if (refused || !first) {
        const why = refused ? `resolves to ${refused.address}, which` : 'resolves to nothing that';
        return callback(new Error(`${hostname} ${why} is not a public address`), '', 0);
      }
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

/** An error's own message, or its cause's (an abort or a proxy wraps connection errors). */
function messageOf(error: unknown): string {
  const cause = (error as Error).cause as Error | undefined;
  return cause?.message ?? (error as Error).message;
}

/**
 * Reads the Kubernetes API of an endpoint (its authentication applied to every request, its cluster
 * CA the only one TLS trusts). Every request carries a timeout, and all of them share one HTTP/2
 * connection (`node:http2`). Answers are parsed as plain JSON: client-node's generated clients send
 * through WHATWG `fetch` and deserialize every object into model classes, which was most of a
 * validation pass's CPU time (see docs/BENCHMARKS.md). Failures become {@link KubeRequestError}s.
 */
export class KubeReader implements ClusterReader {
  readonly #endpoint: KubeEndpoint;
  readonly #timeoutMs: number;
  readonly #server: string;
  #transport?: HttpTransport;
  readonly #mayReach: (address: string) => boolean;
  readonly #urlCa?: string;
  #urlTransport?: HttpTransport;

  /** @throws {KubeRequestError} when the endpoint's server is not a URL */
  constructor({ endpoint, requestTimeoutMs = 5_000, healthUrl = {} }: KubeReaderOptions) {
    if (!URL.canParse(endpoint.server)) {
      throw new KubeRequestError(
        'kubeconfig',
        'invalid',
        `the cluster server ${endpoint.server} is not a URL`,
      );
    }
    this.#endpoint = endpoint;
    this.#timeoutMs = requestTimeoutMs;
    this.#mayReach = addressPolicy(healthUrl);
    if (healthUrl.ca) this.#urlCa = healthUrl.ca;
    // A server URL may carry a path prefix (e.g. a cluster behind a management proxy).
    this.#server = endpoint.server.replace(/\/+$/, '');
  }

  /** GET a path of the API server; the status and the whole body, or a thrown error. */
  async #get(path: string, timeoutMs: number, accept?: string): Promise<{ status: number; body: string }> {
    const url = new URL(`${this.#server}${path}`);
    this.#transport ??= transportFor(this.#endpoint);
    const headers = await this.#endpoint.authHeaders(url.toString());
    return this.#transport.send({
      url,
      method: 'GET',
      headers: accept ? { ...headers, accept } : headers,
      timeoutMs,
    });
  }

  /** GET an API object or list as JSON; anything but a 2xx answer is a {@link KubeRequestError}. */
  async #getJson<T>(path: string): Promise<T> {
    const request = `GET ${path}`;
    let answer: { status: number; body: string };
    try {
      answer = await this.#get(path, this.#timeoutMs, JSON_ACCEPT);
    } catch (error) {
      if (isTimeout(error)) {
        throw new KubeRequestError(request, 'timeout', `no answer within ${this.#timeoutMs} ms`, undefined, {
          cause: error,
        });
      }
      throw new KubeRequestError(request, 'network', messageOf(error), undefined, { cause: error });
    }
    const { status, body } = answer;
    if (status < 200 || status > 299) {
      const message = parseStatus(body)?.message ?? `HTTP ${status}`;
      throw new KubeRequestError(request, failureOfStatus(status), message, status);
    }
    try {
      return JSON.parse(body) as T;
    } catch (error) {
      throw new KubeRequestError(request, 'invalid', `the answer is not JSON: ${messageOf(error)}`, status, {
        cause: error,
      });
    }
  }

  async #list<T>(path: string): Promise<Listed<T>> {
    try {
      const list = await this.#getJson<{ items?: T[] | null }>(path);
      return { items: list.items ?? [] };
    } catch (error) {
      if (error instanceof KubeRequestError) return { error };
      throw error;
    }
  }

  async getFlux(kind: FluxResourceKind, namespace: string, name: string): Promise<unknown> {
    const { group, version, plural } = FLUX_RESOURCES[kind];
    return this.#getJson(
      `/apis/${group}/${version}/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}`,
    );
  }

  async snapshot(namespace: string): Promise<NamespaceSnapshot> {
    const ns = encodeURIComponent(namespace);
    const apps = `/apis/apps/v1/namespaces/${ns}`;
    const core = `/api/v1/namespaces/${ns}`;
    const started = performance.now();
    const [deployments, statefulSets, daemonSets, replicaSets, pods, services] = await Promise.all([
      this.#list<Deployment>(`${apps}/deployments`),
      this.#list<StatefulSet>(`${apps}/statefulsets`),
      this.#list<DaemonSet>(`${apps}/daemonsets`),
      this.#list<ReplicaSet>(`${apps}/replicasets`),
      this.#list<Pod>(`${core}/pods`),
      this.#list<Service>(`${core}/services`),
    ]);
    const elapsedMs = Math.round(performance.now() - started);
    return { namespace, deployments, statefulSets, daemonSets, replicaSets, pods, services, elapsedMs };
  }

  async proxyGet(
    namespace: string,
    service: string,
    port: string,
    path: string,
    timeoutMs: number,
  ): Promise<HttpOutcome> {
    const suffix = path.startsWith('/') ? path : `/${path}`;
    const apiPath = `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${encodeURIComponent(port)}/proxy${suffix}`;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const { status, body } = await this.#get(apiPath, timeoutMs);
      const apiStatus = parseStatus(body);
      return {
        kind: 'response',
        status,
        body: body.slice(0, 200),
        ...(apiStatus ? { apiStatus } : {}),
        elapsedMs: elapsed(),
      };
    } catch (error) {
      if (isTimeout(error)) return { kind: 'timeout', elapsedMs: elapsed() };
      return { kind: 'error', message: messageOf(error), elapsedMs: elapsed() };
    }
  }

  /**
   * The transport for public URLs: apart from the API server's (the cluster CA must not vouch for
   * the internet), trusting Node's bundled roots plus the configured CA, and connecting only to
   * addresses the health URL policy allows.
   */
  #publicTransport(): HttpTransport {
    this.#urlTransport ??= new Http1Transport({
      lookup: guardedLookup(this.#mayReach),
      tls: this.#urlCa ? { ca: [...rootCertificates, this.#urlCa] } : {},
      keepAlive: false,
    });
    return this.#urlTransport;
  }

  async urlGet(url: string, timeoutMs: number): Promise<HttpOutcome> {
    const refusal = urlRefusal(url, this.#mayReach);
    if (refusal) return { kind: 'refused', message: refusal, elapsedMs: 0 };
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      // Redirects are never followed: a 3xx is the answer.
      const { status, body } = await this.#publicTransport().send({
        url: new URL(url),
        method: 'GET',
        headers: {},
        timeoutMs,
      });
      return { kind: 'response', status, body: body.slice(0, 200), elapsedMs: elapsed() };
    } catch (error) {
      if (isTimeout(error)) return { kind: 'timeout', elapsedMs: elapsed() };
      return { kind: 'error', message: messageOf(error), elapsedMs: elapsed() };
    }
  }

  /** Closes the connections (lets a CLI process exit at once). */
  async close(): Promise<void> {
    await Promise.all([this.#transport?.close(), this.#urlTransport?.close()]);
  }
}
