/**
 * Messages that met a busy object (another message holds its lease, or the branch kept moving
 * under the revert) are delivered again soon, not after the queue's visibility timeout (six times
 * the worker's timeout: 30 minutes). SQS `ChangeMessageVisibilityBatch` on the failed records.
 *
 * @module
 */
import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A received SQS message, as much of it as a visibility change needs. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  /** `arn:aws:sqs:<region>:<account>:<queue name>` */
  eventSourceARN: string;
}

/** The queue URL of an SQS queue ARN: `https://sqs.<region>.amazonaws.com/<account>/<name>`. */
export function queueUrlOfArn(arn: string): string {
  const [, partition, , region, account, name] = arn.split(':');
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/**
 * Makes `messages` visible again after `seconds`, ten per request (SQS's limit), per queue.
 *
 * @throws the SDK's error when a request fails; entries SQS refuses one by one are returned
 * @example
 * await redeliverSoon(sqs, busyRecords, 20);
 */
export async function redeliverSoon(
  sqs: SQSClient,
  messages: readonly ReceivedMessage[],
  seconds: number,
): Promise<string[]> {
  const refused: string[] = [];
  const byQueue = Map.groupBy(messages, (m) => m.eventSourceARN);
  for (const [arn, queued] of byQueue) {
    for (let i = 0; i < queued.length; i += 10) {
      const answer = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrlOfArn(arn),
          Entries: queued.slice(i, i + 10).map((m) => ({
            Id: m.messageId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80),
            ReceiptHandle: m.receiptHandle,
            VisibilityTimeout: seconds,
          })),
        }),
      );
      refused.push(...(answer.Failed ?? []).map((f) => `${f.Id}: ${f.Code} ${f.Message ?? ''}`.trim()));
    }
  }
  return refused;
}
