/**
 * Opens the teardown's way into the cluster's API: the cluster library's EKS connection
 * (DescribeCluster, an STS-presigned token) with the teardown's write client on top.
 *
 * @module
 */
import { DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import { connectToCluster } from '../cluster/index.js';
import { KubeTeardownClient, type TeardownKubeApi } from './kube-client.js';

/** An open connection to the cluster's API. */
export interface OpenCluster {
  api: TeardownKubeApi;
  close(): Promise<void>;
}

/** How the teardown reaches a cluster; tests give one that opens a local API server. */
export interface ClusterAccess {
  /** The cluster's API, or `undefined` when the cluster no longer exists or is being deleted. */
  open(clusterName: string): Promise<OpenCluster | undefined>;
}

/**
 * {@link ClusterAccess} to an EKS cluster. A cluster that DescribeCluster does not find, or reports
 * `DELETING`, counts as gone: there is nothing left inside it to tear down.
 *
 * @example
 * const access = new EksClusterAccess({ eks: new EKSClient({}) });
 * const cluster = await access.open('fluxguard-staging-us-east-1');
 */
export class EksClusterAccess implements ClusterAccess {
  readonly #eks: EKSClient;
  readonly #requestTimeoutMs: number;

  constructor({ eks, requestTimeoutMs = 10_000 }: { eks: EKSClient; requestTimeoutMs?: number }) {
    this.#eks = eks;
    this.#requestTimeoutMs = requestTimeoutMs;
  }

  async open(clusterName: string): Promise<OpenCluster | undefined> {
    try {
      const { cluster } = await this.#eks.send(new DescribeClusterCommand({ name: clusterName }));
      if (cluster?.status === 'DELETING') return undefined;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
    const connection = await connectToCluster({ clusterName, eks: this.#eks });
    const api = new KubeTeardownClient({
      endpoint: connection.endpoint,
      requestTimeoutMs: this.#requestTimeoutMs,
    });
    return {
      api,
      close: async () => {
        await Promise.all([api.close(), connection.close()]);
      },
    };
  }
}
