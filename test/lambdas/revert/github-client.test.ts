import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { GitHubCredentialsError, GitHubUnavailableError } from '../../../lambdas/revert/errors.js';
import { parseGitHubCredentials } from '../../../lambdas/revert/github-auth.js';
import { OctokitGitHub } from '../../../lambdas/revert/github-client.js';
import { createGitHubOctokit } from '../../../lambdas/revert/octokit.js';
import { ConcurrencyLimiter, TimeBudget, WritePacer } from '../../../lambdas/revert/rate-limits.js';
import { FakeGitHub, GitRepo } from '../../../sandbox/index.js';
import { INITIAL } from './support/harness.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function fake(options: Partial<ConstructorParameters<typeof FakeGitHub>[0]> = {}) {
  const repo = await GitRepo.create();
  await repo.commit('main', [INITIAL]);
  const server = await new FakeGitHub({ repo, ...options }).start();
  cleanup = async () => {
    await server.stop();
    await repo.remove();
  };
  return server;
}

describe('GitHub credentials', () => {
  it('reads a plain token, a JSON token and a GitHub App definition', () => {
    // Prepare: a PEM stored with its newlines escaped, as JSON secrets often hold it.
    const pem = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();

    // Act + Assess
    expect(parseGitHubCredentials('abc123')).toEqual({ kind: 'token', token: 'abc123' });
    expect(parseGitHubCredentials('{"token":"abc123"}')).toEqual({ kind: 'token', token: 'abc123' });
    expect(
      parseGitHubCredentials(
        JSON.stringify({ appId: 12, installationId: '34', privateKey: pem.replaceAll('\n', '\\n') }),
      ),
    ).toEqual({ kind: 'app', appId: '12', installationId: 34, privateKey: pem });
  });

  it.each(['', '{"appId":1}', '{"nope":1}', '{not json'])('rejects %j', (secret) => {
    // Act + Assess
    expect(() => parseGitHubCredentials(secret)).toThrow(GitHubCredentialsError);
  });

  it('mints a GitHub App installation token once and reuses it', async () => {
    // Prepare
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const server = await fake({ app: { appId: '99', installationId: 7, publicKey }, tokens: [] });
    const credentials = parseGitHubCredentials(
      JSON.stringify({
        appId: '99',
        installationId: 7,
        privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      }),
    );
    const github = new OctokitGitHub(
      createGitHubOctokit({ credentials, baseUrl: server.url }),
      'acme',
      'gitops',
    );

    // Act
    const first = await github.getBranchHead('main');
    const second = await github.getBranchHead('main');

    // Assess
    expect(first).toBe(second);
    expect(server.minted).toHaveLength(1);
    expect(server.requests.filter((r) => r.path.startsWith('/app/'))).toHaveLength(1);
  });
});

describe('rate limits and retries', () => {
  const client = (server: FakeGitHub, budgetMs = 60_000) =>
    new OctokitGitHub(
      createGitHubOctokit({
        credentials: { kind: 'token', token: 'test-token' },
        baseUrl: server.url,
        waitUnitMs: 1,
        budget: new TimeBudget(budgetMs),
      }),
      'acme',
      'gitops',
    );

  it('retries a 5xx and waits as a secondary rate limit asks, within the budget', async () => {
    // Prepare
    const server = await fake();
    server.fail({ method: 'GET', path: /git\/ref\//, status: 502, body: { message: 'Server Error' } });
    server.fail({
      method: 'GET',
      path: /git\/ref\//,
      status: 403,
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      },
      headers: { 'retry-after': '3' },
    });

    // Act
    const head = await client(server).getBranchHead('main');

    // Assess
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(server.calls()).toHaveLength(3);
  });

  it('gives up with GitHubUnavailableError when the wait does not fit the budget', async () => {
    // Prepare
    const server = await fake();
    server.fail({
      method: 'GET',
      path: /git\/ref\//,
      status: 429,
      body: { message: 'You have exceeded a secondary rate limit.' },
      headers: { 'retry-after': '120000' },
    });

    // Act
    const attempt = client(server, 10_000).getBranchHead('main');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(GitHubUnavailableError);
    expect(server.calls()).toHaveLength(1);
  });

  it('gives up after 3 retries of a 5xx', async () => {
    // Prepare
    const server = await fake();
    server.fail({
      method: 'GET',
      path: /git\/ref\//,
      status: 503,
      body: { message: 'Unavailable' },
      times: 10,
    });

    // Act
    const attempt = client(server).getBranchHead('main');

    // Assess
    await expect(attempt).rejects.toThrow(/GitHub failed \(503 Unavailable\)/);
    expect(server.calls()).toHaveLength(4);
  });

  it('runs at most the allowed number of requests at once, in arrival order, without waiting otherwise', async () => {
    // Prepare
    const limiter = new ConcurrencyLimiter(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const job = async (i: number) => {
      started.push(i);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return i;
    };

    // Act
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => limiter.key('x').schedule({}, job, i)));

    // Assess
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('lets a burst of writes through and then paces them', async () => {
    // Prepare
    let clock = 0;
    const slept: number[] = [];
    const pacer = new WritePacer({
      burst: 2,
      perSecond: 1,
      now: () => clock,
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
    });

    // Act
    for (let i = 0; i < 4; i += 1) await pacer.key('x').schedule({}, async () => i);

    // Assess
    expect(slept).toEqual([1000, 1000]);
  });
});
