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

/**
 * A late answer for requests matching a test's rule: the milliseconds to wait before serving it
 * (e.g. longer than the client's request timeout), or undefined to serve it on time.
 */
export type Stall = (request: { method: string; path: string }) => number | undefined;

/** One request the fake API served. */
export interface SeenRequest {
  method: string;
  path: string;
  authorized: boolean;
  startedAt: number;
  endedAt: number;
}

/** Where the fake serves a kind: its API prefix, plural and whether it is namespaced. */
export interface ResourceInfo {
  prefix: string;
  plural: string;
  clusterScoped?: boolean;
}

const RESOURCES: Record<string, ResourceInfo> = {
  'apps/v1/Deployment': { prefix: '/apis/apps/v1', plural: 'deployments' },
  'apps/v1/ReplicaSet': { prefix: '/apis/apps/v1', plural: 'replicasets' },
  'apps/v1/StatefulSet': { prefix: '/apis/apps/v1', plural: 'statefulsets' },
  'apps/v1/DaemonSet': { prefix: '/apis/apps/v1', plural: 'daemonsets' },
  'apps/v1/ControllerRevision': { prefix: '/apis/apps/v1', plural: 'controllerrevisions' },
  'batch/v1/Job': { prefix: '/apis/batch/v1', plural: 'jobs' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    prefix: '/apis/autoscaling/v2',
    plural: 'horizontalpodautoscalers',
  },
  'networking.k8s.io/v1/Ingress': { prefix: '/apis/networking.k8s.io/v1', plural: 'ingresses' },
  'v1/Pod': { prefix: '/api/v1', plural: 'pods' },
  'v1/Service': { prefix: '/api/v1', plural: 'services' },
  'v1/Event': { prefix: '/api/v1', plural: 'events' },
  'v1/ConfigMap': { prefix: '/api/v1', plural: 'configmaps' },
  'v1/PersistentVolumeClaim': { prefix: '/api/v1', plural: 'persistentvolumeclaims' },
  'v1/PersistentVolume': { prefix: '/api/v1', plural: 'persistentvolumes', clusterScoped: true },
  'v1/Namespace': { prefix: '/api/v1', plural: 'namespaces', clusterScoped: true },
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
  'image.toolkit.fluxcd.io/v1beta2/ImagePolicy': {
    prefix: '/apis/image.toolkit.fluxcd.io/v1beta2',
    plural: 'imagepolicies',
  },
  'image.toolkit.fluxcd.io/v1beta2/ImageRepository': {
    prefix: '/apis/image.toolkit.fluxcd.io/v1beta2',
    plural: 'imagerepositories',
  },
  'image.toolkit.fluxcd.io/v1beta2/ImageUpdateAutomation': {
    prefix: '/apis/image.toolkit.fluxcd.io/v1beta2',
    plural: 'imageupdateautomations',
  },
  'notification.toolkit.fluxcd.io/v1/Receiver': {
    prefix: '/apis/notification.toolkit.fluxcd.io/v1',
    plural: 'receivers',
  },
};

function resourceOf(object: { apiVersion: string; kind: string }): ResourceInfo {
  const resource = RESOURCES[`${object.apiVersion}/${object.kind}`];
  if (!resource) throw new Error(`the fake API does not serve ${object.apiVersion}/${object.kind}`);
  return resource;
}

function collectionPath(object: KubeObject): string {
  const resource = resourceOf(object);
  if (resource.clusterScoped) return `${resource.prefix}/${resource.plural}`;
  return `${resource.prefix}/namespaces/${object.metadata.namespace ?? 'default'}/${resource.plural}`;
}

/** A change the fake API made to its objects, through a request or through {@link FakeKubeApi.put}. */
export interface WriteEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** The request's method, or `'put'` for a change made by the test or simulator itself. */
  via: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch (strategic merge patches are applied the same way here). */
function mergePatch(target: Json, patch: Json): Json {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, Json> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

/** RFC 6902 JSON patch: add, replace, remove and test, which is what clients send to Kubernetes. */
function jsonPatch(target: Json, operations: Array<{ op: string; path: string; value?: Json }>): Json {
  const document = structuredClone(target);
  for (const { op, path, value } of operations) {
    const keys = path
      .split('/')
      .slice(1)
      .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = keys.pop();
    if (last === undefined) throw new Error(`invalid JSON patch path "${path}"`);
    let parent: Json = document;
    for (const key of keys) {
      const next: Json | undefined = Array.isArray(parent)
        ? parent[Number(key)]
        : isPlainObject(parent)
          ? parent[key]
          : undefined;
      if (next === undefined) throw new Error(`JSON patch path "${path}" does not exist`);
      parent = next;
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (op === 'add') parent.splice(index, 0, structuredClone(value ?? null));
      else if (op === 'replace') parent[index] = structuredClone(value ?? null);
      else if (op === 'remove') parent.splice(index, 1);
      else if (op === 'test' && JSON.stringify(parent[index]) !== JSON.stringify(value))
        throw new Error('test failed');
    } else if (isPlainObject(parent)) {
      if (op === 'add' || op === 'replace') {
        if (op === 'replace' && !(last in parent))
          throw new Error(`JSON patch path "${path}" does not exist`);
        parent[last] = structuredClone(value ?? null);
      } else if (op === 'remove') {
        if (!(last in parent)) throw new Error(`JSON patch path "${path}" does not exist`);
        delete parent[last];
      } else if (op === 'test' && JSON.stringify(parent[last]) !== JSON.stringify(value))
        throw new Error('test failed');
    } else {
      throw new Error(`JSON patch path "${path}" does not exist`);
    }
  }
  return document;
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
  /**
   * Consulted in order before serving (after {@link delayMs}); the first that returns a number
   * delays that answer by it. A request the client gave up on meanwhile (its timeout) is dropped,
   * unserved (a write is not applied); one it still waits for is served as usual. Empty by default.
   */
  stalls: Stall[] = [];
  readonly #collections = new Map<string, Map<string, KubeObject>>();
  readonly #proxies = new Map<string, (path: string) => ProxyAnswer>();
  readonly #listeners = new Set<(event: WriteEvent) => void>();
  #resourceVersion = 4242;
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

  /** Adds or replaces objects, as a controller or `kubectl apply` would (listeners see them). */
  put(...objects: KubeObject[]): this {
    for (const object of objects) this.#store(structuredClone(object), 'put');
    return this;
  }

  /** The stored object, or undefined. A copy: change it through {@link put} or a request. */
  object(
    kind: { apiVersion: string; kind: string },
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const path = collectionPath({ ...kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
    const found = this.#collections.get(path)?.get(name);
    return found ? structuredClone(found) : undefined;
  }

  /** Every stored object of a kind, in every namespace. Copies. */
  objects(kind: { apiVersion: string; kind: string }): KubeObject[] {
    const resource = resourceOf(kind);
    const out: KubeObject[] = [];
    for (const [path, collection] of this.#collections) {
      if (!path.startsWith(`${resource.prefix}/`) || !path.endsWith(`/${resource.plural}`)) continue;
      for (const object of collection.values()) {
        if (object.kind === kind.kind) out.push(structuredClone(object));
      }
    }
    return out;
  }

  /** Removes an object, as its controller or garbage collection would. */
  remove(kind: { apiVersion: string; kind: string }, namespace: string | undefined, name: string): boolean {
    const path = collectionPath({ ...kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
    const object = this.#collections.get(path)?.get(name);
    if (!object) return false;
    this.#collections.get(path)?.delete(name);
    this.#emit({ type: 'DELETED', object, via: 'put' });
    return true;
  }

  /** Calls `listener` after every change to the stored objects; returns a function that stops it. */
  onWrite(listener: (event: WriteEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #store(object: KubeObject, via: string): KubeObject {
    const path = collectionPath(object);
    const collection = this.#collections.get(path) ?? new Map<string, KubeObject>();
    const previous = collection.get(object.metadata.name);
    this.#resourceVersion += 1;
    object.metadata.resourceVersion = String(this.#resourceVersion);
    collection.set(object.metadata.name, object);
    this.#collections.set(path, collection);
    this.#emit({ type: previous ? 'MODIFIED' : 'ADDED', object, via });
    return object;
  }

  #emit(event: WriteEvent): void {
    for (const listener of this.#listeners) listener({ ...event, object: structuredClone(event.object) });
  }

  /** Removes every object, proxy handler, fault and stall, the delay, and the request log. */
  clear(): this {
    this.#collections.clear();
    this.#proxies.clear();
    this.faults = [];
    this.stalls = [];
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

  #stallOf(request: { method: string; path: string }): number | undefined {
    for (const stall of this.stalls) {
      const ms = stall(request);
      if (ms !== undefined) return ms;
    }
    return undefined;
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
    const stallMs = this.#stallOf(seen);
    if (stallMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, stallMs));
      if (seen.endedAt !== 0) return; // the client gave up (its timeout), nothing left to answer
    }
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
    const target = routeOf(url.pathname);
    if (!target)
      return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const method = seen.method;
    if (target.name === undefined) {
      if (method === 'GET')
        return send(200, JSON.stringify(this.#list(target, url.searchParams.get('labelSelector'))));
      if (method === 'POST') {
        const body = await readJson(req);
        if (!body.ok) return send(400, status(400, 'BadRequest', body.message));
        const object = body.value as unknown as KubeObject;
        if (target.namespace && !object.metadata?.namespace) object.metadata.namespace = target.namespace;
        const path = collectionPath(object);
        if (this.#collections.get(path)?.has(object.metadata.name)) {
          return send(
            409,
            status(
              409,
              'AlreadyExists',
              `${target.resource.plural} "${object.metadata.name}" already exists`,
            ),
          );
        }
        object.metadata.generation = 1;
        return send(201, JSON.stringify(this.#store(object, method)));
      }
      return send(405, status(405, 'MethodNotAllowed', `${method} is not allowed on a collection here`));
    }
    const path = target.collection;
    const existing = this.#collections.get(path)?.get(target.name);
    const notFound = () =>
      send(404, status(404, 'NotFound', `${target.resource.plural} "${target.name}" not found`));
    if (method === 'GET') return existing ? send(200, JSON.stringify(existing)) : notFound();
    if (!existing) return notFound();
    if (method === 'DELETE') {
      this.#collections.get(path)?.delete(target.name);
      this.#emit({ type: 'DELETED', object: existing, via: method });
      return send(200, JSON.stringify(existing));
    }
    if (method === 'PATCH' || method === 'PUT') {
      const body = await readJson(req);
      if (!body.ok) return send(400, status(400, 'BadRequest', body.message));
      let next: KubeObject;
      try {
        const contentType = String(req.headers['content-type'] ?? '');
        if (method === 'PUT') next = body.value as unknown as KubeObject;
        else if (contentType.startsWith('application/json-patch+json')) {
          next = jsonPatch(existing as unknown as Json, body.value as never) as unknown as KubeObject;
        } else if (/^application\/(merge-patch|strategic-merge-patch|apply-patch)\+/.test(contentType)) {
          next = mergePatch(existing as unknown as Json, body.value) as unknown as KubeObject;
        } else {
          return send(
            415,
            status(415, 'UnsupportedMediaType', `the body of type ${contentType} is not supported`),
          );
        }
      } catch (error) {
        return send(422, status(422, 'Invalid', (error as Error).message));
      }
      next.metadata.name = existing.metadata.name;
      if (existing.metadata.namespace) next.metadata.namespace = existing.metadata.namespace;
      const generation = Number(existing.metadata.generation ?? 1);
      const specChanged = JSON.stringify(next.spec) !== JSON.stringify(existing.spec);
      next.metadata.generation = specChanged ? generation + 1 : generation;
      return send(200, JSON.stringify(this.#store(next, method)));
    }
    return send(405, status(405, 'MethodNotAllowed', `${method} is not allowed here`));
  }

  #list(target: Route, selector: string | null): unknown {
    const items: KubeObject[] = [];
    const paths =
      target.namespace === undefined && !target.resource.clusterScoped
        ? [...this.#collections.keys()].filter(
            (p) =>
              p.startsWith(`${target.resource.prefix}/namespaces/`) &&
              p.endsWith(`/${target.resource.plural}`),
          )
        : [target.collection];
    for (const path of paths) {
      for (const object of this.#collections.get(path)?.values() ?? []) {
        if (matchesSelector(object.metadata.labels, selector)) items.push(object);
      }
    }
    const first = items[0];
    return {
      apiVersion: first?.apiVersion ?? 'v1',
      kind: `${first?.kind ?? 'Object'}List`,
      metadata: { resourceVersion: String(this.#resourceVersion) },
      items,
    };
  }
}

/** What a request path names: a collection (in one namespace, all namespaces, or cluster-wide) or one object. */
interface Route {
  resource: ResourceInfo;
  collection: string;
  namespace?: string;
  name?: string;
}

function routeOf(pathname: string): Route | undefined {
  for (const resource of Object.values(RESOURCES)) {
    const prefix = `${resource.prefix}/`;
    if (!pathname.startsWith(prefix)) continue;
    const parts = pathname.slice(prefix.length).split('/').map(decodeURIComponent);
    if (resource.clusterScoped) {
      const [plural, name, ...rest] = parts;
      if (plural !== resource.plural || rest.length > 0) continue;
      return { resource, collection: `${resource.prefix}/${resource.plural}`, ...(name ? { name } : {}) };
    }
    if (parts[0] === resource.plural && parts.length === 1) {
      return { resource, collection: `${resource.prefix}/${resource.plural}` };
    }
    const [namespaces, namespace, plural, name, ...rest] = parts;
    if (namespaces !== 'namespaces' || !namespace || plural !== resource.plural || rest.length > 0) continue;
    const collection = `${resource.prefix}/namespaces/${namespace}/${resource.plural}`;
    return { resource, collection, namespace, ...(name ? { name } : {}) };
  }
  return undefined;
}

async function readJson(
  req: Http2ServerRequest,
): Promise<{ ok: true; value: Json } | { ok: false; message: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json };
  } catch (error) {
    return { ok: false, message: `the body is not JSON: ${(error as Error).message}` };
  }
}
