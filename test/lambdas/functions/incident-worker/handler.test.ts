import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createIncidentWorkerHandler,
  idempotencyKeyOf,
} from '../../../../lambdas/functions/incident-worker/handler.js';
import { fixtureText } from '../../../support/fixtures.js';
import { captureOutput, lambdaContext } from '../../../support/webhook-requests.js';
import { type World, world } from '../../incident-response/support/world.js';

const FIFO_ARN = 'arn:aws:sqs:eu-west-1:111122223333:fluxguard-incidents.fifo';
const STANDARD_ARN = 'arn:aws:sqs:eu-west-1:111122223333:fluxguard-follow-ups';
const ALARMS_ARN = 'arn:aws:sqs:eu-west-1:111122223333:fluxguard-alarms';

let w: World | undefined;
let output: ReturnType<typeof captureOutput> | undefined;
afterEach(async () => {
  output?.restore();
  output = undefined;
  await w?.close();
  w = undefined;
});

function record(messageId: string, body: string, arn: string, group?: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1760000000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1760000000000',
      ...(group
        ? { MessageGroupId: group, MessageDeduplicationId: `dedup-${messageId}`, SequenceNumber: '1' }
        : {}),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: 'eu-west-1',
  };
}

async function handlerFor(
  v: World,
  retrySoon?: (records: SQSRecord[], seconds: number) => Promise<string[]>,
) {
  const logger = new Logger({ serviceName: 'incident-worker', logLevel: 'INFO' });
  const idempotency = new DynamoDBPersistenceLayer({
    tableName: v.tableName,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: 'IDEMPOTENCY#incident-worker',
    expiryAttr: 'expiresAt',
    awsSdkV3Client: v.db.client,
  });
  const handler = createIncidentWorkerHandler({
    deps: () => v.deps,
    logger,
    idempotency,
    ...(retrySoon ? { retrySoon } : {}),
  });
  // A worker's timeout is minutes; the fake GitHub's git work takes seconds on a loaded machine.
  return (event: SQSEvent) => handler(event, { ...lambdaContext(), getRemainingTimeInMillis: () => 300_000 });
}

describe('incident-worker handler', () => {
  it('on the FIFO queue: an unparseable message is logged with its id and failed, holding back only its own group', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'healthy', attempted: failing, failed: false });
    const invoke = await handlerFor(w);
    const stale = JSON.stringify(
      (
        w.flux({ reason: 'ReconciliationSucceeded', severity: 'info', revision: `main@sha1:${failing}` }) as {
          message: unknown;
        }
      ).message,
    );
    output = captureOutput();

    // Act
    const answer = await invoke({
      Records: [
        record('m-1', '{"version":1,"source":"nope"}', FIFO_ARN, 'prod/flux-system/Kustomization/apps'),
        record('m-2', stale, FIFO_ARN, 'prod/flux-system/Kustomization/apps'),
        record('m-3', stale, FIFO_ARN, 'prod/flux-system/Kustomization/other'),
      ],
    });

    // Assess
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }]);
    const lines = output
      .text()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'incident message unparseable: left to the dead-letter queue',
        messageId: 'm-1',
        reason: 'unknown message source "nope"',
      }),
    );
    expect(lines.filter((l) => l.message === 'incident decision').map((l) => l.messageId)).toEqual(['m-3']);
  });

  it('brings back a message that met a busy object when its lease ends, with those of its group behind it, not the others', async () => {
    // Prepare: another worker holds the object's lease
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    const apps = { cluster: 'prod', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } as const;
    await w.store.takeLease(apps, 'another-worker', new Date(w.clock.now.getTime() + 300_000), w.clock.now);
    const calls: Array<{ ids: string[]; seconds: number }> = [];
    const invoke = await handlerFor(w, async (records, seconds) => {
      calls.push({ ids: records.map((r) => r.messageId), seconds });
      return [];
    });
    const v = w;
    const body = (reason: string, severity: 'info' | 'error', name = 'apps') =>
      JSON.stringify(
        (v.flux({ reason, severity, revision: `main@sha1:${failing}`, name }) as { message: unknown })
          .message,
      );
    output = captureOutput();

    // Act
    const answer = await invoke({
      Records: [
        record('m-1', body('HealthCheckFailed', 'error'), FIFO_ARN, 'prod/flux-system/Kustomization/apps'),
        record(
          'm-2',
          body('ReconciliationSucceeded', 'info'),
          FIFO_ARN,
          'prod/flux-system/Kustomization/apps',
        ),
        record('m-3', '{"version":1,"source":"nope"}', FIFO_ARN, 'prod/flux-system/Kustomization/other'),
      ],
    });

    // Assess: both of the busy group fail and come back when the lease they met ends (300 s, less
    // the 60 s m-1 waited for it), not three times before it ends; the unparseable one waits its timeout
    expect(answer.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-1', 'm-2', 'm-3']);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.ids).toEqual(['m-1', 'm-2']);
    expect(calls[0]?.seconds).toBeGreaterThanOrEqual(240);
    expect(calls[0]?.seconds).toBeLessThanOrEqual(250);
    expect(await w.commitsAfter(failing)).toEqual([]);
  });

  it('on the standard follow-up queue: one failure holds back nothing else', async () => {
    // Prepare
    w = await world();
    const invoke = await handlerFor(w);
    output = captureOutput();

    // Act
    const alarm = fixtureText('aws-events/cloudwatch-alarm-state-change.eventbridge.json');
    const answer = await invoke({
      Records: [record('f-1', 'not json', STANDARD_ARN), record('f-2', alarm, STANDARD_ARN)],
    });

    // Assess
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'f-1' }]);
    expect(output.text()).toContain('"code":"alarm-not-mapped"');
  });

  it('handles a redelivered message once (Powertools Idempotency in the state table)', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    const invoke = await handlerFor(w);
    const body = JSON.stringify(
      (
        w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }) as {
          message: unknown;
        }
      ).message,
    );
    output = captureOutput();

    // Act
    const first = await invoke({ Records: [record('m-1', body, FIFO_ARN, 'g')] });
    const again = await invoke({ Records: [record('m-1', body, FIFO_ARN, 'g')] });

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    const decisions = output
      .text()
      .split('\n')
      .filter((l) => l.includes('"incident decision"'));
    expect(decisions).toHaveLength(1);
    expect(await w.commitsAfter(failing)).toHaveLength(1);
    expect(w.sns.messages).toHaveLength(1);
  });

  it('on the standard alarm queue: one EventBridge event delivered twice (two SQS messages) is handled once, another event again', async () => {
    // Prepare: EventBridge delivers at least once, and each delivery is a new SQS message
    w = await world();
    const invoke = await handlerFor(w);
    const alarm = fixtureText('aws-events/cloudwatch-alarm-state-change.eventbridge.json');
    const another = JSON.stringify({ ...JSON.parse(alarm), id: 'd7e8f9a0-1111-2222-3333-444455556666' });
    output = captureOutput();

    // Act
    const first = await invoke({ Records: [record('a-1', alarm, ALARMS_ARN)] });
    const again = await invoke({ Records: [record('a-2', alarm, ALARMS_ARN)] });
    const next = await invoke({ Records: [record('a-3', another, ALARMS_ARN)] });
    const unparseable = await invoke({ Records: [record('a-4', 'not json', ALARMS_ARN)] });

    // Assess
    expect([first, again, next].flatMap((answer) => answer.batchItemFailures)).toEqual([]);
    expect(unparseable.batchItemFailures).toEqual([{ itemIdentifier: 'a-4' }]);
    const lines = output
      .text()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.message === 'incident decision').map((l) => l.messageId)).toEqual([
      'a-1',
      'a-3',
    ]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'incident message unparseable: left to the dead-letter queue',
        messageId: 'a-4',
      }),
    );
  });
});

describe('idempotencyKeyOf', () => {
  const alarm = fixtureText('aws-events/cloudwatch-alarm-state-change.eventbridge.json');

  it('is the FIFO deduplication id on the FIFO queue, whatever the body', () => {
    expect(idempotencyKeyOf(record('m-1', alarm, FIFO_ARN, 'g'))).toBe('dedup-m-1');
  });

  it('is the EventBridge event id, apart from every SQS message id, for an event on a standard queue', () => {
    expect(idempotencyKeyOf(record('a-1', alarm, ALARMS_ARN))).toBe(
      'eventbridge:c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    );
  });

  it('is the message id of anything else on a standard queue (follow-ups, bodies that are not events)', () => {
    const followUp = JSON.stringify({ version: 1, source: 'follow-up', id: 'not-an-event' });
    for (const body of [followUp, 'not json', 'null', '[]', '{"id":7,"detail-type":"x","source":"y"}']) {
      expect(idempotencyKeyOf(record('f-1', body, STANDARD_ARN)), body).toBe('f-1');
    }
  });
});
