import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretReader } from '../../../lambdas/aws/index.js';
import { SecretsManagerKeys, StaticKeys } from '../../../lambdas/webhook/keys.js';
import { parseSignatureHeader, type Signature, signBody } from '../../../lambdas/webhook/signature.js';

const sm = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:fluxguard/webhook-AbCdEf';
const body = Buffer.from('{"involvedObject":{}}');

function signatureWith(key: string): Signature {
  const parsed = parseSignatureHeader([signBody(body, key)]);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.signature;
}

function keys(now: () => number = () => 0) {
  const reader = new SecretReader({ client: new SecretsManagerClient({ region: 'eu-west-1' }) });
  return new SecretsManagerKeys(reader, ARN, { refetchIntervalMs: 30_000, previousAbsentTtlMs: 60_000, now });
}

function stages(current: string, previous?: string) {
  sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: current });
  if (previous === undefined) {
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(
      new ResourceNotFoundException({ message: 'no AWSPREVIOUS', $metadata: {} }),
    );
  } else {
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: previous });
  }
}

const calls = (stage: string) =>
  sm.commandCalls(GetSecretValueCommand).filter((c) => c.args[0].input.VersionStage === stage).length;

describe('SecretsManagerKeys', () => {
  beforeEach(() => sm.reset());

  it('verifies with the current version, read from JSON {token}', async () => {
    // Prepare
    stages('{"token":"new-key"}', 'old-key');

    // Act
    const version = await keys().verify(body, signatureWith('new-key'));

    // Assess
    expect(version).toBe('current');
    expect(calls('AWSPREVIOUS')).toBe(0);
  });

  it('verifies with the previous version during a rotation', async () => {
    // Prepare
    stages('new-key', '{"token":"old-key"}');

    // Act
    const version = await keys().verify(body, signatureWith('old-key'));

    // Assess
    expect(version).toBe('previous');
  });

  it('re-reads the current version once when a rotation finished after it was cached', async () => {
    // Prepare
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' })
      .resolvesOnce({ SecretString: 'old-key' })
      .resolves({ SecretString: 'rotated-key' });
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: 'older-key' });
    const subject = keys();
    await subject.verify(body, signatureWith('old-key'));

    // Act
    const version = await subject.verify(body, signatureWith('rotated-key'));

    // Assess
    expect(version).toBe('current');
    expect(calls('AWSCURRENT')).toBe(2);
  });

  it('re-reads the previous version once a rotation is seen, so senders on the old key are not rejected', async () => {
    // Prepare: key-1 is current and key-0 previous; both get cached by a bad signature. Then the
    // secret rotates (key-2 current, key-1 previous) and a cluster already on key-2 posts, so the
    // current version is re-read. A cluster still on key-1 posts next.
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' })
      .resolvesOnce({ SecretString: 'key-1' })
      .resolvesOnce({ SecretString: 'key-1' })
      .resolves({ SecretString: 'key-2' });
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' })
      .resolvesOnce({ SecretString: 'key-0' })
      .resolves({ SecretString: 'key-1' });
    let clock = 0;
    const subject = keys(() => clock);
    await subject.verify(body, signatureWith('wrong-key'));
    clock = 30_001;
    const updated = await subject.verify(body, signatureWith('key-2'));

    // Act
    const lagging = await subject.verify(body, signatureWith('key-1'));

    // Assess
    expect(updated).toBe('current');
    expect(lagging).toBe('previous');
  });

  it('re-reads a previous version remembered as absent once the first rotation is seen', async () => {
    // Prepare: no AWSPREVIOUS yet (remembered by a bad signature), then the first rotation.
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' })
      .resolvesOnce({ SecretString: 'key-1' })
      .resolvesOnce({ SecretString: 'key-1' })
      .resolves({ SecretString: 'key-2' });
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' })
      .rejectsOnce(new ResourceNotFoundException({ message: 'no AWSPREVIOUS', $metadata: {} }))
      .resolves({ SecretString: 'key-1' });
    let clock = 0;
    const subject = keys(() => clock);
    await subject.verify(body, signatureWith('wrong-key'));
    clock = 30_001;
    await subject.verify(body, signatureWith('key-2'));

    // Act
    const lagging = await subject.verify(body, signatureWith('key-1'));

    // Assess
    expect(lagging).toBe('previous');
  });

  it('re-reads at most once per interval, so a flood of bad signatures cannot hammer Secrets Manager', async () => {
    // Prepare
    stages('right-key');
    let clock = 0;
    const subject = keys(() => clock);

    // Act
    const results = [];
    for (let i = 0; i < 50; i += 1) results.push(await subject.verify(body, signatureWith(`wrong-${i}`)));
    clock = 30_001;
    results.push(await subject.verify(body, signatureWith('wrong-again')));

    // Assess
    expect(results.every((r) => r === undefined)).toBe(true);
    expect(calls('AWSCURRENT')).toBe(3); // first read, one forced re-read, one more after the interval
    expect(calls('AWSPREVIOUS')).toBe(1); // "no previous version" is remembered too
  });

  it('lets the secret read error through, so the webhook answers 5xx and Flux retries', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));

    // Act
    const verifying = keys().verify(body, signatureWith('any'));

    // Assess
    await expect(verifying).rejects.toThrow(/AccessDeniedException/);
  });
});

describe('StaticKeys', () => {
  it('verifies with any of its keys and nothing else', async () => {
    // Prepare
    const subject = new StaticKeys(['a-key', 'b-key']);

    // Act
    const results = await Promise.all(['b-key', 'c-key'].map((k) => subject.verify(body, signatureWith(k))));

    // Assess
    expect(results).toEqual(['static', undefined]);
  });
});
