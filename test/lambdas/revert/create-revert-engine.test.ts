import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretReader } from '../../../lambdas/aws/secrets.js';
import { revertEngineFromEnvironment } from '../../../lambdas/revert/create-revert-engine.js';
import { type Harness, harness, SCOPE } from './support/harness.js';

const sm = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:fluxguard/github-AbCdEf';
let h: (Harness & { shas: string[] }) | undefined;
afterEach(async () => {
  sm.reset();
  await h?.close();
  h = undefined;
});

describe('revertEngineFromEnvironment', () => {
  it('reads the token from GITHUB_TOKEN_SECRET_ARN and talks to GITHUB_API_URL', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: '{"token":"test-token"}' });
    const reader = new SecretReader({ client: new SecretsManagerClient({ region: 'eu-central-1' }) });
    const env = { GITHUB_TOKEN_SECRET_ARN: ARN, GITHUB_API_URL: h.fake.url };

    // Act
    const engine = await revertEngineFromEnvironment(
      { host: 'github.com', owner: 'acme', repo: 'gitops' },
      { env, reader },
    );
    const result = await engine.revert({
      branch: 'main',
      failing,
      scope: [SCOPE],
      mode: 'dry-run',
      incident: h.incident,
    });

    // Assess
    expect(result.outcome).toBe('planned');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('says so when GITHUB_TOKEN_SECRET_ARN is missing', async () => {
    // Act
    const attempt = revertEngineFromEnvironment({ host: 'github.com', owner: 'a', repo: 'b' }, { env: {} });

    // Assess
    await expect(attempt).rejects.toThrow('GITHUB_TOKEN_SECRET_ARN is not set');
  });
});
