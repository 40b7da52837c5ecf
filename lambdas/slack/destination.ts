/**
 * Where alerts go in Slack, as the secret at `SLACK_SECRET_ARN` says: a Slack app's bot token and a
 * channel (threads, root message updated in place), or an incoming webhook URL (one message per
 * state change, no threads).
 *
 * @module
 */
import * as z from 'zod/mini';
import { SlackSecretError } from './errors.js';

/** A Slack app: `chat:write` (plus `chat:write.public` for public channels it has not joined). */
export interface BotTokenDestination {
  mode: 'bot-token';
  botToken: string;
  /** A channel id (`C…`, `G…`), not a name: names change, ids do not. */
  channel: string;
}

/** An incoming webhook, bound to one channel by Slack. */
export interface WebhookDestination {
  mode: 'incoming-webhook';
  webhookUrl: string;
}

/** Either way to reach Slack. */
export type SlackDestination = BotTokenDestination | WebhookDestination;

const SecretSchema = z.object({
  botToken: z.optional(z.string()),
  channel: z.optional(z.string()),
  webhookUrl: z.optional(z.string()),
});

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Reads the secret string: `{"botToken": "xoxb-…", "channel": "C…"}` or
 * `{"webhookUrl": "https://hooks.slack.com/services/…"}`. A webhook URL must be https (plain http
 * only on the loopback, for the local stand-in).
 *
 * @example
 * ```ts
 * parseSlackDestination('{"botToken":"xoxb-…","channel":"C0ALERTS"}');
 * // { mode: 'bot-token', botToken: 'xoxb-…', channel: 'C0ALERTS' }
 * ```
 * @throws {SlackSecretError} naming the field that is missing or wrong, never its value
 */
export function parseSlackDestination(secret: string): SlackDestination {
  let json: unknown;
  try {
    json = JSON.parse(secret);
  } catch {
    throw new SlackSecretError('the Slack secret is not JSON');
  }
  const parsed = SecretSchema.safeParse(json);
  if (!parsed.success) throw new SlackSecretError('the Slack secret must be a JSON object of strings');
  const { botToken, channel, webhookUrl } = parsed.data;
  if (botToken !== undefined && webhookUrl !== undefined)
    throw new SlackSecretError('the Slack secret holds both botToken and webhookUrl; keep one');
  if (botToken !== undefined) {
    if (!/^xoxb-[A-Za-z0-9-]+$/.test(botToken))
      throw new SlackSecretError('botToken in the Slack secret is not a bot token (xoxb-…)');
    if (!channel || !/^[CGD][A-Z0-9]{2,}$/.test(channel))
      throw new SlackSecretError('channel in the Slack secret must be a channel id such as C0123ABCD');
    return { mode: 'bot-token', botToken, channel };
  }
  if (webhookUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(webhookUrl);
    } catch {
      throw new SlackSecretError('webhookUrl in the Slack secret is not a URL');
    }
    const local = url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
    if (url.protocol !== 'https:' && !local)
      throw new SlackSecretError('webhookUrl in the Slack secret must be https');
    return { mode: 'incoming-webhook', webhookUrl };
  }
  throw new SlackSecretError('the Slack secret needs botToken and channel, or webhookUrl');
}
