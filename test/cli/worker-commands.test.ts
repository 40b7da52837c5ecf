import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { type World, world } from '../lambdas/incident-response/support/world.js';
import { captureIO } from '../support/capture-io.js';

let w: World | undefined;
let dir = '';
const saved = { ...process.env };
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fluxguard-cli-'));
});
afterEach(async () => {
  for (const key of ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  await w?.close();
  w = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Points the AWS SDK (which reads process.env) at the world's dynalite. */
function useLocalAws(v: World): void {
  process.env.AWS_ENDPOINT_URL = v.db.url;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
}

describe('fluxguard state init', () => {
  it('creates the state table with the deployed schema on dynalite, and a second run is harmless', async () => {
    w = await world([]);
    useLocalAws(w);
    const first = captureIO({});
    const second = captureIO({});

    expect(await main(['state', 'init', '--table', 'fluxguard-state'], first)).toBe(0);
    expect(await main(['state', 'init', '--table', 'fluxguard-state'], second)).toBe(0);

    expect(first.out[0]).toBe('created table fluxguard-state (pk, sk; on-demand)');
    expect(second.out[0]).toBe('table fluxguard-state already exists, schema matches');
    // dynalite implements no TTL settings: said plainly, not an error
    expect(second.err).toEqual([
      'note: this endpoint does not implement TTL (UpdateTimeToLive: UnknownOperationException); items will not expire in it',
    ]);
    const { Table } = await w.db.client.send(new DescribeTableCommand({ TableName: 'fluxguard-state' }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('answers 64 without a table name', async () => {
    expect(await main(['state', 'init'], captureIO({}))).toBe(64);
  });
});

describe('fluxguard replay, status and breaker reset', () => {
  it('replays a Flux event file through the worker pipeline with the Lambda’s configuration, then shows it in status', async () => {
    // Prepare: the world's cluster, GitHub and table, reached the way the CLI reaches real ones
    w = await world();
    useLocalAws(w);
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, w.kube.kubeConfig().exportConfig());
    const input = w.flux({
      reason: 'HealthCheckFailed',
      severity: 'error',
      revision: `main@sha1:${failing}`,
    });
    const event = join(dir, 'event.json');
    await writeFile(event, JSON.stringify(input.source === 'flux' ? input.message.raw : {}));
    const env = {
      STATE_TABLE_NAME: w.tableName,
      ENVIRONMENT: 'production',
      KUBECONFIG: kubeconfig,
      GITHUB_TOKEN: 'test-token',
      GITHUB_API_URL: w.github.url,
      CONFIRM_INTERVAL_SECONDS: '0',
      REAPPLY_PR: 'false',
      CLUSTER_NAME: '',
    };
    const replay = captureIO(env);

    // Act
    const code = await main(['replay', event, '--checks', '2', '--now', w.clock.now.toISOString()], replay);

    // Assess
    expect(replay.err.join('\n')).toContain(
      'alert (not published: ALERT_TOPIC_ARN is unset): reverted critical',
    );
    expect(code).toBe(0);
    const text = replay.out.join('\n');
    expect(text).toMatch(/^resolve +prod\/Kustomization\/flux-system\/apps: rollout-failed/m);
    expect(text).toMatch(/^decide +revert \(confirmed-failure\)/m);
    expect(text).toMatch(/^action +Revert commit [0-9a-f]{7} http/m);
    expect(await w.commitsAfter(failing)).toHaveLength(1);

    // Act: status, then the breaker
    const status = captureIO(env);
    expect(await main(['status'], status)).toBe(0);
    const reset = captureIO({ ...env, CLUSTER_NAME: 'prod' });
    expect(await main(['breaker', 'reset', 'Kustomization/flux-system/apps'], reset)).toBe(0);

    // Assess
    expect(status.out.join('\n')).toMatch(/prod\/Kustomization\/flux-system\/apps reverted at main@sha1:/);
    expect(status.out.join('\n')).toContain('rollout-failed → revert (confirmed-failure)');
    expect(reset.out).toEqual([
      'breaker reset for prod/Kustomization/flux-system/apps: automatic reverts resume',
    ]);
    const state = await w.store.loadObject({
      cluster: 'prod',
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'apps',
    });
    expect(state.breaker).toMatchObject({ open: false });
  });

  it('answers 64 for a missing file argument or a bad target, 69 without a cluster', async () => {
    expect(await main(['replay'], captureIO({}))).toBe(64);
    expect(await main(['breaker', 'reset', 'Deployment/x/y'], captureIO({ CLUSTER_NAME: 'c' }))).toBe(64);
    expect(await main(['replay', 'x.json'], captureIO({ STATE_TABLE_NAME: 't' }))).toBe(69);
  });
});
