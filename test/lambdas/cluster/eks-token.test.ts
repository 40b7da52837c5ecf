import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEksToken, EksTokenProvider, execCredential } from '../../../lambdas/cluster/eks-token.js';
import { recordedToken } from './support/recorded-token.js';

const recorded = recordedToken();
const credentials = { accessKeyId: recorded.accessKeyId, secretAccessKey: recorded.secretAccessKey };

function decode(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  const body = token.slice('k8s-aws-v1.'.length);
  expect(body).not.toMatch(/[=+/]/);
  return new URL(Buffer.from(body, 'base64url').toString('utf8'));
}

/** SigV4 query signing written from the spec (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html). */
function independentSignature(url: URL, cluster: string, secret: string, region: string): string {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...url.searchParams.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    query,
    `host:${url.host}\nx-k8s-aws-id:${cluster}\n`,
    'host;x-k8s-aws-id',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date') ?? '';
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/sts/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 'sts'), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

describe('the EKS token', () => {
  it('decodes to a presigned regional STS GetCallerIdentity URL valid 60 s with host and x-k8s-aws-id signed', async () => {
    // Prepare
    const signingDate = new Date('2026-05-04T12:30:00Z');

    // Act
    const { token, expiresAt } = await createEksToken({
      clusterName: 'prod-eu',
      region: 'eu-central-1',
      credentials,
      signingDate,
    });

    // Assess
    const url = decode(token);
    expect(url.origin).toBe('https://sts.eu-central-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('Version')).toBe('2011-06-15');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260504T123000Z');
    expect(url.searchParams.get('X-Amz-Credential')).toBe(
      'AKIDEXAMPLE/20260504/eu-central-1/sts/aws4_request',
    );
    expect(expiresAt.toISOString()).toBe('2026-05-04T12:44:00.000Z');
  });

  it('carries a signature equal to one computed independently from the SigV4 spec', async () => {
    // Prepare
    const signingDate = new Date('2027-01-31T23:59:59Z');

    // Act
    const { token } = await createEksToken({
      clusterName: 'c1',
      region: 'us-east-2',
      credentials,
      signingDate,
    });

    // Assess
    const url = decode(token);
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      independentSignature(url, 'c1', credentials.secretAccessKey, 'us-east-2'),
    );
  });

  it('is byte-identical to the token aws eks get-token printed for the same credentials, region and time', async () => {
    // Act
    const token = await createEksToken({
      clusterName: recorded.cluster,
      region: recorded.region,
      credentials,
      signingDate: new Date(recorded.signingTime),
    });

    // Assess
    expect(execCredential(token)).toEqual({ ...recorded.execCredential, spec: {} });
    expect(token.token).toBe(recorded.execCredential.status.token);
  });

  it('signs the session token into the URL when the credentials are temporary', async () => {
    // Act
    const { token } = await createEksToken({
      clusterName: 'c1',
      region: 'us-east-1',
      credentials: { ...credentials, sessionToken: 'FAKE/SESSION+TOKEN==' },
      signingDate: new Date('2026-01-01T00:00:00Z'),
    });

    // Assess
    const url = decode(token);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('FAKE/SESSION+TOKEN==');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      independentSignature(url, 'c1', credentials.secretAccessKey, 'us-east-1'),
    );
  });
});

describe('the EKS token provider', () => {
  it('reuses its token for 13 minutes and renews it before 14, fetching credentials only to sign', async () => {
    // Prepare
    let now = new Date('2026-05-04T12:00:00Z');
    let credentialCalls = 0;
    const provider = new EksTokenProvider({
      clusterName: 'c1',
      region: 'eu-west-1',
      now: () => now,
      credentials: async () => {
        credentialCalls += 1;
        return credentials;
      },
    });

    // Act
    const first = await provider.token();
    now = new Date('2026-05-04T12:12:59Z');
    const reused = await provider.token();
    now = new Date('2026-05-04T12:13:00Z');
    const renewed = await provider.token();

    // Assess
    expect(reused).toBe(first);
    expect(renewed).not.toBe(first);
    expect(decode(renewed).searchParams.get('X-Amz-Date')).toBe('20260504T121300Z');
    expect(credentialCalls).toBe(2);
  });

  it('tries again on the next call when the credential chain failed', async () => {
    // Prepare
    let fail = true;
    const provider = new EksTokenProvider({
      clusterName: 'c1',
      region: 'eu-west-1',
      credentials: async () => {
        if (fail) throw new Error('no credentials');
        return credentials;
      },
    });

    // Act
    const first = provider.token();
    await expect(first).rejects.toThrow('no credentials');
    fail = false;
    const second = await provider.token();

    // Assess
    expect(second.startsWith('k8s-aws-v1.')).toBe(true);
  });
});
