import { createHash } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Category, FluxEvent } from '../../../../lambdas/flux/index.js';
import { goJsonStringify } from '../../../../lambdas/flux/index.js';
import { FluxQueueMessageSchema } from '../../../../lambdas/incidents/index.js';
import { signBody } from '../../../../lambdas/webhook/index.js';
import { fixtureJson } from '../../../support/fixtures.js';
import {
  captureOutput,
  FLUX_FIXTURES,
  fluxHeaders,
  functionUrlEvent,
  httpApiEvent,
  lambdaContext,
  type RequestSpec,
  restEvent,
  SHAPES,
  TEST_KEY,
  wireBody,
} from '../../../support/webhook-requests.js';

process.env.WEBHOOK_SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-1:111122223333:secret:fluxguard/webhook-AbCdEf';
process.env.INCIDENT_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/fluxguard-incidents.fifo';
process.env.AWS_REGION = 'eu-west-1';
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
const { handler } = await import('../../../../lambdas/functions/flux-webhook/index.js');

const sm = mockClient(SecretsManagerClient);
const sqs = mockClient(SQSClient);
let output: ReturnType<typeof captureOutput>;

beforeEach(() => {
  sm.reset();
  sqs.reset();
  sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({
    SecretString: `{"token":"${TEST_KEY}"}`,
  });
  sm.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: 'previous-key' });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'msg-1' });
  output = captureOutput();
});
afterEach(() => output.restore());

type Result = {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
  isBase64Encoded?: boolean;
};
const invoke = async (event: unknown): Promise<Result> => (await handler(event, lambdaContext())) as Result;
const answer = (result: Result) => JSON.parse(result.body) as Record<string, unknown>;

const CATEGORY: Record<(typeof FLUX_FIXTURES)[number], Category> = {
  'gitrepository-new-artifact.json': 'info',
  'helmrelease-rollback-succeeded.json': 'rollout-failed',
  'helmrelease-upgrade-failed.json': 'rollout-failed',
  'imageupdateautomation-commit-pushed.json': 'image-update-pushed',
  'kustomization-build-failed.json': 'build-failed',
  'kustomization-healthcheck-failed.json': 'rollout-failed',
  'kustomization-progressing-changeset.json': 'info',
  'kustomization-reconciliation-failed.json': 'rollout-failed',
  'kustomization-reconciliation-succeeded.json': 'succeeded',
};

const cases = FLUX_FIXTURES.flatMap((fixture) =>
  SHAPES.map(([shape, build]) => [fixture, shape, build] as const),
);

describe('the flux-webhook Lambda', () => {
  it.each(cases)('accepts, classifies and queues %s as a %s event', async (fixture, _shape, build) => {
    // Prepare
    const body = wireBody(fixture);
    const raw = fixtureJson<FluxEvent>(`flux-events/${fixture}`);
    const event = build({ body, headers: fluxHeaders(body) });

    // Act
    const result = await invoke(event);

    // Assess
    const key = createHash('sha256').update(body).digest('hex');
    const group = `prod-eu-west-1/${raw.involvedObject.namespace}/${raw.involvedObject.kind}/${raw.involvedObject.name}`;
    expect(result.statusCode).toBe(202);
    expect(result.headers['content-type']).toBe('application/json');
    expect(answer(result)).toEqual({ result: 'queued', key, group, category: CATEGORY[fixture] });
    expect('httpMethod' in event ? result.isBase64Encoded : undefined).toBe(
      'httpMethod' in event ? false : undefined,
    );
    const sends = sqs.commandCalls(SendMessageCommand);
    expect(sends).toHaveLength(1);
    const input = sends[0]?.args[0].input;
    expect(input).toMatchObject({
      QueueUrl: process.env.INCIDENT_QUEUE_URL,
      MessageGroupId: group,
      MessageDeduplicationId: key,
    });
    const message = FluxQueueMessageSchema.parse(JSON.parse(input?.MessageBody ?? ''));
    expect(message).toMatchObject({
      version: 1,
      source: 'flux',
      id: key,
      classification: { category: CATEGORY[fixture] },
    });
    expect(message.raw).toEqual(raw);
    expect(message.event).toMatchObject({
      cluster: 'prod-eu-west-1',
      kind: raw.involvedObject.kind,
      reason: raw.reason,
    });
  });

  // The body of the Go-escaping case: a message with `<`, which Go sends as \u003c.
  const angled = { ...fixtureJson<FluxEvent>('flux-events/kustomization-reconciliation-failed.json') };
  angled.message =
    'Deployment/apps/webapp dry-run failed: spec.replicas: Invalid value: -1: must be >= 0 & <= 10';
  const goBody = Buffer.from(goJsonStringify(angled));
  const jsBody = Buffer.from(JSON.stringify(angled));
  const good = wireBody('kustomization-healthcheck-failed.json');
  const signedWith = (body: Buffer | string, extra: Record<string, string> = {}): RequestSpec => {
    const bytes = Buffer.from(body);
    return { body: bytes, headers: { ...fluxHeaders(bytes), ...extra } };
  };
  const withEvent = (change: Record<string, unknown>) =>
    signedWith(
      JSON.stringify({
        ...fixtureJson<FluxEvent>('flux-events/kustomization-healthcheck-failed.json'),
        ...change,
      }),
    );
  const goodSignature = signBody(good, TEST_KEY);
  const hex = goodSignature.slice('sha256='.length);

  const BAD_REQUESTS: [string, unknown, number, RegExp][] = [
    [
      'unsigned',
      functionUrlEvent({ body: good, headers: { 'content-type': 'application/json' } }),
      401,
      /missing X-Signature/,
    ],
    [
      'signed with the wrong key',
      functionUrlEvent({ body: good, headers: fluxHeaders(good, 'wrong-key') }),
      401,
      /does not match/,
    ],
    [
      'signed with a trimmed key when the secret has a newline',
      functionUrlEvent({ body: good, headers: fluxHeaders(good, `${TEST_KEY}\n`) }),
      401,
      /does not match/,
    ],
    [
      'a truncated hex digest',
      functionUrlEvent({
        body: good,
        headers: { ...fluxHeaders(good), 'x-signature': goodSignature.slice(0, -2) },
      }),
      401,
      /64 hex digits/,
    ],
    [
      'an unknown algorithm',
      functionUrlEvent({
        body: good,
        headers: { ...fluxHeaders(good), 'x-signature': `sha1=${hex.slice(0, 40)}` },
      }),
      401,
      /unsupported signature algorithm/,
    ],
    [
      'a signature with no algorithm',
      functionUrlEvent({ body: good, headers: { ...fluxHeaders(good), 'x-signature': hex } }),
      401,
      /malformed/,
    ],
    [
      'a sha512 label on a sha256 digest',
      functionUrlEvent({ body: good, headers: { ...fluxHeaders(good), 'x-signature': `sha512=${hex}` } }),
      401,
      /128 hex digits/,
    ],
    [
      'a signature over re-serialised JSON of a body containing <',
      functionUrlEvent({
        body: goBody,
        headers: { ...fluxHeaders(goBody), 'x-signature': signBody(jsBody, TEST_KEY) },
      }),
      401,
      /does not match/,
    ],
    [
      'a signed body that was altered in transit',
      functionUrlEvent({
        body: Buffer.from(good.toString().replace('webapp', 'webapq')),
        headers: fluxHeaders(good),
      }),
      401,
      /does not match/,
    ],
    [
      'two different X-Signature headers (REST multiValueHeaders)',
      restEvent({
        ...signedWith(good),
        multiValueHeaders: { 'X-Signature': [goodSignature, `sha256=${'0'.repeat(64)}`] },
      }),
      401,
      /more than one/,
    ],
    [
      'comma-joined duplicate X-Signature headers (payload 2.0)',
      httpApiEvent({
        body: good,
        headers: { ...fluxHeaders(good), 'x-signature': `${goodSignature},${goodSignature}` },
      }),
      401,
      /malformed/,
    ],
    [
      'a base64 body signed over its base64 text',
      functionUrlEvent({
        body: good,
        base64: true,
        headers: {
          ...fluxHeaders(good),
          'x-signature': signBody(Buffer.from(good.toString('base64')), TEST_KEY),
        },
      }),
      401,
      /does not match/,
    ],
    [
      'a plain body marked base64',
      { ...functionUrlEvent(signedWith(good)), isBase64Encoded: true },
      401,
      /does not match/,
    ],
    [
      'an oversize body',
      functionUrlEvent(signedWith(Buffer.alloc(131_073, 0x20))),
      413,
      /larger than 131072/,
    ],
    [
      'an oversize base64 body',
      restEvent({ ...signedWith(Buffer.alloc(131_073, 0x20)), base64: true }),
      413,
      /larger than 131072/,
    ],
    ['an empty body', functionUrlEvent(signedWith('')), 400, /empty/],
    [
      'a body that is not JSON',
      functionUrlEvent(signedWith('involvedObject=webapp')),
      400,
      /not valid UTF-8 JSON/,
    ],
    [
      'a body that is not UTF-8',
      functionUrlEvent({ ...signedWith(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])), base64: true }),
      400,
      /not valid UTF-8 JSON/,
    ],
    [
      'a JSON array',
      functionUrlEvent(signedWith('[{"reason":"HealthCheckFailed"}]')),
      400,
      /not a Flux event: \(root\)/,
    ],
    ['JSON null', httpApiEvent(signedWith('null')), 400, /not a Flux event/],
    [
      'an event without involvedObject',
      functionUrlEvent(withEvent({ involvedObject: undefined })),
      400,
      /involvedObject/,
    ],
    ['an event with a numeric reason', functionUrlEvent(withEvent({ reason: 7 })), 400, /reason/],
    [
      'an event with a severity Flux never sends',
      restEvent(withEvent({ severity: 'warning' })),
      400,
      /severity/,
    ],
    [
      'an event whose metadata values are not strings',
      httpApiEvent(withEvent({ metadata: { revision: ['main'] } })),
      400,
      /metadata/,
    ],
    ['GET', functionUrlEvent({ ...signedWith(good), method: 'GET' }), 405, /only POST/],
    ['PUT on the REST API', restEvent({ ...signedWith(good), method: 'PUT' }), 405, /only POST/],
    [
      'a text/plain body',
      functionUrlEvent({
        body: good,
        headers: { ...fluxHeaders(good), 'content-type': 'text/plain; charset=utf-8' },
      }),
      415,
      /application\/json/,
    ],
    [
      'no Content-Type',
      restEvent({ body: good, headers: { 'X-Signature': goodSignature } }),
      415,
      /application\/json/,
    ],
    [
      'a form body',
      httpApiEvent({
        body: good,
        base64: true,
        headers: { ...fluxHeaders(good), 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      /application\/json/,
    ],
    ['an invocation that is not an HTTP event', { Records: [] }, 400, /not a Function URL/],
    [
      'a REST event with null headers and body',
      { ...restEvent(signedWith(good)), headers: null, multiValueHeaders: null, body: null },
      415,
      /application\/json/,
    ],
  ];

  it.each(BAD_REQUESTS)('rejects %s', async (_label, event, status, reason) => {
    // Prepare: the event from the table

    // Act
    const result = await invoke(event);

    // Assess
    expect(result.statusCode).toBe(status);
    expect(answer(result)).toEqual({ result: 'rejected', reason: expect.stringMatching(reason) });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it.each([
    [
      'upper-case header names (REST)',
      restEvent({
        body: good,
        headers: { 'CONTENT-TYPE': 'application/json', 'X-SIGNATURE': goodSignature },
      }),
    ],
    [
      'mixed-case header names (REST)',
      restEvent({
        body: good,
        headers: { 'Content-Type': 'application/json', 'x-SiGnAtUrE': goodSignature },
      }),
    ],
    ['a base64 body (Function URL)', functionUrlEvent({ ...signedWith(good), base64: true })],
    ['a base64 body (REST)', restEvent({ ...signedWith(good), base64: true })],
    [
      'a charset parameter',
      httpApiEvent({
        body: good,
        headers: { ...fluxHeaders(good), 'content-type': 'application/json; charset=utf-8' },
      }),
    ],
    [
      'the same signature repeated in multiValueHeaders',
      restEvent({ ...signedWith(good), multiValueHeaders: { 'x-signature': [goodSignature] } }),
    ],
    ['a Go-escaped body signed over its exact bytes', functionUrlEvent(signedWith(goBody))],
    [
      'a key from the previous secret version (rotation)',
      functionUrlEvent({ body: good, headers: fluxHeaders(good, 'previous-key') }),
    ],
  ])('accepts %s', async (_label, event) => {
    // Prepare: the event from the table

    // Act
    const result = await invoke(event);

    // Assess
    expect(result.statusCode).toBe(202);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it.each([
    ['a trace event', withEvent({ severity: 'trace' }), /trace events/],
    [
      'an event about a kind Flux cannot alert on',
      withEvent({ involvedObject: { kind: 'Pod', namespace: 'apps', name: 'webapp-1' } }),
      /not a Flux kind/,
    ],
  ])('answers 200 and queues nothing for %s', async (_label, spec, reason) => {
    // Prepare
    const event = functionUrlEvent(spec);

    // Act
    const result = await invoke(event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(answer(result)).toEqual({ result: 'ignored', reason: expect.stringMatching(reason) });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 503 and logs when the queue fails, and the retry carries the same deduplication id', async () => {
    // Prepare
    sqs.reset();
    sqs.on(SendMessageCommand).rejectsOnce(new Error('ServiceUnavailable')).resolves({ MessageId: 'msg-2' });
    const event = functionUrlEvent(signedWith(good));

    // Act
    const first = await invoke(event);
    const retry = await invoke(structuredClone(event));

    // Assess
    expect(first.statusCode).toBe(503);
    expect(answer(first)).toEqual({ result: 'error', reason: expect.stringMatching(/could not be queued/) });
    expect(retry.statusCode).toBe(202);
    const ids = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.MessageDeduplicationId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).toBe(createHash('sha256').update(good).digest('hex'));
    const logs = output.text();
    expect(logs).toMatch(/"message":"webhook request failed".*"code":"queue-failed"/);
    expect(logs).toMatch(/ServiceUnavailable/);
  });

  it('answers 503 when the signing key cannot be read, so Flux retries', async () => {
    // Prepare
    sm.reset();
    sm.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    const { createWebhookHandler } = await import('../../../../lambdas/webhook/index.js');
    const { SecretsManagerKeys } = await import('../../../../lambdas/webhook/index.js');
    const { SecretReader } = await import('../../../../lambdas/aws/index.js');
    const { Logger } = await import('@aws-lambda-powertools/logger');
    const isolated = createWebhookHandler({
      deps: {
        keys: new SecretsManagerKeys(new SecretReader({ client: new SecretsManagerClient({}) }), 'arn:fresh'),
        queue: { send: async () => ({}) },
        maxBodyBytes: 131_072,
      },
      logger: new Logger({ serviceName: 'test' }),
    });

    // Act
    const result = (await isolated(functionUrlEvent(signedWith(good)), lambdaContext())) as Result;

    // Assess
    expect(result.statusCode).toBe(503);
    expect(answer(result).reason).toMatch(/signing key could not be read/);
  });

  it('answers a JSON 500 in the REST shape when the configuration is broken', async () => {
    // Prepare
    const { createWebhookHandler } = await import('../../../../lambdas/webhook/index.js');
    const { readWebhookConfig } = await import('../../../../lambdas/functions/flux-webhook/config.js');
    const { Logger } = await import('@aws-lambda-powertools/logger');
    const misconfigured = createWebhookHandler({
      deps: () => {
        readWebhookConfig({});
        throw new Error('unreachable');
      },
      logger: new Logger({ serviceName: 'test' }),
    });

    // Act
    const result = (await misconfigured(restEvent(signedWith(good)), lambdaContext())) as Result;

    // Assess
    expect(result).toMatchObject({ statusCode: 500, isBase64Encoded: false });
    expect(answer(result)).toEqual({ result: 'error', reason: 'internal error' });
    expect(output.text()).toMatch(/webhook handler failed unexpectedly.*WEBHOOK_SECRET_ARN is not set/);
  });

  it('never logs the signature, the key or the body of a rejected request', async () => {
    // Prepare
    const secretBody = Buffer.from(good.toString().replace('webapp', 'canary-do-not-log'));
    const wrong = signBody(secretBody, 'wrong-key');
    const events = [
      functionUrlEvent({ body: secretBody, headers: { ...fluxHeaders(secretBody), 'x-signature': wrong } }),
      functionUrlEvent({
        body: secretBody,
        headers: { ...fluxHeaders(secretBody), 'x-signature': `sha256=${wrong.slice(7, 20)}` },
      }),
      functionUrlEvent(signedWith('{"canary-do-not-log": true')),
    ];

    // Act
    for (const event of events) await invoke(event);

    // Assess
    const logs = output.text();
    expect(logs).toMatch(/webhook request rejected/);
    expect(logs).not.toContain('canary-do-not-log');
    expect(logs).not.toContain(wrong.slice(7));
    expect(logs).not.toContain(wrong.slice(7, 20));
    expect(logs).not.toContain(TEST_KEY);
  });

  it('never logs the invocation event, even with POWERTOOLS_LOGGER_LOG_EVENT=true', async () => {
    // Prepare: the switch is read when the Logger is built.
    const secretBody = Buffer.from(good.toString().replace('webapp', 'canary-do-not-log'));
    const wrong = signBody(secretBody, 'wrong-key');
    const { createWebhookHandler } = await import('../../../../lambdas/webhook/index.js');
    const { StaticKeys } = await import('../../../../lambdas/webhook/index.js');
    const { Logger } = await import('@aws-lambda-powertools/logger');
    process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
    let logger: InstanceType<typeof Logger>;
    try {
      logger = new Logger({ serviceName: 'test' });
    } finally {
      delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
    }
    const verbose = createWebhookHandler({
      deps: { keys: new StaticKeys([TEST_KEY]), queue: { send: async () => ({}) }, maxBodyBytes: 131_072 },
      logger,
    });
    const event = functionUrlEvent({
      body: secretBody,
      headers: { ...fluxHeaders(secretBody), 'x-signature': wrong },
    });

    // Act
    const result = (await verbose(event, lambdaContext())) as Result;

    // Assess
    expect(result.statusCode).toBe(401);
    const logs = output.text();
    expect(logs).toMatch(/webhook request rejected/);
    expect(logs).not.toContain('canary-do-not-log');
    expect(logs).not.toContain(wrong.slice(7));
  });

  it('logs the cluster and object as keys, and counts outcomes by reason', async () => {
    // Prepare
    const events = [
      functionUrlEvent(signedWith(good)),
      functionUrlEvent({ body: good, headers: fluxHeaders(good, 'x') }),
    ];

    // Act
    for (const event of events) await invoke(event);

    // Assess
    const lines = output
      .text()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'flux event queued',
        cluster: 'prod-eu-west-1',
        namespace: 'apps',
        kind: 'Kustomization',
        name: 'webapp',
        category: 'rollout-failed',
      }),
    );
    const emf = lines.filter((l) => '_aws' in l);
    expect(emf).toContainEqual(expect.objectContaining({ EventsQueued: 1, reason: 'rollout-failed' }));
    expect(emf).toContainEqual(expect.objectContaining({ RequestsRejected: 1, reason: 'bad-signature' }));
    // A verified event's keys do not leak into the next request's logs.
    const rejected = lines.find((l) => l.message === 'webhook request rejected');
    expect(rejected).not.toHaveProperty('cluster');
  });
});
