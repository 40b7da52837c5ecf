/**
 * Posting to a Slack incoming webhook (https://api.slack.com/messaging/webhooks): JSON in, the
 * plain text `ok` out, errors as plain-text codes with 4xx statuses. A webhook never answers the
 * message `ts`, so it can neither thread nor update.
 *
 * @module
 */
import type { SlackMessage } from '../alerts/index.js';
import { SlackApiError } from './errors.js';
import {
  DEFAULT_RATE_LIMIT_POLICY,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type RateLimitPolicy,
  RetryAfter,
  withRateLimit,
} from './rate-limit.js';

/** Posts one message to an incoming webhook. */
export interface SlackWebhook {
  send(message: SlackMessage): Promise<void>;
}

/** Options of {@link IncomingWebhook}. */
export interface IncomingWebhookOptions {
  /** The webhook URL: a secret, never logged or put in an error. */
  url: string;
  rateLimit?: RateLimitPolicy;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * {@link SlackWebhook} over `fetch`.
 *
 * @example
 * ```ts
 * await new IncomingWebhook({ url: destination.webhookUrl }).send(renderSlackMessage(alert));
 * ```
 */
export class IncomingWebhook implements SlackWebhook {
  readonly #url: string;
  readonly #rateLimit: RateLimitPolicy;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor({
    url,
    rateLimit = DEFAULT_RATE_LIMIT_POLICY,
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    fetch: fetchFn,
  }: IncomingWebhookOptions) {
    this.#url = url;
    this.#rateLimit = rateLimit;
    this.#timeoutMs = timeoutMs;
    this.#fetch = fetchFn ?? fetch;
  }

  async send(message: SlackMessage): Promise<void> {
    await withRateLimit('incoming webhook', this.#rateLimit, async () => {
      let response: Response;
      try {
        response = await this.#fetch(this.#url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify({ text: message.text, blocks: message.blocks, unfurl_links: false }),
          redirect: 'error',
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
      } catch (error) {
        // The cause would name the URL; only its kind is kept.
        throw new SlackApiError('incoming webhook', `request failed (${(error as Error).name ?? 'Error'})`);
      }
      const body = (await response.text()).trim();
      if (response.status === 429) throw new RetryAfter(retryAfter(response));
      if (response.status === 200 && body === 'ok') return;
      const code = /^[a-z_]{1,64}$/.test(body) ? body : 'unexpected answer';
      throw new SlackApiError('incoming webhook', `HTTP ${response.status} ${code}`);
    });
  }
}

function retryAfter(response: Response): number {
  const seconds = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 1;
}
