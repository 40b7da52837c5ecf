import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OctokitGitHub } from '../../../lambdas/revert/github-client.js';
import { createGitHubOctokit } from '../../../lambdas/revert/octokit.js';
import { TimeBudget, WritePacer } from '../../../lambdas/revert/rate-limits.js';
import { RevertEngine } from '../../../lambdas/revert/revert-engine.js';
import { type Harness, harness, revertIn, SCOPE } from './support/harness.js';

let h: (Harness & { shas: string[] }) | undefined;
let server: Server | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  const open = server;
  server = undefined;
  if (open) {
    open.closeAllConnections();
    await new Promise((resolve) => open.close(resolve));
  }
});

/** An engine over the harness's fake whose deadline follows a clock the test moves. */
function engineWithClock(fakeUrl: string, clock: { now: number }, budgetMs: number) {
  const budget = new TimeBudget(budgetMs, () => clock.now);
  const octokit = createGitHubOctokit({
    credentials: { kind: 'token', token: 'test-token' },
    baseUrl: fakeUrl,
    waitUnitMs: 1,
    budget,
    pacer: new WritePacer({ burst: 1000 }),
  });
  return new RevertEngine(new OctokitGitHub(octokit, 'acme', 'gitops'), { budget });
}

describe('time limits', () => {
  it('gives up on a GitHub that accepts connections and never answers, within its deadline', async () => {
    // Prepare
    let requests = 0;
    server = createServer(() => {
      requests += 1;
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const budget = new TimeBudget(500);
    const octokit = createGitHubOctokit({
      credentials: { kind: 'token', token: 't' },
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      budget,
      requestTimeoutMs: 200,
      waitUnitMs: 1,
    });
    const engine = new RevertEngine(new OctokitGitHub(octokit, 'acme', 'gitops'), { budget });

    // Act
    const result = await engine.revert({
      branch: 'main',
      failing: 'a'.repeat(40),
      good: 'b'.repeat(40),
      incident: { id: 'I' },
    });

    // Assess
    expect(result.outcome).toBe('timed-out');
    expect(result.writeMayHaveHappened).toBe(false);
    expect(requests).toBeGreaterThan(1);
  }, 15_000);

  it('starts no write once the deadline has passed during the reads', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    const clock = { now: 1_000_000 };
    h.fake.beforeHandle = async (request) => {
      if (request.path.includes('/compare/')) clock.now += 60_000;
    };
    const engine = engineWithClock(h.fake.url, clock, 30_000);

    // Act
    const result = await revertIn({ ...h, engine }, failing);

    // Assess
    expect(result.outcome).toBe('timed-out');
    expect(result.writeMayHaveHappened).toBe(false);
    expect(h.fake.calls().filter((c) => !c.startsWith('GET '))).toEqual([]);
    expect(await h.repo.revParse('refs/heads/main')).toBe(failing);
  });

  it('says a write may have happened when the deadline passes while the branch update is retried', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    const clock = { now: 1_000_000 };
    h.fake.fail({ method: 'PATCH', path: /\/git\/refs\//, status: 502, times: 5 });
    h.fake.beforeHandle = async (request) => {
      if (request.method === 'PATCH') clock.now += 60_000;
    };
    const engine = engineWithClock(h.fake.url, clock, 30_000);

    // Act
    const result = await revertIn({ ...h, engine }, failing);

    // Assess
    expect(result.outcome).toBe('timed-out');
    expect(result.writeMayHaveHappened).toBe(true);
    expect(h.fake.calls().filter((c) => c.startsWith('PATCH '))).toHaveLength(1);
  });
});
