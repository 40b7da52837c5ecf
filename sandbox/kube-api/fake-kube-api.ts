import {
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { makeTestPki, type TestPki } from './certs.js';

/** A Kubernetes object as `kubectl get -o json` prints it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** What a service behind the proxy answers: a response, or `'hang'` (never answer). */
export type ProxyAnswer = { status: number; body: string; contentType?: string } | 'hang';

/** A forced answer for requests matching a test's rule (e.g. 403 on pods). */
export type Fault = (request: {
  method: string;
  path: string;
}) => { status: number; message?: string } | undefined;

/** One request the fake API served. */
export interface SeenRequest {
  method: string;
  path: string;
  authorized: boolean;
  startedAt: number;
  endedAt: number;
}

const RESOURCES: Record<string, { prefix: string; plural: string }> = {
  'apps/v1/Deployment': { prefix: '/apis/apps/v1', plural: 'deployments' },
  'apps/v1/ReplicaSet': { prefix: '/apis/apps/v1', plural: 'replicasets' },
  'apps/v1/StatefulSet': { prefix: '/apis/apps/v1', plural: 'statefulsets' },
  'apps/v1/DaemonSet': { prefix: '/apis/apps/v1', plural: 'daemonsets' },
  'v1/Pod': { prefix: '/api/v1', plural: 'pods' },
  'v1/Service': { prefix: '/api/v1', plural: 'services' },
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': {
    prefix: '/apis/kustomize.toolkit.fluxcd.io/v1',
    plural: 'kustomizations',
  },
  'helm.toolkit.fluxcd.io/v2/HelmRelease': {
    prefix: '/apis/helm.toolkit.fluxcd.io/v2',
    plural: 'helmreleases',
  },
  'source.toolkit.fluxcd.io/v1/GitRepository': {
    prefix: '/apis/source.toolkit.fluxcd.io/v1',
    plural: 'gitrepositories',
  },
};

function collectionPath(object: KubeObject): string {
  const resource = RESOURCES[`${object.apiVersion}/${object.kind}`];
  if (!resource) throw new Error(`the fake API does not serve ${object.apiVersion}/${object.kind}`);
  return `${resource.prefix}/namespaces/${object.metadata.namespace ?? 'default'}/${resource.plural}`;
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

function matchesSelector(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=');
    return key !== undefined && labels?.[key] === value;
  });
}

/**
 * A local HTTPS Kubernetes API server with its own CA: it checks the bearer token, serves objects
 * as `kubectl get -o json` shows them (get and list, with `labelSelector` equality), and forwards
 * the service proxy (`/api/v1/namespaces/<ns>/services/<svc>:<port>/proxy/<path>`) to per-service
 * handlers. It records every request, and can delay every answer or fail chosen requests.
 */
export class FakeKubeApi {
  readonly token: string;
  readonly requests: SeenRequest[] = [];
  /** Added before every answer, in ms. */
  delayMs = 0;
  /** Consulted in order before serving; the first that answers wins. */
  faults: Fault[] = [];
  readonly #collections = new Map<string, Map<string, KubeObject>>();
  readonly #proxies = new Map<string, (path: string) => ProxyAnswer>();
  readonly #pki: TestPki;
  #server?: Http2SecureServer;
  readonly #sockets = new Set<{ destroy(): void }>();
  #url = '';
  #inFlight = 0;
  /** The most requests that were in flight at once. */
  maxInFlight = 0;

  readonly #accept: (token: string) => boolean;

  /**
   * @param token the bearer token to accept (and to put in {@link kubeConfig})
   * @param acceptToken overrides the check, e.g. to accept any well-formed EKS token
   */
  constructor({
    token = 'k8s-aws-v1.fake-test-token',
    pki = makeTestPki(),
    acceptToken,
  }: { token?: string; pki?: TestPki; acceptToken?: (token: string) => boolean } = {}) {
    this.token = token;
    this.#pki = pki;
    this.#accept = acceptToken ?? ((t) => t === token);
  }

  get url(): string {
    return this.#url;
  }

  get caPem(): string {
    return this.#pki.caPem;
  }

  /** Adds or replaces objects. */
  put(...objects: KubeObject[]): this {
    for (const object of objects) {
      const path = collectionPath(object);
      const collection = this.#collections.get(path) ?? new Map<string, KubeObject>();
      collection.set(object.metadata.name, structuredClone(object));
      this.#collections.set(path, collection);
    }
    return this;
  }

  /** Removes every object, proxy handler and fault, the delay, and the request log. */
  clear(): this {
    this.#collections.clear();
    this.#proxies.clear();
    this.faults = [];
    this.delayMs = 0;
    this.resetRequests();
    return this;
  }

  /** Answers the service proxy for `<namespace>/<service>:<port>`. */
  proxy(namespace: string, serviceAndPort: string, handler: (path: string) => ProxyAnswer): this {
    this.#proxies.set(`${namespace}/${serviceAndPort}`, handler);
    return this;
  }

  /** Forgets recorded requests. */
  resetRequests(): void {
    this.requests.length = 0;
    this.maxInFlight = 0;
  }

  /** A kubeconfig for this server: its CA, a token user. */
  kubeConfig(token = this.token, caPem = this.#pki.caPem): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser(
      {
        name: 'fake',
        server: this.#url,
        caData: Buffer.from(caPem).toString('base64'),
        skipTLSVerify: false,
      },
      { name: 'tester', token },
    );
    return kc;
  }

  async start(): Promise<this> {
    // HTTP/2 with HTTP/1.1 fallback, like kube-apiserver.
    this.#server = createSecureServer(
      { cert: this.#pki.certPem, key: this.#pki.keyPem, allowHTTP1: true },
      (req, res) => {
        void this.#handle(req, res);
      },
    );
    this.#server.on('secureConnection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.#url = `https://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  async #handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    const startedAt = performance.now();
    this.#inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    const url = new URL(req.url ?? '/', this.#url);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const authorized = bearer !== undefined && this.#accept(bearer);
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      authorized,
      startedAt,
      endedAt: 0,
    };
    this.requests.push(seen);
    const send = (code: number, body: string, contentType = 'application/json') => {
      seen.endedAt = performance.now();
      this.#inFlight -= 1;
      if (res.stream?.destroyed || res.writableEnded) return;
      res.writeHead(code, { 'content-type': contentType });
      res.end(body);
    };
    res.on('close', () => {
      if (seen.endedAt === 0) {
        seen.endedAt = performance.now();
        this.#inFlight -= 1;
      }
    });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (!authorized) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    for (const fault of this.faults) {
      const forced = fault({ method: seen.method, path: seen.path });
      if (forced) {
        const reason = REASONS[forced.status] ?? 'InternalError';
        return send(forced.status, status(forced.status, reason, forced.message ?? reason));
      }
    }
    const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/.exec(url.pathname);
    if (proxy) {
      const [, namespace, service, path] = proxy;
      const handler = this.#proxies.get(`${namespace}/${decodeURIComponent(service ?? '')}`);
      if (!handler) {
        return send(
          503,
          status(
            503,
            'ServiceUnavailable',
            `no endpoints available for service "${decodeURIComponent(service ?? '')}"`,
          ),
        );
      }
      const answer = handler(`${path ?? '/'}${url.search}`);
      if (answer === 'hang') return; // the client's timeout ends it
      return send(answer.status, answer.body, answer.contentType ?? 'text/plain; charset=utf-8');
    }
    const item = /^(.*\/namespaces\/[^/]+\/[^/]+)\/([^/]+)$/.exec(url.pathname);
    const collection = this.#collections.get(url.pathname);
    if (collection || RESOURCE_PATHS.some((re) => re.test(url.pathname))) {
      const items = [...(collection?.values() ?? [])].filter((o) =>
        matchesSelector(o.metadata.labels, url.searchParams.get('labelSelector')),
      );
      const first = items[0];
      const kind = `${first?.kind ?? 'Object'}List`;
      return send(
        200,
        JSON.stringify({
          apiVersion: first?.apiVersion ?? 'v1',
          kind,
          metadata: { resourceVersion: '4242' },
          items,
        }),
      );
    }
    if (item) {
      const [, path, name] = item;
      const object = this.#collections.get(path ?? '')?.get(name ?? '');
      if (object) return send(200, JSON.stringify(object));
      const plural = path?.split('/').pop();
      return send(404, status(404, 'NotFound', `${plural} "${name}" not found`));
    }
    return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
  }
}

const RESOURCE_PATHS = Object.values(RESOURCES).map(
  ({ prefix, plural }) => new RegExp(`^${prefix.replaceAll('.', '\\.')}/namespaces/[^/]+/${plural}$`),
);
