import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearClusterCache } from '../../../lambdas/cluster/index.js';
import { EksClusterAccess, RESOURCES } from '../../../lambdas/teardown/index.js';
import { FakeKubeApi, ingress } from './support/cluster.js';

const eksMock = mockClient(EKSClient);
const eks = new EKSClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
});
// Accepts any well-formed EKS token, as the API server does once STS vouches for it.
const api = new FakeKubeApi({ acceptToken: (token) => token.startsWith('k8s-aws-v1.') });

beforeAll(async () => {
  await api.start();
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  eksMock.reset();
  clearClusterCache();
  api.clear();
});

describe('EksClusterAccess', () => {
  it('opens an ACTIVE cluster through DescribeCluster and an EKS token, verifying TLS against its CA', async () => {
    // Prepare
    eksMock.on(DescribeClusterCommand).resolves({
      cluster: {
        name: 'c1',
        status: 'ACTIVE',
        endpoint: api.url,
        certificateAuthority: { data: Buffer.from(api.caPem).toString('base64') },
      },
    });
    api.put(ingress('shop', 'web'));

    // Act
    const cluster = await new EksClusterAccess({ eks }).open('c1');
    const ingresses = await cluster?.api.list(RESOURCES.ingress);
    await cluster?.close();

    // Assess
    expect(ingresses?.map((item) => item.metadata.name)).toEqual(['web']);
    expect(api.requests.every((request) => request.authorized)).toBe(true);
  });

  it.each([
    ['not found', () => eksMock.on(DescribeClusterCommand).rejects(notFound())],
    [
      'DELETING',
      () => eksMock.on(DescribeClusterCommand).resolves({ cluster: { name: 'c1', status: 'DELETING' } }),
    ],
  ])('takes a cluster that is %s as gone', async (_, arrange) => {
    // Prepare
    arrange();

    // Act
    const cluster = await new EksClusterAccess({ eks }).open('c1');

    // Assess
    expect(cluster).toBeUndefined();
    expect(api.requests).toEqual([]);
  });

  it('fails on any other DescribeCluster error, so a deletion never passes on doubt', async () => {
    // Prepare
    eksMock
      .on(DescribeClusterCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    // Act
    const failure = await new EksClusterAccess({ eks }).open('c1').catch((error: unknown) => error);

    // Assess
    expect((failure as Error).name).toBe('AccessDeniedException');
  });
});

function notFound(): Error {
  return Object.assign(new Error('No cluster found for name: c1.'), { name: 'ResourceNotFoundException' });
}
