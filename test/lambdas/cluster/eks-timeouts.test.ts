import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ClusterUnavailableError,
  clearClusterCache,
  connectToCluster,
} from '../../../lambdas/cluster/index.js';

/** Accepts connections and requests, and never answers: a stalled AWS endpoint. */
let stalled: Server;
let requests = 0;

beforeAll(async () => {
  stalled = createServer(() => {
    requests += 1;
  });
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  vi.stubEnv('AWS_ENDPOINT_URL_EKS', `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`);
  clearClusterCache();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  stalled.closeAllConnections();
  await new Promise((resolve) => stalled.close(resolve));
});

describe('DescribeCluster against an endpoint that never answers', () => {
  it('gives up within its request timeout and says the cluster is unavailable', async () => {
    // Act
    const attempt = connectToCluster({
      clusterName: 'fluxguard-dev',
      region: 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
      awsTimeouts: { connectionTimeoutMs: 200, requestTimeoutMs: 300 },
    });

    // Assess
    await expect(attempt).rejects.toThrow(ClusterUnavailableError);
    await expect(attempt).rejects.toThrow(/eks:DescribeCluster fluxguard-dev in eu-west-1 failed/);
    expect(requests).toBeGreaterThan(0);
  }, 20_000);
});
