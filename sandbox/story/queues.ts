/**
 * The guard's queues inside one process: the SQS FIFO incident queue (deduplication for five
 * minutes, one message at a time per message group, redelivery after a failure, a dead-letter
 * queue after three receives) and the standard follow-up queue (per-message delay, no ordering).
 * Both hand each message body to a consumer, as the Lambda event source mappings do.
 *
 * @module
 */
import { type IncidentQueue, QueueError, type QueueMessage } from '../../lambdas/incidents/index.js';
import type { StoryClock } from '../flux/clock.js';

/** What consumes a message: resolves when handled, throws to have it redelivered. */
export type Consumer = (body: string, messageId: string) => Promise<void>;

/** A message that exhausted its receives. */
export interface DeadLetter {
  messageId: string;
  body: string;
  error: string;
}

/** The SQS redrive policy's `maxReceiveCount`. */
export const MAX_RECEIVES = 3;
/** The incident queue's visibility timeout before a failed message is received again. */
const VISIBILITY_TIMEOUT_MS = 30_000;
const DEDUPLICATION_MS = 300_000;

/** SQS FIFO in process. */
export class InProcessFifoQueue implements IncidentQueue {
  readonly sent: QueueMessage[] = [];
  readonly deadLetters: DeadLetter[] = [];
  /** How many messages were accepted but not delivered (deduplicated). */
  deduplicated = 0;
  readonly #clock: StoryClock;
  readonly #consumer: Consumer;
  readonly #seen = new Map<string, number>();
  readonly #groups = new Map<string, Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();
  #sequence = 0;
  #failures = 0;

  constructor(clock: StoryClock, consumer: Consumer) {
    this.#clock = clock;
    this.#consumer = consumer;
  }

  /** The next `count` sends fail, as an SQS outage would. */
  failNext(count = 1): void {
    this.#failures = count;
  }

  async send(message: QueueMessage): Promise<{ messageId?: string }> {
    if (this.#failures > 0) {
      this.#failures -= 1;
      throw new QueueError('SQS SendMessage failed: ServiceUnavailable');
    }
    const now = this.#clock.elapsedMs();
    const messageId = `fifo-${++this.#sequence}`;
    const seenAt = this.#seen.get(message.deduplicationId);
    if (seenAt !== undefined && now - seenAt < DEDUPLICATION_MS) {
      this.deduplicated += 1;
      return { messageId };
    }
    this.#seen.set(message.deduplicationId, now);
    this.sent.push(message);
    const previous = this.#groups.get(message.groupId) ?? Promise.resolve();
    const next = previous.then(() => this.#deliver(message.body, messageId));
    this.#groups.set(message.groupId, next);
    this.#track(next);
    return { messageId };
  }

  async #deliver(body: string, messageId: string): Promise<void> {
    for (let receive = 1; receive <= MAX_RECEIVES; receive += 1) {
      if (this.#clock.stopped) return;
      try {
        await this.#consumer(body, messageId);
        return;
      } catch (error) {
        if (receive === MAX_RECEIVES) {
          this.deadLetters.push({ messageId, body, error: (error as Error).message });
          return;
        }
        // The group waits: FIFO holds back later messages of a group until this one is done.
        await this.#clock.sleep(VISIBILITY_TIMEOUT_MS);
      }
    }
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  /** Resolves when no message is being handled. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }
}

/** The standard follow-up queue in process: each message delivered after its delay, in no order. */
export class InProcessDelayQueue {
  readonly deadLetters: DeadLetter[] = [];
  scheduled = 0;
  readonly #clock: StoryClock;
  readonly #consumer: Consumer;
  #sequence = 0;

  constructor(clock: StoryClock, consumer: Consumer) {
    this.#clock = clock;
    this.#consumer = consumer;
  }

  readonly #inFlight = new Set<Promise<void>>();

  send(body: string, delaySeconds: number): void {
    this.scheduled += 1;
    const messageId = `std-${++this.#sequence}`;
    this.#clock.after(delaySeconds * 1000, () => this.#track(this.#deliver(body, messageId, 1)));
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  /** Resolves when no message is being handled. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  async #deliver(body: string, messageId: string, receive: number): Promise<void> {
    try {
      await this.#consumer(body, messageId);
    } catch (error) {
      if (receive >= MAX_RECEIVES) {
        this.deadLetters.push({ messageId, body, error: (error as Error).message });
        return;
      }
      this.#clock.after(VISIBILITY_TIMEOUT_MS, () =>
        this.#track(this.#deliver(body, messageId, receive + 1)),
      );
    }
  }
}
