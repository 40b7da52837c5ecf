/**
 * The /alertmanager route against a real Alertmanager (Debian's prometheus-alertmanager): alerts
 * are posted to Alertmanager's own API v2, Alertmanager groups them and calls the webhook (behind
 * the same local HTTP server as `fluxguard webhook serve`) with `authorization.credentials_file`,
 * and the test checks what reaches the queue.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookServer, type WebhookServer } from '../../../cli/local-webhook-server.js';
import { type AlertmanagerQueueMessage, parseIncidentInput } from '../../../lambdas/incidents/index.js';
import { RecentDeliveries, StaticKeys } from '../../../lambdas/webhook/index.js';
import { FakeFifoQueue } from '../../../sandbox/index.js';
import { ALERTMANAGER_TOKEN, appLabels } from '../../support/alertmanager-payloads.js';
import { findBinary, missingBinaryMessage } from '../../support/real-binaries.js';
import { TEST_KEY } from '../../support/webhook-requests.js';

const binary = findBinary(['prometheus-alertmanager', 'alertmanager'], 'ALERTMANAGER_BIN');
if (!binary) console.warn(missingBinaryMessage('Alertmanager', 'prometheus-alertmanager'));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` with what was seen. */
async function until<T>(
  what: string,
  check: () => T | undefined,
  seen: () => unknown,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; seen: ${JSON.stringify(seen(), null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!binary)('the /alertmanager route behind a real Alertmanager', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxguard-am-'));
  const queue = new FakeFifoQueue();
  const requests: string[] = [];
  let server: WebhookServer;
  let alertmanager: ChildProcess;
  let alertmanagerUrl = '';
  const output: string[] = [];

  beforeAll(async () => {
    server = await startWebhookServer({
      host: '127.0.0.1',
      port: 0,
      deps: {
        keys: new StaticKeys([TEST_KEY]),
        alertmanagerTokens: new StaticKeys([ALERTMANAGER_TOKEN]),
        recentDeliveries: new RecentDeliveries(),
        queue,
        maxBodyBytes: 131_072,
      },
      logger: new Logger({ serviceName: 'am-real', logLevel: 'SILENT' }),
      log: (line) => requests.push(line),
    });
    writeFileSync(join(dir, 'token'), `${ALERTMANAGER_TOKEN}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'wrong-token'), 'not-the-token\n', { mode: 0o600 });
    const webhook = `${server.url}alertmanager`;
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: fluxguard',
        '  group_by: [alertname, kustomization, kustomization_namespace]',
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 2s',
        '  routes:',
        '    - receiver: wrong-token',
        '      matchers: [\'token="wrong"\']',
        'receivers:',
        '  - name: fluxguard',
        '    webhook_configs:',
        `      - url: ${webhook}`,
        '        send_resolved: true',
        '        http_config:',
        `          authorization: { credentials_file: ${join(dir, 'token')} }`,
        '  - name: wrong-token',
        '    webhook_configs:',
        `      - url: ${webhook}`,
        '        send_resolved: true',
        '        http_config:',
        `          authorization: { credentials_file: ${join(dir, 'wrong-token')} }`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    alertmanagerUrl = `http://127.0.0.1:${port}`;
    alertmanager = spawn(
      binary ?? 'alertmanager',
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    alertmanager.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    alertmanager.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await fetch(`${alertmanagerUrl}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline || alertmanager.exitCode !== null) {
        throw new Error(`Alertmanager did not start: ${output.join('')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 30_000);

  afterAll(async () => {
    if (alertmanager && alertmanager.exitCode === null) {
      const exited = new Promise((resolve) => alertmanager.once('exit', resolve));
      alertmanager.kill('SIGTERM');
      await exited;
    }
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function postAlerts(alerts: unknown[]): Promise<void> {
    const response = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(response.status).toBe(200);
  }

  const messages = (): AlertmanagerQueueMessage[] =>
    queue.delivered.map((m) => {
      const input = parseIncidentInput(m.body);
      if (input.source !== 'alertmanager') throw new Error(`unexpected ${input.source} message`);
      return input.alertmanager;
    });

  const startsAt = new Date().toISOString();
  const alert = {
    labels: appLabels(),
    annotations: { summary: 'sre-challenge-app fails its /health probe' },
    startsAt,
    generatorURL: 'http://prometheus.monitoring:9090/graph?g0.expr=probe_success+%3D%3D+0',
  };

  it('queues a firing alert once, with its rule, summary and graph link', async () => {
    await postAlerts([alert]);
    const [firing] = await until(
      'the firing message',
      () => (queue.delivered.length > 0 ? messages() : undefined),
      () => requests,
    );
    expect(firing).toMatchObject({
      source: 'alertmanager',
      status: 'firing',
      cluster: 'fluxguard-staging-us-east-1',
      target: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      receiver: 'fluxguard',
      evidenceIncomplete: false,
    });
    expect(firing?.alerts[0]).toMatchObject({
      alertname: 'SreChallengeHealthProbeFailing',
      summary: 'sre-challenge-app fails its /health probe',
      generatorURL: alert.generatorURL,
    });
  }, 40_000);

  it('does not queue the repeat notification again', async () => {
    await until(
      'a repeat notification',
      () => requests.find((line) => line.includes('already queued')),
      () => requests,
    );
    expect(messages().map((m) => m.status)).toEqual(['firing']);
  }, 40_000);

  it('refuses a receiver with the wrong token with 401', async () => {
    await postAlerts([{ ...alert, labels: { ...appLabels('WrongTokenProbe'), token: 'wrong' } }]);
    const refused = await until(
      'a refused notification',
      () => requests.find((line) => / 401 /.test(line)),
      () => requests,
    );
    expect(refused).toContain('"reason":"token does not match"');
    expect(messages().map((m) => m.alerts[0]?.alertname)).toEqual(['SreChallengeHealthProbeFailing']);
  }, 40_000);

  it('queues the resolve', async () => {
    await postAlerts([{ ...alert, endsAt: new Date().toISOString() }]);
    await until(
      'the resolved message',
      () => (queue.delivered.length > 1 ? true : undefined),
      () => requests,
    );
    expect(messages().map((m) => m.status)).toEqual(['firing', 'resolved']);
  }, 40_000);
});
