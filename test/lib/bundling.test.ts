import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILE, bundleLambda, bundleSizes } from '../../lib/bundling.js';
import { startFakeAws } from '../../sandbox/index.js';
import { fluxHeaders, functionUrlEvent, TEST_KEY, wireBody } from '../support/webhook-requests.js';

const run = promisify(execFile);
const entry = fileURLToPath(new URL('../../lambdas/functions/flux-webhook/index.ts', import.meta.url));

describe('the bundled flux-webhook Lambda', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'fluxguard-bundle-'));
  let fake: Awaited<ReturnType<typeof startFakeAws>>;
  let sizes: ReturnType<typeof bundleSizes>;
  beforeAll(async () => {
    sizes = bundleSizes(await bundleLambda(entry, outdir));
    fake = await startFakeAws(`{"token":"${TEST_KEY}"}`);
  });
  afterAll(() => fake.close());

  it('is under 500 KB in all, entry and chunks together', () => {
    // Prepare: bundled once in beforeAll

    // Act
    const { total, initial } = sizes;

    // Assess
    expect(initial).toBeGreaterThan(10_000);
    expect(initial).toBeLessThanOrEqual(total);
    expect(total).toBeLessThan(500 * 1024);
  });

  it('verifies, queues and answers 202 through AWS_ENDPOINT_URL, in a fresh Node process', async () => {
    // Prepare
    const body = wireBody('kustomization-healthcheck-failed.json');
    const event = functionUrlEvent({ body, headers: fluxHeaders(body) });
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(join(outdir, BUNDLE_FILE)).href)});
      const result = await handler(JSON.parse(process.env.EVENT), { awsRequestId: 'r-1', functionName: 'f' });
      process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');`;
    const env = {
      PATH: process.env.PATH,
      AWS_ENDPOINT_URL: fake.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake',
      WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:fluxguard/webhook-AbCdEf',
      INCIDENT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/fluxguard-incidents.fifo',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      EVENT: JSON.stringify(event),
    };

    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });

    // Assess
    const result = JSON.parse(/^RESULT (.*)$/m.exec(stdout)?.[1] ?? '{}') as {
      statusCode: number;
      body: string;
    };
    expect(result.statusCode).toBe(202);
    expect(fake.calls.getSecretValue[0]).toMatchObject({ VersionStage: 'AWSCURRENT' });
    expect(fake.calls.sendMessage).toHaveLength(1);
    expect(fake.calls.sendMessage[0]).toMatchObject({
      MessageGroupId: 'prod-eu-west-1/apps/Kustomization/webapp',
      MessageDeduplicationId: JSON.parse(result.body).key,
    });
  });
});

describe('the bundled incident-worker Lambda', () => {
  it('loads neither undici nor @kubernetes/client-node at import: they come only with a kubeconfig, in a chunk of their own', async () => {
    // Prepare
    const worker = fileURLToPath(
      new URL('../../lambdas/functions/incident-worker/index.ts', import.meta.url),
    );
    const outdir = mkdtempSync(join(tmpdir(), 'fluxguard-worker-bundle-'));

    // Act
    const { metafile } = await bundleLambda(worker, outdir);

    // Assess
    const heavy = /node_modules\/(undici|@kubernetes\/client-node)\//;
    const entryOutput = Object.entries(metafile.outputs).find(([path]) => path.endsWith(BUNDLE_FILE));
    const loadedAtImport = [entryOutput?.[1].imports ?? []]
      .flat()
      .filter((i) => i.kind === 'import-statement')
      .map((i) => i.path);
    const inputsAtImport = [entryOutput?.[0], ...loadedAtImport].flatMap((path) =>
      Object.keys(metafile.outputs[path ?? '']?.inputs ?? {}),
    );
    expect(inputsAtImport.filter((input) => heavy.test(input))).toEqual([]);
    const lazy = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    expect(lazy.some((input) => input.includes('node_modules/@kubernetes/client-node/'))).toBe(true);
  }, 60_000);
});
