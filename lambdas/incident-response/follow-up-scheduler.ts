/**
 * Scheduling follow-up checks: a message on the standard SQS follow-up queue with a per-message
 * `DelaySeconds` (FIFO queues have none). A standard queue, because the delay is per message and
 * the checks need no ordering: the object lease in the state table serializes them.
 *
 * @module
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type FollowUpMessage, MAX_DELAY_SECONDS } from '../incidents/index.js';

/** Where follow-ups go. */
export interface FollowUpScheduler {
  schedule(message: FollowUpMessage, delaySeconds: number): Promise<void>;
}

/** {@link FollowUpScheduler} on the SQS follow-up queue. */
export class SqsFollowUpScheduler implements FollowUpScheduler {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async schedule(message: FollowUpMessage, delaySeconds: number): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(delaySeconds))),
      }),
    );
  }
}
