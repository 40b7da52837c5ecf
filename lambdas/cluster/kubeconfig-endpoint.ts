/**
 * A kubeconfig's current context as a {@link KubeEndpoint}: `@kubernetes/client-node` reads the
 * file(s) and does the authentication (tokens, client certificates, exec plugins, auth providers)
 * and the TLS settings. Loaded only when a kubeconfig is used (the CLI, tests): a Lambda reaches its
 * cluster through DescribeCluster and never loads this module.
 *
 * @module
 */
import type https from 'node:https';
import { delimiter } from 'node:path';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import { ClusterUnavailableError, KubeRequestError } from './errors.js';
import type { HttpAnswer, HttpRequest, HttpTransport, TlsSettings } from './http-transport.js';
import type { KubeEndpoint } from './kube-endpoint.js';

/** A transport over the dispatcher client-node builds for a `proxy-url`. */
class DispatcherTransport implements HttpTransport {
  readonly #dispatcher: Promise<Dispatcher>;

  constructor(dispatcher: Promise<Dispatcher>) {
    this.#dispatcher = dispatcher;
  }

  async send({ url, method, headers, body, timeoutMs }: HttpRequest): Promise<HttpAnswer> {
    const dispatcher = await this.#dispatcher;
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: method as Dispatcher.HttpMethod,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.statusCode, body: await response.body.text() };
  }

  async close(): Promise<void> {
    await (await this.#dispatcher.catch(() => undefined))?.close();
  }
}

async function proxyDispatcher(kubeConfig: KubeConfig, server: string): Promise<Dispatcher> {
  const probe = new RequestContext(server, HttpMethod.GET);
  await kubeConfig.applySecurityAuthentication(probe);
  const dispatcher = probe.getDispatcher();
  if (!dispatcher)
    throw new KubeRequestError('kubeconfig', 'invalid', `no dispatcher for proxy of ${server}`);
  return dispatcher as unknown as Dispatcher;
}

/**
 * The current context of a loaded kubeconfig as an endpoint.
 *
 * @throws {KubeRequestError} when the kubeconfig has no current cluster
 *
 * @example
 * const reader = new KubeReader({ endpoint: await kubeconfigEndpoint(kubeConfig) });
 */
export async function kubeconfigEndpoint(kubeConfig: KubeConfig): Promise<KubeEndpoint> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new KubeRequestError('kubeconfig', 'invalid', 'the kubeconfig has no current cluster');
  const options: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const tls: TlsSettings = {
    ...(options.ca ? { ca: options.ca as string | Buffer } : {}),
    ...(options.cert ? { cert: options.cert as string | Buffer } : {}),
    ...(options.key ? { key: options.key as string | Buffer } : {}),
    ...(options.servername ? { servername: options.servername } : {}),
    ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  };
  const server = cluster.server;
  return {
    name: kubeConfig.getCurrentContext(),
    server,
    tls,
    authHeaders: async (url) => {
      const context = new RequestContext(url, HttpMethod.GET);
      await kubeConfig.applySecurityAuthentication(context);
      return context.getHeaders();
    },
    ...(cluster.proxyUrl
      ? { transport: () => new DispatcherTransport(proxyDispatcher(kubeConfig, server)) }
      : {}),
  };
}

/**
 * Loads kubeconfig file(s), one path or several joined by the platform's path delimiter and merged
 * as kubectl does, and returns the endpoint of their current context (or of `context`).
 *
 * @throws {ClusterUnavailableError} when a file cannot be read, or there is no current cluster
 */
export async function kubeconfigFileEndpoint(kubeconfig: string, context?: string): Promise<KubeEndpoint> {
  const [first, ...rest] = kubeconfig.split(delimiter).filter((path) => path !== '');
  if (!first) throw new ClusterUnavailableError('the kubeconfig path is empty');
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(first);
    for (const path of rest) {
      const other = new KubeConfig();
      other.loadFromFile(path);
      kc.mergeConfig(other, true);
    }
  } catch (error) {
    throw new ClusterUnavailableError(`cannot load kubeconfig ${kubeconfig}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (context) kc.setCurrentContext(context);
  if (!kc.getCurrentCluster())
    throw new ClusterUnavailableError(`kubeconfig ${kubeconfig} has no current cluster`);
  return kubeconfigEndpoint(kc);
}
