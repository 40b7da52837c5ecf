/**
 * The few Kubernetes API calls the teardown makes: list a kind across namespaces, read one object,
 * merge-patch `spec.suspend`, delete, over the cluster library's JSON client (the endpoint's
 * authentication on every request, its cluster CA the only one TLS trusts).
 *
 * @module
 */
import { KubeApiClient, type KubeEndpoint, KubeRequestError } from '../cluster/index.js';
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
  /** The cluster's API server and authentication (`connection.endpoint`). */
  endpoint: KubeEndpoint;
  /** Every request is aborted after this long (default 10,000 ms). */
  requestTimeoutMs?: number;
}

/**
 * {@link TeardownKubeApi} over HTTPS to one cluster's endpoint.
 *
 * @example
 * const client = new KubeTeardownClient({ endpoint: connection.endpoint });
 * await client.suspend(RESOURCES.kustomization, 'flux-system', 'apps');
 * await client.close();
 */
export class KubeTeardownClient implements TeardownKubeApi {
  readonly #api: KubeApiClient;

  constructor({ endpoint, requestTimeoutMs = 10_000 }: KubeTeardownClientOptions) {
    this.#api = new KubeApiClient(endpoint, { requestTimeoutMs });
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
    await this.#api.close();
  }

  /** One request through the cluster library's client; its errors become {@link KubeApiError}s. */
  async #request(
    method: 'GET' | 'PATCH' | 'DELETE',
    path: string,
    payload: { body: unknown; contentType: string } | undefined,
    absentOn: readonly number[],
  ): Promise<unknown> {
    try {
      return await this.#api.request({
        method,
        path,
        absentOn,
        ...(payload ? { body: payload.body, contentType: payload.contentType } : {}),
      });
    } catch (error) {
      if (!(error instanceof KubeRequestError)) throw error;
      throw new KubeApiError(
        `${method} ${path}`,
        error.message.replace(`${method} ${path}: `, ''),
        error.status,
        {
          cause: error,
        },
      );
    }
  }
}
