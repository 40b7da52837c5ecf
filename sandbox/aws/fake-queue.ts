import { type IncidentQueue, QueueError, type QueueMessage } from '../../lambdas/incidents/index.js';

/**
 * An in-memory SQS FIFO queue: a message whose deduplication id was seen within the 5-minute
 * deduplication interval is accepted but not delivered again, as SQS does.
 */
export class FakeFifoQueue implements IncidentQueue {
  readonly delivered: QueueMessage[] = [];
  readonly #seen = new Map<string, number>();
  #failures = 0;
  #sequence = 0;
  now = 0;

  /** The next `count` sends fail, as an SQS outage would. */
  failNext(count = 1): void {
    this.#failures = count;
  }

  async send(message: QueueMessage): Promise<{ messageId?: string }> {
    if (this.#failures > 0) {
      this.#failures -= 1;
      throw new QueueError('SQS SendMessage failed: ServiceUnavailable');
    }
    const seenAt = this.#seen.get(message.deduplicationId);
    const messageId = `m-${++this.#sequence}`;
    if (seenAt !== undefined && this.now - seenAt < 300_000) return { messageId };
    this.#seen.set(message.deduplicationId, this.now);
    this.delivered.push(message);
    return { messageId };
  }
}
