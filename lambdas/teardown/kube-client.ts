/**
 * The few Kubernetes API calls the teardown makes: list a kind across namespaces, read one object,
 * merge-patch `spec.suspend`, delete. The cluster library's reader only reads, so this small client
 * adds the write verbs over the same kubeconfig (its authentication on every request, its cluster CA
 * the only one TLS trusts).
 *
 * @module
 */
import type https from 'node:https';
import { HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { Agent, type Dispatcher } from 'undici';
import { KubeApiError } from './errors.js';
import { collectionPath, type KubeItem, type KubeResource, objectPath } from './resources.js';

/** What the teardown asks of the API server; {@link KubeTeardownClient} implements it. */
export interface TeardownKubeApi {
  /** Every object of a kind in every namespace; none when the kind is not installed (404). */
  list(resource: KubeResource): Promise<KubeItem[]>;
  /** One object, or `undefined` when it does not exist. */
  get(resource: KubeResource, namespace: string | undefined, name: string): Promise<KubeItem | undefined>;
  /** Merge-patches `spec.suspend: true`; `false` when the object was already gone. */
  suspend(resource: KubeResource, namespace: string | undefined, name: string): Promise<boolean>;
  /** Deletes with background propagation; `false` when the object was already gone. */
  remove(resource: KubeResource, namespace: string | undefined, name: string): Promise<boolean>;
}

/** Options for {@link KubeTeardownClient}. */
export interface KubeTeardownClientOptions {
  kubeConfig: KubeConfig;
  /** Every request is aborted after this long (default 10,000 ms). */
  requestTimeoutMs?: number;
}

function statusMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: string };
    return parsed.kind === 'Status' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * {@link TeardownKubeApi} over HTTPS with a kubeconfig.
 *
 * @example
 * const client = new KubeTeardownClient({ kubeConfig: connection.kubeConfig });
 * await client.suspend(RESOURCES.kustomization, 'flux-system', 'apps');
 * await client.close();
 */
export class KubeTeardownClient implements TeardownKubeApi {
  readonly #kc: KubeConfig;
  readonly #server: string;
  readonly #timeoutMs: number;
  #dispatcher?: Promise<Dispatcher>;

  constructor({ kubeConfig, requestTimeoutMs = 10_000 }: KubeTeardownClientOptions) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeApiError('kubeconfig', 'the kubeconfig has no current cluster');
    this.#kc = kubeConfig;
    this.#server = cluster.server.replace(/\/+$/, '');
    this.#timeoutMs = requestTimeoutMs;
  }

  async list(resource: KubeResource): Promise<KubeItem[]> {
    const answer = await this.#request('GET', collectionPath(resource), undefined, [404]);
    if (answer === undefined) return [];
    return (answer as { items?: KubeItem[] | null }).items ?? [];
  }

  async get(
    resource: KubeResource,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeItem | undefined> {
    return (await this.#request('GET', objectPath(resource, namespace, name), undefined, [404])) as
      | KubeItem
      | undefined;
  }

  async suspend(resource: KubeResource, namespace: string | undefined, name: string): Promise<boolean> {
    const answer = await this.#request(
      'PATCH',
      objectPath(resource, namespace, name),
      { body: { spec: { suspend: true } }, contentType: 'application/merge-patch+json' },
      [404],
    );
    return answer !== undefined;
  }

  async remove(resource: KubeResource, namespace: string | undefined, name: string): Promise<boolean> {
    const answer = await this.#request(
      'DELETE',
      objectPath(resource, namespace, name),
      {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
        contentType: 'application/json',
      },
      [404],
    );
    return answer !== undefined;
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    const dispatcher = await this.#dispatcher?.catch(() => undefined);
    await dispatcher?.close();
  }

  /** One request; the parsed answer, or `undefined` for a status in `absentOn`. */
  async #request(
    method: 'GET' | 'PATCH' | 'DELETE',
    path: string,
    payload: { body: unknown; contentType: string } | undefined,
    absentOn: readonly number[],
  ): Promise<unknown> {
    const request = `${method} ${path}`;
    const url = new URL(`${this.#server}${path}`);
    let status: number;
    let text: string;
    try {
      const context = new RequestContext(url.toString(), HttpMethod.GET);
      await this.#kc.applySecurityAuthentication(context);
      const dispatcher = await this.#sharedDispatcher();
      const response = await dispatcher.request({
        origin: url.origin,
        path: url.pathname,
        method,
        headers: {
          ...context.getHeaders(),
          accept: 'application/json',
          ...(payload ? { 'content-type': payload.contentType } : {}),
        },
        ...(payload ? { body: JSON.stringify(payload.body) } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      throw new KubeApiError(request, cause?.message ?? (error as Error).message, undefined, {
        cause: error,
      });
    }
    if (absentOn.includes(status)) return undefined;
    if (status < 200 || status > 299)
      throw new KubeApiError(request, statusMessage(text) ?? `HTTP ${status}`, status);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new KubeApiError(request, 'the answer is not JSON', status);
    }
  }

  async #sharedDispatcher(): Promise<Dispatcher> {
    this.#dispatcher ??= (async () => {
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
    return this.#dispatcher;
  }
}
