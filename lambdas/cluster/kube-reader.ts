import type https from 'node:https';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  type Middleware,
  RequestContext,
  ServerConfiguration,
  type V1DaemonSet,
  type V1Deployment,
  type V1Pod,
  type V1ReplicaSet,
  type V1Service,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { Agent } from 'undici';
import { failureOfStatus, KubeRequestError } from './errors.js';

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

/** Everything validation reads from one namespace, fetched in one parallel batch. */
export interface NamespaceSnapshot {
  namespace: string;
  deployments: Listed<V1Deployment>;
  statefulSets: Listed<V1StatefulSet>;
  daemonSets: Listed<V1DaemonSet>;
  replicaSets: Listed<V1ReplicaSet>;
  pods: Listed<V1Pod>;
  services: Listed<V1Service>;
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
  | { kind: 'error'; message: string; elapsedMs: number };

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
  /** GET a public URL. */
  urlGet(url: string, timeoutMs: number): Promise<HttpOutcome>;
}

/** Options for {@link KubeReader}. */
export interface KubeReaderOptions {
  /** Where the API server is and how to authenticate; its cluster CA is what TLS is verified against. */
  kubeConfig: KubeConfig;
  /** Every API request is aborted after this long (default 5,000 ms). */
  requestTimeoutMs?: number;
}

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

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
 * Reads the Kubernetes API through `@kubernetes/client-node`: every request carries a timeout, and
 * all requests share one TLS connection pool built from the kubeconfig (so the cluster CA is what
 * the server certificate is checked against). Failures become {@link KubeRequestError}s.
 */
export class KubeReader implements ClusterReader {
  readonly #kc: KubeConfig;
  readonly #timeoutMs: number;
  readonly #server: string;
  readonly #apps: AppsV1Api;
  readonly #core: CoreV1Api;
  readonly #custom: CustomObjectsApi;
  readonly #http = new IsomorphicFetchHttpLibrary();
  #dispatcher?: Promise<Dispatcher>;

  constructor({ kubeConfig, requestTimeoutMs = 5_000 }: KubeReaderOptions) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster)
      throw new KubeRequestError('kubeconfig', 'invalid', 'the kubeconfig has no current cluster');
    this.#kc = kubeConfig;
    this.#timeoutMs = requestTimeoutMs;
    this.#server = cluster.server.replace(/\/+$/, '');
    const middleware: Middleware = {
      pre: async (context) => this.#prepare(context, this.#timeoutMs),
      post: async (response) => response,
    };
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(this.#server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [middleware],
    });
    this.#apps = new AppsV1Api(configuration);
    this.#core = new CoreV1Api(configuration);
    this.#custom = new CustomObjectsApi(configuration);
  }

  /**
   * One dispatcher for every request. It speaks HTTP/2 when the API server offers it (as
   * kube-apiserver does, and as client-go uses it), so a whole validation pass shares one TLS
   * connection; its TLS settings (cluster CA, client certificate) come from the kubeconfig. Through
   * a proxy (`proxy-url`) the kubeconfig's own dispatcher is used.
   */
  async #sharedDispatcher(): Promise<Dispatcher> {
    this.#dispatcher ??= (async () => {
      if (this.#kc.getCurrentCluster()?.proxyUrl) {
        const probe = new RequestContext(this.#server, HttpMethod.GET);
        await this.#kc.applySecurityAuthentication(probe);
        return probe.getDispatcher();
      }
      const tls: https.RequestOptions = {};
      await this.#kc.applyToHTTPSOptions(tls);
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
    })();
    return this.#dispatcher;
  }

  async #prepare(context: RequestContext, timeoutMs: number): Promise<RequestContext> {
    const dispatcher = await this.#sharedDispatcher();
    if (dispatcher) context.setDispatcher(dispatcher);
    context.setSignal(AbortSignal.timeout(timeoutMs));
    return context;
  }

  async #call<T>(request: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiException) {
        const status = parseStatus(
          typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? ''),
        );
        const message = status?.message ?? `HTTP ${error.code}`;
        throw new KubeRequestError(request, failureOfStatus(error.code), message, error.code, {
          cause: error,
        });
      }
      if (isTimeout(error)) {
        throw new KubeRequestError(request, 'timeout', `no answer within ${this.#timeoutMs} ms`, undefined, {
          cause: error,
        });
      }
      const cause = (error as Error).cause as Error | undefined;
      const message = cause?.message ?? (error as Error).message;
      throw new KubeRequestError(request, 'network', message, undefined, { cause: error });
    }
  }

  async #list<T>(request: string, call: () => Promise<{ items: T[] }>): Promise<Listed<T>> {
    try {
      return { items: (await this.#call(request, call)).items };
    } catch (error) {
      if (error instanceof KubeRequestError) return { error };
      throw error;
    }
  }

  async getFlux(kind: FluxResourceKind, namespace: string, name: string): Promise<unknown> {
    const { group, version, plural } = FLUX_RESOURCES[kind];
    return this.#call(`GET /apis/${group}/${version}/namespaces/${namespace}/${plural}/${name}`, () =>
      this.#custom.getNamespacedCustomObject({ group, version, namespace, plural, name }),
    );
  }

  async snapshot(namespace: string): Promise<NamespaceSnapshot> {
    const apps = `GET /apis/apps/v1/namespaces/${namespace}`;
    const core = `GET /api/v1/namespaces/${namespace}`;
    const [deployments, statefulSets, daemonSets, replicaSets, pods, services] = await Promise.all([
      this.#list(`${apps}/deployments`, () => this.#apps.listNamespacedDeployment({ namespace })),
      this.#list(`${apps}/statefulsets`, () => this.#apps.listNamespacedStatefulSet({ namespace })),
      this.#list(`${apps}/daemonsets`, () => this.#apps.listNamespacedDaemonSet({ namespace })),
      this.#list(`${apps}/replicasets`, () => this.#apps.listNamespacedReplicaSet({ namespace })),
      this.#list(`${core}/pods`, () => this.#core.listNamespacedPod({ namespace })),
      this.#list(`${core}/services`, () => this.#core.listNamespacedService({ namespace })),
    ]);
    return { namespace, deployments, statefulSets, daemonSets, replicaSets, pods, services };
  }

  async proxyGet(
    namespace: string,
    service: string,
    port: string,
    path: string,
    timeoutMs: number,
  ): Promise<HttpOutcome> {
    const suffix = path.startsWith('/') ? path : `/${path}`;
    const url = `${this.#server}/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${encodeURIComponent(port)}/proxy${suffix}`;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const context = new RequestContext(url, HttpMethod.GET);
      await this.#kc.applySecurityAuthentication(context);
      await this.#prepare(context, timeoutMs);
      const response = await this.#http.send(context).toPromise();
      const body = await response.body.text();
      const apiStatus = parseStatus(body);
      return {
        kind: 'response',
        status: response.httpStatusCode,
        body: body.slice(0, 200),
        ...(apiStatus ? { apiStatus } : {}),
        elapsedMs: elapsed(),
      };
    } catch (error) {
      if (isTimeout(error)) return { kind: 'timeout', elapsedMs: elapsed() };
      const cause = (error as Error).cause as Error | undefined;
      return { kind: 'error', message: cause?.message ?? (error as Error).message, elapsedMs: elapsed() };
    }
  }

  async urlGet(url: string, timeoutMs: number): Promise<HttpOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      const body = await response.text();
      return { kind: 'response', status: response.status, body: body.slice(0, 200), elapsedMs: elapsed() };
    } catch (error) {
      if (isTimeout(error)) return { kind: 'timeout', elapsedMs: elapsed() };
      const cause = (error as Error).cause as Error | undefined;
      return { kind: 'error', message: cause?.message ?? (error as Error).message, elapsedMs: elapsed() };
    }
  }

  /** Closes the shared connection pool (lets a CLI process exit at once). */
  async close(): Promise<void> {
    const dispatcher = await this.#dispatcher?.catch(() => undefined);
    await dispatcher?.close();
  }
}
