import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTokenCommand } from '../../cli/commands/token.js';
import { makeValidateCommand, parseTarget, validateCommand } from '../../cli/commands/validate.js';
import { main } from '../../cli/main.js';
import type { ValidationReport } from '../../lambdas/cluster/index.js';
import { app, FakeKubeApi, gitRepository, kustomization } from '../../sandbox/index.js';
import { recordedToken } from '../lambdas/cluster/support/recorded-token.js';
import { captureIO } from '../support/capture-io.js';

describe('fluxguard token', () => {
  const recorded = recordedToken();
  const command = makeTokenCommand({
    credentials: async () => ({
      accessKeyId: recorded.accessKeyId,
      secretAccessKey: recorded.secretAccessKey,
    }),
    now: () => new Date(recorded.signingTime),
  });

  it('prints the same ExecCredential JSON as aws eks get-token for the same credentials and time', async () => {
    // Prepare
    const io = captureIO();

    // Act
    const code = await main(['token', '--cluster', recorded.cluster, '--region', recorded.region], io, [
      command,
    ]);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(io.out.join(''))).toEqual(recorded.execCredential);
  });

  it('answers client.authentication.k8s.io/v1 when kubectl asks for it in KUBERNETES_EXEC_INFO', async () => {
    // Prepare
    const io = captureIO({
      KUBERNETES_EXEC_INFO: JSON.stringify({
        kind: 'ExecCredential',
        apiVersion: 'client.authentication.k8s.io/v1',
        spec: { interactive: false },
      }),
    });

    // Act
    await main(['token', '--cluster', 'c1', '--region', 'eu-west-1'], io, [command]);

    // Assess
    expect(JSON.parse(io.out.join(''))).toMatchObject({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
    });
  });

  it('exits 64 without --cluster', async () => {
    // Prepare
    const io = captureIO();

    // Act
    const code = await main(['token', '--region', 'eu-west-1'], io, [command]);

    // Assess
    expect(code).toBe(64);
    expect(io.err.join('')).toContain('missing required option --cluster');
  });
});

describe('fluxguard validate', () => {
  const api = new FakeKubeApi();
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    await api.start();
    dir = mkdtempSync(join(tmpdir(), 'fluxguard-cli-'));
    kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, api.kubeConfig().exportConfig());
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    api.clear();
  });

  function cluster(state: 'healthy' | 'deadline'): void {
    const objects = app('web', { state, health: false });
    api.put(...objects, kustomization(objects), gitRepository());
  }

  it.each([
    ['healthy', 0, /^PASS Kustomization flux-system\/apps/],
    ['deadline', 1, /^FAIL Kustomization flux-system\/apps/],
  ] as const)(
    'exits by verdict through KUBECONFIG: a %s rollout exits %i',
    async (state, exitCode, summary) => {
      // Prepare
      cluster(state);
      const io = captureIO({ KUBECONFIG: kubeconfig });

      // Act
      const code = await main(['validate', 'ks/flux-system/apps', '--interval', '0'], io, [validateCommand]);

      // Assess
      expect(code).toBe(exitCode);
      expect(io.out.join('')).toMatch(summary);
    },
  );

  it('exits 2 and prints the JSON report when the API forbids reading pods', async () => {
    // Prepare
    cluster('healthy');
    api.faults.push(({ path }) => (path.endsWith('/pods') ? { status: 403 } : undefined));
    const io = captureIO({ KUBECONFIG: kubeconfig });

    // Act
    const code = await main(['validate', 'kustomization/flux-system/apps', '--checks', '1', '--json'], io, [
      validateCommand,
    ]);

    // Assess
    expect(code).toBe(2);
    const report = JSON.parse(io.out.join('')) as ValidationReport;
    expect(report.layers.pods.verdict).toBe('inconclusive');
    expect(report.checks).toEqual({ planned: 1, run: 1, intervalMs: 10_000 });
  });

  it('exits 69 when no cluster is configured', async () => {
    // Prepare
    const io = captureIO({});

    // Act
    const code = await main(['validate', 'hr/apps/podinfo'], io, [makeValidateCommand()]);

    // Assess
    expect(code).toBe(69);
    expect(io.err.join('')).toContain('set CLUSTER_NAME (EKS) or KUBECONFIG');
  });

  it.each([
    ['deployment/shop/web', 'unknown kind "deployment"'],
    ['ks/apps', 'expected <kind>/<namespace>/<name>'],
  ])('rejects the target %s as a usage error', (text, message) => {
    // Act & Assess
    expect(() => parseTarget(text)).toThrow(message);
  });
});
