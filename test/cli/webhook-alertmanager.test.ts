import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertmanagerQueueMessageSchema } from '../../lambdas/incidents/index.js';
import { ALERTMANAGER_TOKEN, amHeaders, amPayload } from '../support/alertmanager-payloads.js';
import { TEST_KEY } from '../support/webhook-requests.js';

const cliPath = fileURLToPath(new URL('../../bin/fluxguard-cli.js', import.meta.url));

/** Starts `fluxguard webhook serve` with `args`; resolves with its URL once it listens. */
async function serve(args: string[]): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  const {
    INCIDENT_QUEUE_URL: _q,
    WEBHOOK_SECRET_ARN: _s,
    ALERTMANAGER_TOKEN_SECRET_ARN: _a,
    ...env
  } = process.env;
  const child = spawn(
    process.execPath,
    [cliPath, 'webhook', 'serve', '--port', '0', '--key', TEST_KEY, ...args],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
  });
  return { child, url, stdout: () => stdout };
}

describe('fluxguard webhook serve --alertmanager-token', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves /alertmanager next to the Flux route and prints the queue message', async () => {
    // Prepare
    const served = await serve(['--alertmanager-token', ALERTMANAGER_TOKEN]);
    child = served.child;
    const body = JSON.stringify(amPayload());

    // Act
    const accepted = await fetch(`${served.url}alertmanager`, { method: 'POST', headers: amHeaders(), body });
    const refused = await fetch(`${served.url}alertmanager`, {
      method: 'POST',
      headers: amHeaders('wrong'),
      body,
    });
    const answer = await accepted.json();
    const exited = new Promise((resolve) => served.child.once('exit', resolve));
    served.child.kill('SIGTERM');
    await exited;

    // Assess
    expect([accepted.status, refused.status]).toEqual([202, 401]);
    expect(answer).toMatchObject({ result: 'queued', messages: 1 });
    const line = served.stdout().trim().split('\n')[0] ?? '';
    expect(AlertmanagerQueueMessageSchema.parse(JSON.parse(line))).toMatchObject({
      source: 'alertmanager',
      status: 'firing',
    });
  });

  it('answers 404 on /alertmanager without a token', async () => {
    const served = await serve([]);
    child = served.child;
    const response = await fetch(`${served.url}alertmanager`, {
      method: 'POST',
      headers: amHeaders(),
      body: JSON.stringify(amPayload()),
    });
    expect(response.status).toBe(404);
  });
});
