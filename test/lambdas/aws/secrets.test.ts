import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretReadError, SecretReader, secretField } from '../../../lambdas/aws/secrets.js';

const sm = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:fluxguard/webhook-AbCdEf';

describe('SecretReader', () => {
  beforeEach(() => sm.reset());

  it('reads the current and previous versions separately and caches each', async () => {
    // Prepare
    sm.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' }).resolves({
      SecretString: 'new',
    });
    sm.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPREVIOUS' }).resolves({
      SecretString: 'old',
    });
    const reader = new SecretReader({ client: new SecretsManagerClient({ region: 'eu-central-1' }) });

    // Act
    const first = [await reader.read(ARN), await reader.read(ARN, 'AWSPREVIOUS')];
    const again = [await reader.read(ARN), await reader.read(ARN, 'AWSPREVIOUS')];

    // Assess
    expect(first).toEqual(['new', 'old']);
    expect(again).toEqual(['new', 'old']);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refetches when forced, so a rotated value is seen at once', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'v1' }).resolves({ SecretString: 'v2' });
    const reader = new SecretReader({ client: new SecretsManagerClient({ region: 'eu-central-1' }) });
    expect(await reader.read(ARN)).toBe('v1');
    expect(await reader.read(ARN, 'AWSCURRENT', true)).toBe('v2');
  });

  it('answers undefined for a previous version that does not exist yet', async () => {
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(
      new ResourceNotFoundException({ message: 'no AWSPREVIOUS label', $metadata: {} }),
    );
    const reader = new SecretReader({ client: new SecretsManagerClient({ region: 'eu-central-1' }) });
    expect(await reader.read(ARN, 'AWSPREVIOUS')).toBeUndefined();
  });

  it('throws a SecretReadError naming the secret when the current version cannot be read', async () => {
    sm.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException: not allowed'));
    const reader = new SecretReader({ client: new SecretsManagerClient({ region: 'eu-central-1' }) });
    await expect(reader.read(ARN)).rejects.toThrow(SecretReadError);
    await expect(reader.read(ARN)).rejects.toThrow(/fluxguard\/webhook-AbCdEf \(AWSCURRENT\).*not allowed/);
  });

  it('decodes a binary secret as UTF-8', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new TextEncoder().encode('bin') });
    const reader = new SecretReader({ client: new SecretsManagerClient({ region: 'eu-central-1' }) });
    expect(await reader.read(ARN)).toBe('bin');
  });
});

describe('secretField', () => {
  it.each([
    ['plain-token', 'plain-token'],
    ['token-with-newline\n', 'token-with-newline\n'],
    ['{"token":"from-json"}', 'from-json'],
    [' {"token":"padded"} ', 'padded'],
  ])('reads %j as %j', (raw, expected) => {
    expect(secretField(raw, 'token')).toBe(expected);
  });

  it.each([
    ['', /is empty/],
    ['{"token":', /does not parse/],
    ['{"other":"x"}', /without a non-empty string "token"/],
    ['{"token":""}', /without a non-empty string "token"/],
  ])('rejects %j', (raw, reason) => {
    expect(() => secretField(raw, 'token')).toThrow(reason);
  });
});
