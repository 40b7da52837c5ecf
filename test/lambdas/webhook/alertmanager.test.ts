import { Logger } from '@aws-lambda-powertools/logger';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretReader } from '../../../lambdas/aws/index.js';
import { parseIncidentInput } from '../../../lambdas/incidents/index.js';
import { createWebhookHandler } from '../../../lambdas/webhook/create-webhook-handler.js';
import { routeOf } from '../../../lambdas/webhook/http.js';
import { SecretsManagerKeys, type SigningKeys, StaticKeys } from '../../../lambdas/webhook/keys.js';
import type { WebhookDeps } from '../../../lambdas/webhook/process-webhook.js';
import { RecentDeliveries } from '../../../lambdas/webhook/recent-deliveries.js';
import { FakeFifoQueue } from '../../../sandbox/index.js';
import { ALERTMANAGER_TOKEN, amAlert, amHeaders, amPayload } from '../../support/alertmanager-payloads.js';
import {
  fluxHeaders,
  functionUrlEvent,
  lambdaContext,
  type RequestSpec,
  SHAPES,
  TEST_KEY,
  wireBody,
} from '../../support/webhook-requests.js';

type Result = { statusCode: number; body: string; headers: Record<string, string> };

function setup(
  overrides: Omit<Partial<WebhookDeps>, 'alertmanagerTokens'> & {
    alertmanagerTokens?: SigningKeys | 'absent';
  } = {},
) {
  const queue = new FakeFifoQueue();
  const { alertmanagerTokens, ...rest } = overrides;
  const deps: WebhookDeps = {
    keys: new StaticKeys([TEST_KEY]),
    alertmanagerTokens: new StaticKeys([ALERTMANAGER_TOKEN]),
    recentDeliveries: new RecentDeliveries(),
    queue,
    maxBodyBytes: 131_072,
    now: () => new Date('2026-12-03T10:02:05.000Z'),
    ...rest,
  };
  if (alertmanagerTokens === 'absent') delete deps.alertmanagerTokens;
  else if (alertmanagerTokens) deps.alertmanagerTokens = alertmanagerTokens;
  const handler = createWebhookHandler({
    deps,
    logger: new Logger({ serviceName: 'am', logLevel: 'SILENT' }),
  });
  const post = async (
    spec: Partial<RequestSpec> & { payload?: unknown },
    build: (spec: RequestSpec) => unknown = functionUrlEvent,
  ) => {
    const body = spec.body ?? Buffer.from(JSON.stringify(spec.payload ?? amPayload()));
    const result = (await handler(
      build({ path: '/alertmanager', headers: amHeaders(), ...spec, body }),
      lambdaContext(),
    )) as Result;
    return {
      status: result.statusCode,
      body: JSON.parse(result.body) as Record<string, unknown>,
      headers: result.headers,
    };
  };
  return { queue, handler, post };
}

describe('routeOf', () => {
  it.each([
    ['/alertmanager', 'alertmanager'],
    ['/alertmanager/', 'alertmanager'],
    ['/prod/alertmanager', 'alertmanager'],
    ['/', 'flux'],
    ['/flux', 'flux'],
    ['/alertmanager/x', 'flux'],
    ['/alertmanagers', 'flux'],
  ])('%s takes the %s route', (path, route) => {
    expect(routeOf({ path })).toBe(route);
  });
});

describe('the /alertmanager route', () => {
  it.each(SHAPES)('queues a firing fluxguard alert from a %s event', async (_name, build) => {
    // Prepare
    const { queue, post } = setup();

    // Act
    const answer = await post({ payload: amPayload({ notification_reason: 'first notification' }) }, build);

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      result: 'queued',
      messages: 1,
      groups: ['fluxguard-staging-us-east-1/flux-system/Kustomization/apps'],
    });
    expect(queue.delivered).toHaveLength(1);
    const input = parseIncidentInput(queue.delivered[0]?.body ?? '');
    expect(input.source).toBe('alertmanager');
    if (input.source !== 'alertmanager') return;
    expect(input.alertmanager).toMatchObject({ status: 'firing', receivedAt: '2026-12-03T10:02:05.000Z' });
    expect(queue.delivered[0]?.deduplicationId).toBe(input.alertmanager.id);
  });

  it('leaves the Flux route on / and /flux as it was', async () => {
    const { queue, handler } = setup();
    const body = wireBody('kustomization-healthcheck-failed.json');
    for (const path of ['/', '/flux']) {
      const result = (await handler(
        functionUrlEvent({ path, body, headers: fluxHeaders(body) }),
        lambdaContext(),
      )) as Result;
      expect(result.statusCode).toBe(202);
    }
    expect(queue.delivered.map((m) => JSON.parse(m.body).source)).toEqual(['flux']);
  });

  it('does not accept a Flux HMAC on /alertmanager, nor the bearer token on the Flux route', async () => {
    const { post, handler } = setup();
    const body = wireBody('kustomization-healthcheck-failed.json');
    expect((await post({ body, headers: fluxHeaders(body) })).status).toBe(401);
    const flux = (await handler(
      functionUrlEvent({ body: JSON.stringify(amPayload()), headers: amHeaders() }),
      lambdaContext(),
    )) as Result;
    expect(flux.statusCode).toBe(401);
  });

  it('answers 404 when no token is configured', async () => {
    const { post, queue } = setup({ alertmanagerTokens: 'absent' });
    const answer = await post({});
    expect(answer).toMatchObject({
      status: 404,
      body: { result: 'rejected', reason: 'the Alertmanager route is not configured' },
    });
    expect(queue.delivered).toEqual([]);
  });

  it.each([
    ['no Authorization header', {}, 'missing Authorization header'],
    ['a wrong token', { Authorization: 'Bearer not-the-token' }, 'token does not match'],
    [
      'a token with a different length',
      { Authorization: `Bearer ${ALERTMANAGER_TOKEN}x` },
      'token does not match',
    ],
    [
      'Basic authentication',
      { Authorization: 'Basic dXNlcjpwYXNz' },
      'malformed Authorization header, expected Bearer <token>',
    ],
    [
      'an empty bearer',
      { Authorization: 'Bearer ' },
      'malformed Authorization header, expected Bearer <token>',
    ],
  ])('refuses %s with 401 and queues nothing', async (_name, auth, reason) => {
    const { post, queue } = setup();
    const answer = await post({ headers: { 'Content-Type': 'application/json', ...auth } });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ result: 'rejected', reason });
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(queue.delivered).toEqual([]);
  });

  it('accepts the lower-case scheme Alertmanager may be configured with', async () => {
    const { post } = setup();
    expect(
      (
        await post({
          headers: { 'Content-Type': 'application/json', Authorization: `bearer ${ALERTMANAGER_TOKEN}` },
        })
      ).status,
    ).toBe(202);
  });

  it.each([
    ['GET', { method: 'GET' }, 405],
    ['text/plain', { headers: { ...amHeaders(), 'Content-Type': 'text/plain' } }, 415],
    ['a body over the limit', { body: Buffer.alloc(131_073, 32) }, 413],
    ['an empty body', { body: Buffer.alloc(0) }, 400],
    ['a body that is not JSON', { body: Buffer.from('{"version":') }, 400],
    ['JSON that is not a payload', { payload: { version: '4' } }, 400],
    ['payload version 3', { payload: amPayload({ version: '3' }) }, 400],
  ] as const)('answers %s with %i, never a 5xx', async (_name, spec, status) => {
    const { post, queue } = setup();
    const answer = await post(spec as Partial<RequestSpec>);
    expect(answer.status).toBe(status);
    expect(answer.body.result).toBe('rejected');
    expect(queue.delivered).toEqual([]);
  });

  it('names the first schema problems by path, never their values', async () => {
    const { post } = setup();
    const answer = await post({ payload: amPayload({ alerts: [{ ...amAlert(), status: 'secret-value' }] }) });
    expect(answer.body.reason).toMatch(/^not an Alertmanager payload: alerts\.0\.status: /);
    expect(answer.body.reason).not.toContain('secret-value');
  });

  it('treats a repeat as a heartbeat: 200, nothing queued', async () => {
    const { post, queue } = setup();
    const answer = await post({ payload: amPayload({ notification_reason: 'repeat interval elapsed' }) });
    expect(answer).toMatchObject({
      status: 200,
      body: { result: 'ignored', reason: 'repeat notification: a heartbeat, not a trigger' },
    });
    expect(queue.delivered).toEqual([]);
  });

  it('answers an unchanged resend as already queued (an Alertmanager without notification_reason repeating)', async () => {
    const { post, queue } = setup();
    expect((await post({})).status).toBe(202);
    const again = await post({});
    expect(again).toMatchObject({
      status: 200,
      body: { result: 'ignored', reason: 'already queued: an unchanged resend' },
    });
    expect(queue.delivered).toHaveLength(1);
  });

  it('queues the resolve', async () => {
    const { post, queue } = setup();
    await post({});
    const resolved = amPayload({
      status: 'resolved',
      alerts: [amAlert({ status: 'resolved', endsAt: '2026-12-03T10:09:00Z' })],
    });
    expect((await post({ payload: resolved })).status).toBe(202);
    expect(queue.delivered.map((m) => JSON.parse(m.body).status)).toEqual(['firing', 'resolved']);
  });

  it('answers 200 for alerts that name no Flux object', async () => {
    const { post, queue } = setup();
    const answer = await post({
      payload: amPayload({ alerts: [amAlert({ labels: { alertname: 'Watchdog', fluxguard: 'true' } })] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.reason).toBe('no fluxguard="true" alert names a Kustomization or HelmRelease');
    expect(queue.delivered).toEqual([]);
  });

  it('answers 503 when the queue fails, and queues the retry once', async () => {
    const { post, queue } = setup();
    queue.failNext();
    const first = await post({});
    expect(first).toMatchObject({
      status: 503,
      body: { result: 'error', reason: 'the alerts could not be queued; retry later' },
    });
    expect((await post({})).status).toBe(202);
    expect((await post({})).status).toBe(200);
    expect(queue.delivered).toHaveLength(1);
  });

  it('queues a truncated notification marked as incomplete evidence', async () => {
    const { post, queue } = setup();
    await post({ payload: amPayload({ truncatedAlerts: 12 }) });
    expect(JSON.parse(queue.delivered[0]?.body ?? '{}')).toMatchObject({
      evidenceIncomplete: true,
      omittedAlerts: 12,
    });
  });
});

describe('the /alertmanager token from Secrets Manager', () => {
  const sm = mockClient(SecretsManagerClient);
  const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:fluxguard/alertmanager-AbCdEf';
  beforeEach(() => sm.reset());

  function tokens(): SigningKeys {
    const reader = new SecretReader({ client: new SecretsManagerClient({ region: 'us-east-1' }) });
    return new SecretsManagerKeys(reader, ARN, { now: () => 0 });
  }

  it('accepts AWSCURRENT and, during a rotation, AWSPREVIOUS', async () => {
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({
      SecretString: '{"token":"new-token"}',
    });
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: 'old-token\n' });
    const { post } = setup({ alertmanagerTokens: tokens() });
    expect((await post({ headers: amHeaders('new-token') })).status).toBe(202);
    expect(
      (await post({ headers: amHeaders('old-token'), payload: amPayload({ groupKey: 'g2' }) })).status,
    ).toBe(202);
    expect((await post({ headers: amHeaders('other-token') })).status).toBe(401);
  });

  it('answers 503 when the secret cannot be read, so Alertmanager retries', async () => {
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    const { post } = setup({ alertmanagerTokens: tokens() });
    const answer = await post({});
    expect(answer).toMatchObject({
      status: 503,
      body: { result: 'error', reason: 'the token could not be read; retry later' },
    });
  });
});
