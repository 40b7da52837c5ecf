/**
 * The one place a Slack delivery is composed from a destination, for the Lambda and the tests.
 *
 * @module
 */
import { type SlackDelivery, ThreadedSlackDelivery, WebhookSlackDelivery } from './deliver.js';
import type { SlackDestination } from './destination.js';
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
