/**
 * `chat.postMessage` and `chat.update` through the official `@slack/web-api` client, with its own
 * retries off: the notifier decides how long a 429 may be waited out, and every other failure
 * is thrown so SNS retries the delivery.
 *
 * @module
 */
import {
  LogLevel,
  type Logger as SlackLogger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import type { SlackMessage } from '../alerts/index.js';
import { SlackApiError } from './errors.js';
import {
  DEFAULT_RATE_LIMIT_POLICY,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type RateLimitPolicy,
  RetryAfter,
  withRateLimit,
} from './rate-limit.js';

/** The two Web API methods the notifier uses. */
export interface SlackChat {
  /** Posts a message (a reply when `threadTs` is set); answers its `ts`. */
  post(channel: string, message: SlackMessage, threadTs?: string): Promise<{ ts: string }>;
  /** Replaces the text and blocks of a message the app posted. */
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
}

/** Options of {@link WebApiSlackChat}. */
export interface WebApiSlackChatOptions {
  token: string;
  /** `SLACK_API_URL`; default `https://slack.com/api/`. */
  apiUrl?: string;
  rateLimit?: RateLimitPolicy;
  /** Per-request timeout in milliseconds (default 5,000). */
  timeoutMs?: number;
}

// The client logs request URLs and, at debug level, redacted bodies; the notifier logs for itself.
const SILENT: SlackLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/**
 * {@link SlackChat} over `@slack/web-api`.
 *
 * @example
 * ```ts
 * const chat = new WebApiSlackChat({ token: destination.botToken, apiUrl: config.slackApiUrl });
 * const { ts } = await chat.post('C0ALERTS', renderSlackMessage(alert));
 * ```
 */
export class WebApiSlackChat implements SlackChat {
  readonly #client: WebClient;
  readonly #rateLimit: RateLimitPolicy;

  constructor({
    token,
    apiUrl,
    rateLimit = DEFAULT_RATE_LIMIT_POLICY,
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  }: WebApiSlackChatOptions) {
    this.#client = new WebClient(token, {
      ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
      logger: SILENT,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: timeoutMs,
      allowAbsoluteUrls: false,
    });
    this.#rateLimit = rateLimit;
  }

  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<{ ts: string }> {
    const result = await this.#call('chat.postMessage', () =>
      this.#client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
    if (typeof result.ts !== 'string') throw new SlackApiError('chat.postMessage', 'no ts in the answer');
    return { ts: result.ts };
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.#call('chat.update', () =>
      this.#client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }),
    );
  }

  #call<T>(method: string, call: () => Promise<T>): Promise<T> {
    return withRateLimit(method, this.#rateLimit, async () => {
      try {
        return await call();
      } catch (error) {
        throw translate(method, error);
      }
    });
  }
}

function translate(method: string, error: unknown): Error {
  if (error instanceof WebAPIRateLimitedError) return new RetryAfter(error.retryAfter);
  if (error instanceof WebAPIPlatformError) return new SlackApiError(method, String(error.data.error));
  if (error instanceof WebAPIHTTPError) return new SlackApiError(method, `HTTP ${error.statusCode}`);
  if (error instanceof WebAPIRequestError)
    return new SlackApiError(method, `request failed (${error.original.name})`);
  return new SlackApiError(method, 'unexpected error', { cause: error });
}
