/**
 * Delivering one alert to Slack, exactly once per SNS message id as far as Slack's answers allow.
 *
 * With a bot token, an incident is one thread: its first alert posts the root message; each later
 * alert replies in the thread and then updates the root with `chat.update`, so the channel shows one
 * line per incident whose status moves. The root never moves back to an older state when SNS
 * delivers out of order. With an incoming webhook, each alert is one message.
 *
 * Idempotency: every step records itself in the thread record (conditional writes), so a
 * redelivered message finds its reply posted and its root update shown and does nothing, and a
 * retry after a failure resumes at the step that failed. Slack has no idempotency key, so one gap
 * remains: a crash between Slack's answer and the record repeats that one post.
 *
 * @module
 */
import { type Alert, AlertSchema, renderSlackMessage } from '../alerts/index.js';
import { SlackThreadPendingError } from './errors.js';
import type { SlackWebhook } from './incoming-webhook.js';
import type { SlackThreadRecord, SlackThreadStore, ThreadHistoryEntry, ThreadKey } from './thread-store.js';
import type { SlackChat } from './web-api.js';

/** What a delivery did, for logs and metrics. */
export type DeliveryOutcome =
  | { action: 'posted-root' }
  | { action: 'replied'; rootUpdated: boolean }
  | { action: 'already-replied'; rootUpdated: boolean }
  | { action: 'posted' }
  | { action: 'duplicate' };

/** Delivers alerts to one Slack destination. */
export interface SlackDelivery {
  deliver(alert: Alert, messageId: string): Promise<DeliveryOutcome>;
}

/** The thread-record key of webhook deliveries (a webhook's channel is not known to the sender). */
export const WEBHOOK_THREAD_CHANNEL = 'WEBHOOK';

/** Options of {@link ThreadedSlackDelivery}. */
export interface ThreadedSlackDeliveryOptions {
  chat: SlackChat;
  store: SlackThreadStore;
  channel: string;
  /** A root claim older than this (ms) is taken over: its Lambda died (default 120,000, above the timeout). */
  claimStaleMs?: number;
  now?: () => Date;
}

const MAX_ROUNDS = 5;

/**
 * Bot-token delivery: one thread per incident, the root updated in place.
 *
 * @example
 * ```ts
 * const delivery = new ThreadedSlackDelivery({ chat, store, channel: 'C0ALERTS' });
 * await delivery.deliver(alertFromNotification(record.Sns.Message), record.Sns.MessageId);
 * ```
 */
export class ThreadedSlackDelivery implements SlackDelivery {
  readonly #chat: SlackChat;
  readonly #store: SlackThreadStore;
  readonly #channel: string;
  readonly #claimStaleMs: number;
  readonly #now: () => Date;

  constructor({
    chat,
    store,
    channel,
    claimStaleMs = 120_000,
    now = () => new Date(),
  }: ThreadedSlackDeliveryOptions) {
    this.#chat = chat;
    this.#store = store;
    this.#channel = channel;
    this.#claimStaleMs = claimStaleMs;
    this.#now = now;
  }

  async deliver(alert: Alert, messageId: string): Promise<DeliveryOutcome> {
    const key: ThreadKey = { incidentId: alert.incidentId, channel: this.#channel };
    const entry: ThreadHistoryEntry = { state: alert.state, occurredAt: alert.occurredAt, messageId };
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const record = await this.#store.read(key);
      if (!record?.ts) {
        const staleBefore = new Date(this.#now().getTime() - this.#claimStaleMs);
        if (!(await this.#store.claimRoot(key, messageId, staleBefore))) {
          if (record?.claim && record.claim !== messageId) throw pending(alert);
          continue; // someone posted the root in between: read it again
        }
        await this.#postRoot(key, alert, messageId, entry);
        return { action: 'posted-root' };
      }
      if (record.delivered.has(messageId)) {
        return {
          action: 'already-replied',
          rootUpdated: await this.#updateRoot(key, alert, messageId, record),
        };
      }
      await this.#chat.post(this.#channel, renderSlackMessage(alert), record.ts);
      await this.#store.recordDelivery(key, messageId, entry);
      const fresh = (await this.#store.read(key)) ?? record;
      return { action: 'replied', rootUpdated: await this.#updateRoot(key, alert, messageId, fresh) };
    }
    throw pending(alert);
  }

  async #postRoot(key: ThreadKey, alert: Alert, messageId: string, entry: ThreadHistoryEntry): Promise<void> {
    let ts: string;
    try {
      ({ ts } = await this.#chat.post(this.#channel, renderSlackMessage(alert, { history: [entry] })));
    } catch (error) {
      await this.#store.releaseClaim(key, messageId);
      throw error;
    }
    await this.#store.saveRoot(key, { ts, messageId, alert: JSON.stringify(alert), entry });
  }

  /**
   * Moves the root to `alert` when it is newer than what the root shows, then makes Slack show
   * whatever the record says the root is, until the record and Slack agree. Answers whether this
   * delivery called `chat.update`.
   */
  async #updateRoot(
    key: ThreadKey,
    alert: Alert,
    messageId: string,
    initial: SlackThreadRecord,
  ): Promise<boolean> {
    let record = initial;
    let updated = false;
    let dirty = false;
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const shown = record.rootAlert ? AlertSchema.parse(JSON.parse(record.rootAlert)) : undefined;
      if (record.rootMessageId !== messageId && (!shown || isNewer(alert, shown))) {
        const moved = await this.#store.moveRoot(key, messageId, JSON.stringify(alert), record.rootMessageId);
        record = (await this.#store.read(key)) ?? record;
        if (!moved) continue;
      }
      if (!record.ts || !record.rootAlert || !record.rootMessageId) return updated;
      if (record.shownMessageId === record.rootMessageId && !dirty) return updated;
      const root = AlertSchema.parse(JSON.parse(record.rootAlert));
      await this.#chat.update(
        this.#channel,
        record.ts,
        renderSlackMessage(root, { history: ordered(record.history) }),
      );
      updated = true;
      if (await this.#store.markShown(key, record.rootMessageId)) return updated;
      // The root moved while we were updating Slack: our update may have landed last, so show the newer root.
      dirty = true;
      record = (await this.#store.read(key)) ?? record;
    }
    throw pending(alert);
  }
}

/** Options of {@link WebhookSlackDelivery}. */
export interface WebhookSlackDeliveryOptions {
  webhook: SlackWebhook;
  store: SlackThreadStore;
}

/**
 * Incoming-webhook delivery: one message per state change, no thread (a webhook never answers the
 * message `ts`). Redelivered messages are recognised by their SNS message id.
 */
export class WebhookSlackDelivery implements SlackDelivery {
  readonly #webhook: SlackWebhook;
  readonly #store: SlackThreadStore;

  constructor({ webhook, store }: WebhookSlackDeliveryOptions) {
    this.#webhook = webhook;
    this.#store = store;
  }

  async deliver(alert: Alert, messageId: string): Promise<DeliveryOutcome> {
    const key: ThreadKey = { incidentId: alert.incidentId, channel: WEBHOOK_THREAD_CHANNEL };
    const record = await this.#store.read(key);
    if (record?.delivered.has(messageId)) return { action: 'duplicate' };
    await this.#webhook.send(renderSlackMessage(alert));
    await this.#store.recordDelivery(key, messageId, {
      state: alert.state,
      occurredAt: alert.occurredAt,
      messageId,
    });
    return { action: 'posted' };
  }
}

/** `a` happened after `b` (RFC 3339 times compared as instants). */
function isNewer(a: Alert, b: Alert): boolean {
  return Date.parse(a.occurredAt) > Date.parse(b.occurredAt);
}

function ordered(history: readonly ThreadHistoryEntry[]): ThreadHistoryEntry[] {
  const seen = new Set<string>();
  return [...history]
    .filter((entry) => !seen.has(entry.messageId) && seen.add(entry.messageId))
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
}

function pending(alert: Alert): SlackThreadPendingError {
  return new SlackThreadPendingError(
    `the Slack thread of incident ${alert.incidentId} is being started by another delivery; retry later`,
  );
}
