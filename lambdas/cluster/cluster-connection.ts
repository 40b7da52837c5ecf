import { delimiter } from 'node:path';
import { type Cluster, DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { KubeConfig, type User } from '@kubernetes/client-node';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { EksTokenProvider } from './eks-token.js';
import { ClusterUnavailableError } from './errors.js';
import { KubeReader } from './kube-reader.js';

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

const describeCache = new Map<string, { at: number; info: EksClusterInfo }>();

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
  { maxAgeMs = 15 * 60_000, now = Date.now }: { maxAgeMs?: number; now?: () => number } = {},
): Promise<EksClusterInfo> {
  const region = await client.config.region();
  const key = `${region}/${name}`;
  const cached = describeCache.get(key);
  if (cached && now() - cached.at < maxAgeMs) return cached.info;
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

const EKS_AUTH_PROVIDER = 'fluxguard-eks';

/**
 * A kubeconfig for an EKS cluster: the endpoint, the CA from DescribeCluster (TLS is verified
 * against it, never skipped), and a user whose bearer token comes from `tokens` on every request, so
 * a renewed token is picked up without rebuilding clients.
 */
export function eksKubeConfig(info: EksClusterInfo, tokens: Pick<EksTokenProvider, 'token'>): KubeConfig {
  const kc = new KubeConfig();
  kc.addAuthenticator({
    isAuthProvider: (user: User) => user.authProvider?.name === EKS_AUTH_PROVIDER,
    applyAuthentication: async (_user, opts) => {
      opts.headers = { ...opts.headers, Authorization: `Bearer ${await tokens.token()}` };
    },
  });
  kc.loadFromClusterAndUser(
    { name: info.name, server: info.endpoint, caData: info.certificateAuthorityData, skipTLSVerify: false },
    { name: 'fluxguard', authProvider: { name: EKS_AUTH_PROVIDER, config: {} } },
  );
  return kc;
}

/** Loads `KUBECONFIG` (one path, or several joined by the platform's path delimiter, merged). */
export function kubeConfigFromFiles(kubeconfig: string, context?: string): KubeConfig {
  const [first, ...rest] = kubeconfig.split(delimiter).filter((p) => p !== '');
  if (!first) throw new ClusterUnavailableError('KUBECONFIG is empty');
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(first);
    for (const path of rest) {
      const other = new KubeConfig();
      other.loadFromFile(path);
      kc.mergeConfig(other, true);
    }
  } catch (error) {
    throw new ClusterUnavailableError(`cannot load KUBECONFIG ${kubeconfig}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (context) kc.setCurrentContext(context);
  if (!kc.getCurrentCluster())
    throw new ClusterUnavailableError(`KUBECONFIG ${kubeconfig} has no current cluster`);
  return kc;
}

/** Options for {@link connectToCluster}. */
export interface ConnectOptions {
  /** Read for `CLUSTER_NAME`, `AWS_REGION` and `KUBECONFIG`; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Overrides `CLUSTER_NAME`. */
  clusterName?: string;
  /** Overrides the SDK's region resolution (`AWS_REGION`, profile…). */
  region?: string;
  /** The EKS client; defaults to one with the SDK's default region, endpoint and credentials. */
  eks?: EKSClient;
  /** Credentials for token signing; defaults to the SDK's default credential chain. */
  credentials?: AwsCredentialIdentityProvider;
  /** Per-request timeout for the Kubernetes API (default 5,000 ms). */
  requestTimeoutMs?: number;
}

/** A way into one cluster's API. */
export interface ClusterConnection {
  /** Where the connection came from. */
  source: 'eks' | 'kubeconfig';
  /** The EKS cluster name, or the kubeconfig context name. */
  name: string;
  kubeConfig: KubeConfig;
  reader: KubeReader;
  /** Releases the connection pool. */
  close(): Promise<void>;
}

/**
 * Connects to the cluster named by `CLUSTER_NAME` (DescribeCluster + an STS-presigned token), or,
 * when `CLUSTER_NAME` is unset and `KUBECONFIG` is set, to that kubeconfig's current context.
 *
 * @throws {ClusterUnavailableError} when neither is configured or the cluster cannot be described
 */
export async function connectToCluster(options: ConnectOptions = {}): Promise<ClusterConnection> {
  const env = options.env ?? process.env;
  const clusterName = options.clusterName ?? env.CLUSTER_NAME;
  let kubeConfig: KubeConfig;
  let source: ClusterConnection['source'];
  let name: string;
  if (clusterName) {
    const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    const eks =
      options.eks ??
      new EKSClient({
        ...(region ? { region } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
    const info = await describeEksCluster(eks, clusterName);
    const tokens = new EksTokenProvider({
      clusterName,
      region: await eks.config.region(),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    kubeConfig = eksKubeConfig(info, tokens);
    source = 'eks';
    name = clusterName;
  } else if (env.KUBECONFIG) {
    kubeConfig = kubeConfigFromFiles(env.KUBECONFIG);
    source = 'kubeconfig';
    name = kubeConfig.getCurrentContext();
  } else {
    throw new ClusterUnavailableError('no cluster configured: set CLUSTER_NAME (EKS) or KUBECONFIG');
  }
  const reader = new KubeReader({ kubeConfig, requestTimeoutMs: options.requestTimeoutMs });
  return { source, name, kubeConfig, reader, close: () => reader.close() };
}
