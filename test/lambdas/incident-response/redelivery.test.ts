import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { queueUrlOfArn, redeliverSoon } from '../../../lambdas/incident-response/index.js';

const FIFO = 'arn:aws:sqs:eu-central-1:111122223333:fluxguard-incidents.fifo';
const STANDARD = 'arn:aws:sqs:eu-central-1:111122223333:fluxguard-follow-ups';

describe('redeliverSoon', () => {
  it('derives the queue URL from its ARN, in the China partition too', () => {
    expect(queueUrlOfArn(FIFO)).toBe(
      'https://sqs.eu-central-1.amazonaws.com/111122223333/fluxguard-incidents.fifo',
    );
    expect(queueUrlOfArn('arn:aws-cn:sqs:cn-north-1:111122223333:q')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q',
    );
  });

  it('changes the visibility of every message, ten per request and queue, and returns what SQS refused', async () => {
    // Prepare
    const sqs = new SQSClient({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const mock = mockClient(sqs);
    mock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    mock.on(ChangeMessageVisibilityBatchCommand, { QueueUrl: queueUrlOfArn(STANDARD) }).resolves({
      Successful: [],
      Failed: [{ Id: 's-0', Code: 'ReceiptHandleIsInvalid', SenderFault: true }],
    });
    const fifo = Array.from({ length: 12 }, (_, i) => ({
      messageId: `f-${i}`,
      receiptHandle: `rh-f-${i}`,
      eventSourceARN: FIFO,
    }));

    // Act
    const refused = await redeliverSoon(
      sqs,
      [...fifo, { messageId: 's-0', receiptHandle: 'rh-s-0', eventSourceARN: STANDARD }],
      20,
    );

    // Assess
    const calls = mock.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.QueueUrl, c.Entries?.length])).toEqual([
      [queueUrlOfArn(FIFO), 10],
      [queueUrlOfArn(FIFO), 2],
      [queueUrlOfArn(STANDARD), 1],
    ]);
    expect(calls[0]?.Entries?.[3]).toEqual({ Id: 'f-3', ReceiptHandle: 'rh-f-3', VisibilityTimeout: 20 });
    expect(refused).toEqual(['s-0: ReceiptHandleIsInvalid']);
  });
});
