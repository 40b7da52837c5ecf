/**
 * The one place a Slack delivery is composed from a destination, for the Lambda and the tests.
 *
 * @module
 */
import type { Alert } from '../alerts/index.js';
import {
  type DeliveryOutcome,
  type SlackDelivery,
  ThreadedSlackDelivery,
  WebhookSlackDelivery,
} from './deliver.js';
import { parseSlackDestination, type SlackDestination } from './destination.js';
import { IncomingWebhook } from './incoming-webhook.js';
import { DEFAULT_RATE_LIMIT_POLICY, type RateLimitPolicy } from './rate-limit.js';
import type { SlackThreadStore } from './thread-store.js';
import { WebApiSlackChat } from './web-api.js';

/** What a delivery needs besides the destination. */
export interface SlackDeliveryDeps {
  store: SlackThreadStore;
  /** `SLACK_API_URL`; default `https://slack.com/api/`. */
  apiUrl?: string;
  rateLimit?: RateLimitPolicy;
  now?: () => Date;
}

/** A threaded delivery for a bot token, a one-message-per-state delivery for a webhook. */
export function createSlackDelivery(destination: SlackDestination, deps: SlackDeliveryDeps): SlackDelivery {
  const rateLimit = deps.rateLimit ?? DEFAULT_RATE_LIMIT_POLICY;
  if (destination.mode === 'incoming-webhook')
    return new WebhookSlackDelivery({
      webhook: new IncomingWebhook({ url: destination.webhookUrl, rateLimit }),
      store: deps.store,
    });
  return new ThreadedSlackDelivery({
    chat: new WebApiSlackChat({ token: destination.botToken, apiUrl: deps.apiUrl, rateLimit }),
    store: deps.store,
    channel: destination.channel,
    ...(deps.now ? { now: deps.now } : {}),
  });
}

/** Options of {@link SecretSlackDelivery}. */
export interface SecretSlackDeliveryOptions extends SlackDeliveryDeps {
  /** Reads the secret string at `SLACK_SECRET_ARN` (cached by the reader; a rotation is seen when it refreshes). */
  readSecret: () => Promise<string>;
}

/**
 * A delivery whose destination comes from the Slack secret, rebuilt when the secret's value
 * changes (a new token, another channel, a bot token instead of a webhook).
 *
 * @throws {SlackSecretError} from `deliver` when the secret is not a destination
 */
export class SecretSlackDelivery implements SlackDelivery {
  readonly #options: SecretSlackDeliveryOptions;
  #secret: string | undefined;
  #delivery: SlackDelivery | undefined;

  constructor(options: SecretSlackDeliveryOptions) {
    this.#options = options;
  }

  async deliver(alert: Alert, messageId: string): Promise<DeliveryOutcome> {
    const secret = await this.#options.readSecret();
    if (!this.#delivery || secret !== this.#secret) {
      this.#delivery = createSlackDelivery(parseSlackDestination(secret), this.#options);
      this.#secret = secret;
    }
    return this.#delivery.deliver(alert, messageId);
  }
}
