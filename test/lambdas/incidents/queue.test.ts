import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { QueueError, SqsIncidentQueue, sqsClientConfig } from '../../../lambdas/incidents/queue.js';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/fluxguard-incidents.fifo';
const message = {
  body: '{"version":1}',
  groupId: 'prod/apps/Kustomization/webapp',
  deduplicationId: 'a'.repeat(64),
};

describe('SqsIncidentQueue', () => {
  beforeEach(() => sqs.reset());

  it('sends one FIFO message with the group and deduplication ids', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const queue = new SqsIncidentQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL);

    // Act
    const result = await queue.send(message);

    // Assess
    expect(result).toEqual({ messageId: 'm-1' });
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      MessageBody: message.body,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
    });
  });

  it('wraps an SQS error in a QueueError that names it', async () => {
    // Prepare
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('throttled'), { name: 'RequestThrottled' }));
    const queue = new SqsIncidentQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL);

    // Act
    const sending = queue.send(message);

    // Assess
    await expect(sending).rejects.toThrow(QueueError);
    await expect(queue.send(message)).rejects.toThrow(/RequestThrottled: throttled/);
  });
});

describe('sqsClientConfig', () => {
  it.each([
    [{}, {}],
    [{ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, { useQueueUrlAsEndpoint: false }],
    [{ AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566' }, { useQueueUrlAsEndpoint: false }],
    [{ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, {}],
  ])('lets a configured endpoint win over the queue URL host for %j', (env, expected) => {
    // Prepare: the environment from the table

    // Act
    const config = sqsClientConfig(env);

    // Assess
    expect(config).toEqual(expected);
  });
});
