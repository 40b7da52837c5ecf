/**
 * Slack adapters for the slack-notifier: where alerts go (the secret's bot token and channel, or an
 * incoming webhook), the Web API and webhook clients with Slack's 429 handling, the thread record
 * in the state table, and the delivery that keeps one thread per incident with its root updated in
 * place.
 *
 * @example
 * ```ts
 * const destination = parseSlackDestination(await secrets.read(config.slackSecretArn));
 * const store = new DynamoDbSlackThreadStore({ client: dynamodb, tableName: config.stateTableName });
 * const delivery = createSlackDelivery(destination, { store, apiUrl: config.slackApiUrl });
 * await delivery.deliver(alert, record.Sns.MessageId);
 * ```
 *
 * @module
 */
export {
  createSlackDelivery,
  SecretSlackDelivery,
  type SecretSlackDeliveryOptions,
  type SlackDeliveryDeps,
} from './create-delivery.js';
export {
  type DeliveryOutcome,
  type SlackDelivery,
  ThreadedSlackDelivery,
  type ThreadedSlackDeliveryOptions,
  WEBHOOK_THREAD_CHANNEL,
  WebhookSlackDelivery,
  type WebhookSlackDeliveryOptions,
} from './deliver.js';
export {
  type BotTokenDestination,
  parseSlackDestination,
  type SlackDestination,
  type WebhookDestination,
} from './destination.js';
export {
  SlackApiError,
  SlackDeliveryError,
  SlackRateLimitedError,
  SlackSecretError,
  SlackThreadPendingError,
  SlackThreadStoreError,
} from './errors.js';
export { IncomingWebhook, type IncomingWebhookOptions, type SlackWebhook } from './incoming-webhook.js';
export { DEFAULT_RATE_LIMIT_POLICY, type RateLimitPolicy } from './rate-limit.js';
export {
  DynamoDbSlackThreadStore,
  type DynamoDbSlackThreadStoreOptions,
  type SlackThreadRecord,
  type SlackThreadStore,
  type ThreadHistoryEntry,
  type ThreadKey,
  threadItemKey,
} from './thread-store.js';
export { type SlackChat, WebApiSlackChat, type WebApiSlackChatOptions } from './web-api.js';
