import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  clearClusterCache,
  connectToCluster,
  describeEksCluster,
} from '../../../lambdas/cluster/cluster-connection.js';
import { createEksToken } from '../../../lambdas/cluster/eks-token.js';
import { ClusterUnavailableError } from '../../../lambdas/cluster/errors.js';
import { FakeKubeApi, gitRepository } from '../../../sandbox/index.js';
import { fixtureJson } from '../../support/fixtures.js';

const credentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
});

/** Accepts only well-formed EKS tokens for cluster `fluxguard-dev`, as aws-iam-authenticator would check them. */
function isEksToken(token: string): boolean {
  if (!token.startsWith('k8s-aws-v1.')) return false;
  const url = new URL(Buffer.from(token.slice(11), 'base64url').toString('utf8'));
  return (
    url.host === 'sts.eu-west-1.amazonaws.com' &&
    url.searchParams.get('Action') === 'GetCallerIdentity' &&
    url.searchParams.get('X-Amz-SignedHeaders') === 'host;x-k8s-aws-id'
  );
}

const api = new FakeKubeApi({ acceptToken: isEksToken });
const eksMock = mockClient(EKSClient);
const describeFixture = fixtureJson<{ cluster: Record<string, unknown> }>(
  'aws-events/eks-describe-cluster.json',
);

beforeAll(async () => {
  await api.start();
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  api.clear();
  eksMock.reset();
  clearClusterCache();
});

function describeAnswer(overrides: Record<string, unknown> = {}) {
  return {
    cluster: {
      ...describeFixture.cluster,
      name: 'fluxguard-dev',
      createdAt: new Date((describeFixture.cluster.createdAt as number) * 1000),
      endpoint: api.url,
      certificateAuthority: { data: Buffer.from(api.caPem).toString('base64') },
      ...overrides,
    },
  };
}

describe('connecting to an EKS cluster', () => {
  it('reads the cluster with an STS-presigned token over TLS checked against the DescribeCluster CA', async () => {
    // Prepare
    eksMock.on(DescribeClusterCommand, { name: 'fluxguard-dev' }).resolves(describeAnswer());
    api.put(gitRepository());
    const eks = new EKSClient({ region: 'eu-west-1', credentials });

    // Act
    const connection = await connectToCluster({ clusterName: 'fluxguard-dev', eks, credentials });
    const repo = await connection.reader.getFlux('GitRepository', 'flux-system', 'flux-system');
    await connection.close();

    // Assess
    expect(connection.source).toBe('eks');
    expect(repo).toMatchObject({ spec: { url: 'https://github.com/acme/fluxguard.git' } });
    expect(api.requests.map((r) => r.authorized)).toEqual([true]);
  });

  it('describes the cluster once and serves later connections from the cache', async () => {
    // Prepare
    eksMock.on(DescribeClusterCommand).resolves(describeAnswer());
    const eks = new EKSClient({ region: 'eu-west-1', credentials });

    // Act
    const first = await describeEksCluster(eks, 'fluxguard-dev');
    const second = await describeEksCluster(eks, 'fluxguard-dev');

    // Assess
    expect(second).toBe(first);
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(1);
    expect(first.endpoint).toBe(api.url);
  });

  it('decodes the fixture CA as a PEM certificate', async () => {
    // Prepare
    eksMock
      .on(DescribeClusterCommand)
      .resolves({ cluster: { ...describeFixture.cluster, createdAt: new Date(0) } });

    // Act
    const info = await describeEksCluster(new EKSClient({ region: 'us-west-2', credentials }), 'devel');

    // Assess
    expect(Buffer.from(info.certificateAuthorityData, 'base64').toString('utf8')).toMatch(
      /^-----BEGIN CERTIFICATE-----\n/,
    );
  });

  it.each(['CREATING', 'UPDATING', 'FAILED'])(
    'refuses a cluster that is %s and does not cache it',
    async (status) => {
      // Prepare
      eksMock.on(DescribeClusterCommand).resolvesOnce(describeAnswer({ status })).resolves(describeAnswer());
      const eks = new EKSClient({ region: 'eu-west-1', credentials });

      // Act
      const refused = describeEksCluster(eks, 'fluxguard-dev');

      // Assess
      await expect(refused).rejects.toThrow(ClusterUnavailableError);
      await expect(refused).rejects.toThrow(`is ${status}, not ACTIVE`);
      await expect(describeEksCluster(eks, 'fluxguard-dev')).resolves.toMatchObject({ endpoint: api.url });
    },
  );

  it('reports a DescribeCluster error as the cluster being unavailable', async () => {
    // Prepare
    const denied = Object.assign(new Error('User is not authorized to perform: eks:DescribeCluster'), {
      name: 'AccessDeniedException',
    });
    eksMock.on(DescribeClusterCommand).rejects(denied);

    // Act
    const attempt = connectToCluster({ clusterName: 'x', region: 'eu-west-1', credentials });

    // Assess
    await expect(attempt).rejects.toThrow(/eks:DescribeCluster x in eu-west-1 failed: AccessDeniedException/);
  });
});

describe('connecting through KUBECONFIG', () => {
  it('uses the kubeconfig when no cluster name is given', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'fluxguard-kubeconfig-'));
    const path = join(dir, 'config');
    const { token } = await createEksToken({
      clusterName: 'fluxguard-dev',
      region: 'eu-west-1',
      credentials: await credentials(),
    });
    writeFileSync(path, api.kubeConfig(token).exportConfig());
    api.put(gitRepository());

    // Act
    const connection = await connectToCluster({ kubeconfig: path });
    const repo = await connection.reader.getFlux('GitRepository', 'flux-system', 'flux-system');
    await connection.close();
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(connection.source).toBe('kubeconfig');
    expect(repo).toMatchObject({ kind: 'GitRepository' });
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(0);
  });

  it('says what is missing when neither a cluster name nor a kubeconfig is given', async () => {
    // Act
    const attempt = connectToCluster({});

    // Assess
    await expect(attempt).rejects.toThrow(
      'no cluster configured: neither an EKS cluster name nor a kubeconfig',
    );
  });
});
