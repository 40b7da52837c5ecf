import { type Cluster, DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import type { KubeConfig } from '@kubernetes/client-node';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { type AwsTimeouts, awsClientTimeouts } from '../aws/index.js';
import { EksTokenProvider } from './eks-token.js';
import { ClusterUnavailableError } from './errors.js';
import { eksEndpoint, type KubeEndpoint } from './kube-endpoint.js';
import { KubeReader } from './kube-reader.js';
import type { HealthUrlOptions } from './validation/health-url.js';

/** What fluxguard needs from `eks:DescribeCluster`. */
export interface EksClusterInfo {
  name: string;
  arn?: string;
  /** The API server URL, e.g. `https://ABC.gr7.eu-west-1.eks.amazonaws.com`. */
  endpoint: string;
  /** The cluster CA bundle: base64 of the PEM, exactly as DescribeCluster returns it. */
  certificateAuthorityData: string;
  version?: string;
}

const describeCache = new Map<string, { at: Date; info: EksClusterInfo }>();

/** Forgets every cached DescribeCluster answer (tests; or after an endpoint change). */
export function clearClusterCache(): void {
  describeCache.clear();
}

/**
 * `eks:DescribeCluster`, cached per cluster and region for `maxAgeMs` (default 15 minutes, i.e. for
 * the life of most Lambda environments). Only an `ACTIVE` answer is cached.
 *
 * @throws {ClusterUnavailableError} when the call fails, or the cluster is not `ACTIVE` (EKS gives no
 *   endpoint or CA until it is)
 */
export async function describeEksCluster(
  client: EKSClient,
  name: string,
  { maxAgeMs = 15 * 60_000, now = () => new Date() }: { maxAgeMs?: number; now?: () => Date } = {},
): Promise<EksClusterInfo> {
  const region = await client.config.region();
  const key = `${region}/${name}`;
  const cached = describeCache.get(key);
  if (cached && now().getTime() - cached.at.getTime() < maxAgeMs) return cached.info;
  let cluster: Cluster | undefined;
  try {
    ({ cluster } = await client.send(new DescribeClusterCommand({ name })));
  } catch (error) {
    throw new ClusterUnavailableError(
      `eks:DescribeCluster ${name} in ${region} failed: ${(error as Error).name}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (cluster?.status !== 'ACTIVE') {
    throw new ClusterUnavailableError(
      `EKS cluster ${name} in ${region} is ${cluster?.status ?? 'unknown'}, not ACTIVE: it has no usable API endpoint`,
    );
  }
  const endpoint = cluster.endpoint;
  const certificateAuthorityData = cluster.certificateAuthority?.data;
  if (!endpoint || !certificateAuthorityData) {
    throw new ClusterUnavailableError(`EKS cluster ${name} in ${region} reports no endpoint or CA data`);
  }
  const info: EksClusterInfo = {
    name,
    arn: cluster.arn,
    endpoint,
    certificateAuthorityData,
    version: cluster.version,
  };
  describeCache.set(key, { at: now(), info });
  return info;
}

/**
 * A loaded `@kubernetes/client-node` kubeconfig's current context as an endpoint (tests, tools).
 * client-node is imported here on demand, so code that never calls this never loads it.
 *
 * @throws {KubeRequestError} when the kubeconfig has no current cluster
 */
export async function endpointFromKubeConfig(kubeConfig: KubeConfig): Promise<KubeEndpoint> {
  const { kubeconfigEndpoint } = await import('./kubeconfig-endpoint.js');
  return kubeconfigEndpoint(kubeConfig);
}

/** Where the cluster is and how to reach it; the caller reads its configuration and passes values. */
export interface ConnectOptions {
  /** An EKS cluster: connect through DescribeCluster and an STS-presigned token. */
  clusterName?: string;
  /** The EKS cluster's region; default the SDK's resolution (profile, instance metadata). */
  region?: string;
  /**
   * Without `clusterName`: kubeconfig file(s), several joined by the platform's path delimiter and
   * merged as kubectl does; their current context is used, with whatever auth it names.
   */
  kubeconfig?: string;
  /** The EKS client; default one with `region`, `credentials` and {@link awsTimeouts}. */
  eks?: EKSClient;
  /** Credentials for DescribeCluster and token signing; default the SDK's default credential chain. */
  credentials?: AwsCredentialIdentityProvider;
  /** Timeouts of the AWS calls (default 3 s to connect, 5 s to answer). */
  awsTimeouts?: AwsTimeouts;
  /** Per-request timeout for the Kubernetes API (default 5,000 ms). */
  requestTimeoutMs?: number;
  /** Which addresses and CA `fluxguard.io/health-url` probes may use (default: public addresses only). */
  healthUrl?: HealthUrlOptions;
}

/** A way into one cluster's API. */
export interface ClusterConnection {
  /** Where the connection came from. */
  source: 'eks' | 'kubeconfig';
  /** The EKS cluster name, or the kubeconfig context name. */
  name: string;
  /** The API server and how to authenticate, for other clients of the same cluster. */
  endpoint: KubeEndpoint;
  reader: KubeReader;
  /** Releases the connection pool. */
  close(): Promise<void>;
}

function eksClient({ region, credentials, awsTimeouts }: ConnectOptions): EKSClient {
  return new EKSClient({
    ...(region ? { region } : {}),
    ...(credentials ? { credentials } : {}),
    ...awsClientTimeouts(awsTimeouts),
  });
}

/**
 * Connects to an EKS cluster by name (DescribeCluster, cached, then an STS-presigned token renewed
 * as it ages), or, without a name, to the current context of a kubeconfig. It reads no environment
 * variables: a function's config module, or the CLI, decides the values.
 *
 * @throws {ClusterUnavailableError} when neither is given, or the cluster cannot be described
 *
 * @example
 * ```ts
 * const connection = await connectToCluster({ clusterName: config.clusterName, region: config.region });
 * try {
 *   const report = await validateRollout({ target, revision }, { reader: connection.reader });
 * } finally {
 *   await connection.close();
 * }
 * ```
 */
export async function connectToCluster(options: ConnectOptions): Promise<ClusterConnection> {
  const { clusterName, kubeconfig, credentials } = options;
  let endpoint: KubeEndpoint;
  let source: ClusterConnection['source'];
  let name: string;
  if (clusterName) {
    const eks = options.eks ?? eksClient(options);
    const info = await describeEksCluster(eks, clusterName);
    const tokens = new EksTokenProvider({
      clusterName,
      region: await eks.config.region(),
      ...(credentials ? { credentials } : {}),
    });
    endpoint = eksEndpoint(info, tokens);
    source = 'eks';
    name = clusterName;
  } else if (kubeconfig) {
    // client-node reads kubeconfigs: loaded only on this path, never in a Lambda's cold start.
    const { kubeconfigFileEndpoint } = await import('./kubeconfig-endpoint.js');
    endpoint = await kubeconfigFileEndpoint(kubeconfig);
    source = 'kubeconfig';
    name = endpoint.name;
  } else {
    throw new ClusterUnavailableError(
      'no cluster configured: neither an EKS cluster name nor a kubeconfig was given',
    );
  }
  const reader = new KubeReader({
    endpoint,
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.healthUrl ? { healthUrl: options.healthUrl } : {}),
  });
  return { source, name, endpoint, reader, close: () => reader.close() };
}
