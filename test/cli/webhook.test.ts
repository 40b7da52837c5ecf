import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookServer, type WebhookServer } from '../../cli/local-webhook-server.js';
import { main } from '../../cli/main.js';
import { FluxQueueMessageSchema, LineQueue } from '../../lambdas/incidents/index.js';
import { StaticKeys, signBody } from '../../lambdas/webhook/index.js';
import { captureIO } from '../support/capture-io.js';
import { documentedSignatures, fluxHeaders, TEST_KEY, wireBody } from '../support/webhook-requests.js';

const fixturePath = fileURLToPath(
  new URL('../fixtures/flux-events/kustomization-healthcheck-failed.json', import.meta.url),
);
const cliPath = fileURLToPath(new URL('../../bin/fluxguard-cli.js', import.meta.url));

describe('fluxguard webhook sign', () => {
  it('prints the signature Flux sends for a pretty-printed event, compacted as Go writes it', async () => {
    // Prepare
    const io = captureIO();
    const bodyOut = join(mkdtempSync(join(tmpdir(), 'fluxguard-sign-')), 'body.json');

    // Act
    const code = await main(
      ['webhook', 'sign', fixturePath, '--key', TEST_KEY, '--compact', '--body-out', bodyOut],
      io,
    );

    // Assess
    expect(code).toBe(0);
    expect(io.out).toEqual([documentedSignatures().get('kustomization-healthcheck-failed.json')]);
    expect(readFileSync(bodyOut)).toEqual(wireBody('kustomization-healthcheck-failed.json'));
  });

  it('signs the exact bytes of a file with the key from a file, newline included', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'fluxguard-sign-'));
    const body = wireBody('kustomization-healthcheck-failed.json');
    writeFileSync(join(dir, 'body.json'), body);
    writeFileSync(join(dir, 'token'), `${TEST_KEY}\n`);
    const io = captureIO();

    // Act
    const code = await main(
      ['webhook', 'sign', join(dir, 'body.json'), '--key-file', join(dir, 'token'), '--algorithm', 'sha512'],
      io,
    );

    // Assess
    expect(code).toBe(0);
    expect(io.out[0]).toMatch(/^sha512=[0-9a-f]{128}$/);
    expect(io.out[0]).not.toBe(signBody(body, TEST_KEY, 'sha512'));
    expect(io.out[0]).toBe(signBody(body, `${TEST_KEY}\n`, 'sha512'));
  });

  it.each([
    [['webhook', 'sign', fixturePath]],
    [['webhook', 'sign', '--key', TEST_KEY]],
    [['webhook', 'sign', fixturePath, '--key', TEST_KEY, '--algorithm', 'md5']],
    [['webhook', 'sign', fixturePath, '--key', TEST_KEY, '--body-out', '/tmp/x']],
  ])('exits 64 for the usage error in %j', async (argv) => {
    // Prepare
    const io = captureIO();

    // Act
    const code = await main(argv, io);

    // Assess
    expect(code).toBe(64);
    expect(io.err.join('\n')).toMatch(/^error: .*\n\nUsage: fluxguard webhook sign/);
  });

  it('exits 1 when the file cannot be read', async () => {
    // Prepare
    const io = captureIO();

    // Act
    const code = await main(['webhook', 'sign', '/nonexistent/event.json', '--key', TEST_KEY], io);

    // Assess
    expect(code).toBe(1);
    expect(io.err.join('')).toMatch(/cannot read/);
  });
});

describe('the webhook server', () => {
  let server: WebhookServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers a real HTTP client exactly as the Lambda does and prints the queue message', async () => {
    // Prepare
    const lines: string[] = [];
    const log: string[] = [];
    server = await startWebhookServer({
      host: '127.0.0.1',
      port: 0,
      deps: {
        keys: new StaticKeys([TEST_KEY]),
        queue: new LineQueue((l) => lines.push(l)),
        maxBodyBytes: 1024,
      },
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      log: (l) => log.push(l),
    });
    const body = wireBody('kustomization-healthcheck-failed.json');

    // Act
    const accepted = await fetch(server.url, { method: 'POST', headers: fluxHeaders(body), body });
    const unsigned = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const oversize = await fetch(server.url, {
      method: 'POST',
      headers: fluxHeaders(Buffer.alloc(5000)),
      body: Buffer.alloc(5000),
    });
    const get = await fetch(server.url);

    // Assess
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ result: 'queued', category: 'rollout-failed' });
    expect([unsigned.status, oversize.status, get.status]).toEqual([401, 413, 405]);
    expect(get.headers.get('allow')).toBe('POST');
    expect(lines).toHaveLength(1);
    expect(FluxQueueMessageSchema.parse(JSON.parse(lines[0] ?? ''))).toMatchObject({
      version: 1,
      source: 'flux',
    });
    expect(log[0]).toMatch(/^POST \/ 202 /);
  });
});

describe('fluxguard webhook serve', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serves on an ephemeral port and stops cleanly on %s',
    async (signal) => {
      // Prepare
      const { INCIDENT_QUEUE_URL: _q, WEBHOOK_SECRET_ARN: _s, ...env } = process.env;
      const spawned = spawn(
        process.execPath,
        [cliPath, 'webhook', 'serve', '--port', '0', '--key', TEST_KEY],
        {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = spawned;
      let stdout = '';
      let stderr = '';
      spawned.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      const url = await new Promise<string>((resolve, reject) => {
        spawned.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
          if (match?.[1]) resolve(match[1]);
        });
        spawned.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
      });
      const exited = new Promise<number | null>((resolve) => spawned.once('exit', (code) => resolve(code)));
      const body = wireBody('helmrelease-upgrade-failed.json');

      // Act
      const response = await fetch(url, { method: 'POST', headers: fluxHeaders(body), body });
      const answer = await response.json();
      spawned.kill(signal);
      const code = await exited;

      // Assess
      expect(response.status).toBe(202);
      expect(answer).toMatchObject({ result: 'queued', group: 'prod-eu-west-1/apps/HelmRelease/podinfo' });
      expect(code).toBe(0);
      expect(stderr).toContain(`${signal}: stopping`);
      const message = FluxQueueMessageSchema.parse(JSON.parse(stdout.trim().split('\n')[0] ?? ''));
      expect(message.classification.category).toBe('rollout-failed');
    },
  );

  it('exits 64 without a key or a secret to read it from', async () => {
    // Prepare
    const io = captureIO({});

    // Act
    const code = await main(['webhook', 'serve', '--port', '0'], io);

    // Assess
    expect(code).toBe(64);
    expect(io.err.join('')).toMatch(/--key or --key-file, or set WEBHOOK_SECRET_ARN/);
  });
});
