import { generateKeyPairSync } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretReader } from '../../../lambdas/aws/index.js';
import {
  createRevertEngine,
  GitHubApiUrlError,
  parseRepositoryUrl,
  RepositoryHostError,
} from '../../../lambdas/revert/index.js';
import { type Harness, harness, SCOPE } from './support/harness.js';

const sm = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:fluxguard/github-AbCdEf';
let h: (Harness & { shas: string[] }) | undefined;
afterEach(async () => {
  sm.reset();
  vi.unstubAllGlobals();
  await h?.close();
  h = undefined;
});

/** Records every URL fetched; answers 404 so nothing proceeds. */
function recordFetches(): string[] {
  const seen: string[] = [];
  vi.stubGlobal('fetch', async (input: string | URL | Request) => {
    seen.push(String(input instanceof Request ? input.url : input));
    return new Response('{"message":"Not Found"}', {
      status: 404,
      headers: { 'content-type': 'application/json' },
    });
  });
  return seen;
}

describe('createRevertEngine', () => {
  it('reads the token from the secret and talks to the configured API', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: '{"token":"test-token"}' });
    const reader = new SecretReader({ client: new SecretsManagerClient({ region: 'eu-central-1' }) });

    // Act
    const engine = await createRevertEngine({
      repository: parseRepositoryUrl(`${h.fake.url}/acme/gitops.git`),
      apiUrl: h.fake.url,
      secret: { reader, arn: ARN },
    });
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

  it.each([
    ['a token, GitRepository on another host', 'https://git.attacker.example/acme/gitops.git', 'ghp_REAL'],
    [
      'a GitHub App, GitRepository on another host over ssh',
      'ssh://git@git.attacker.example:2222/acme/gitops.git',
      JSON.stringify({
        appId: '12345',
        installationId: 678,
        privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }),
      }),
    ],
  ])('sends nothing anywhere with %s', async (_name, url, secret) => {
    // Prepare
    const seen = recordFetches();

    // Act
    const attempt = createRevertEngine({
      repository: parseRepositoryUrl(url),
      secret: { reader: { read: async () => secret }, arn: ARN },
    });

    // Assess
    await expect(attempt).rejects.toThrow(RepositoryHostError);
    await expect(attempt).rejects.toThrow('git.attacker.example');
    expect(seen).toEqual([]);
  });

  it('refuses a github.com repository when the API is a GitHub Enterprise Server, and the reverse', async () => {
    // Prepare
    const seen = recordFetches();
    const credentials = { kind: 'token', token: 't' } as const;

    // Act
    const toGhes = createRevertEngine({
      repository: parseRepositoryUrl('https://github.com/acme/gitops'),
      apiUrl: 'https://ghe.example.com/api/v3',
      credentials,
    });
    const toDotCom = createRevertEngine({
      repository: parseRepositoryUrl('git@ghe.example.com:acme/gitops.git'),
      credentials,
    });
    const sameGhes = createRevertEngine({
      repository: parseRepositoryUrl('git@ghe.example.com:acme/gitops.git'),
      apiUrl: 'https://ghe.example.com/api/v3/',
      credentials,
    });
    const badUrl = createRevertEngine({
      repository: parseRepositoryUrl('acme/gitops'),
      apiUrl: 'https://user:pw@api.github.com',
      credentials,
    });

    // Assess
    await expect(toGhes).rejects.toThrow(RepositoryHostError);
    await expect(toDotCom).rejects.toThrow(RepositoryHostError);
    await expect(sameGhes).resolves.toBeDefined();
    await expect(badUrl).rejects.toThrow(GitHubApiUrlError);
    expect(seen).toEqual([]);
  });
});
