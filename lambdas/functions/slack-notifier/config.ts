/**
 * The slack-notifier Lambda's configuration, read from the environment once, at the first
 * invocation.
 *
 * @module
 */
import { ConfigError, type Environment, optionalEnv, requiredEnv } from '../../aws/index.js';

/** What the notifier needs to know. */
export interface SlackNotifierConfig {
  /** Secrets Manager secret: `{"botToken","channel"}` or `{"webhookUrl"}`. */
  slackSecretArn: string;
  /** The state table holding the Slack thread records. */
  stateTableName: string;
  /** The Slack Web API base URL, ending in `/`. */
  slackApiUrl: string;
}

/** Slack's public Web API. */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Reads `SLACK_SECRET_ARN`, `STATE_TABLE_NAME` and `SLACK_API_URL` (default
 * `https://slack.com/api/`; https, or plain http on the loopback for a local stand-in).
 *
 * @throws {ConfigError} naming the variable that is missing or wrong
 */
export function readSlackNotifierConfig(env: Environment): SlackNotifierConfig {
  return {
    slackSecretArn: requiredEnv(env, 'SLACK_SECRET_ARN'),
    stateTableName: requiredEnv(env, 'STATE_TABLE_NAME'),
    slackApiUrl: readSlackApiUrl(env),
  };
}

function readSlackApiUrl(env: Environment): string {
  const raw = optionalEnv(env, 'SLACK_API_URL') ?? DEFAULT_SLACK_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`SLACK_API_URL must be a URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new ConfigError(`SLACK_API_URL must be https (plain http only on the loopback), got "${raw}"`);
  if (url.username || url.password || url.search || url.hash)
    throw new ConfigError('SLACK_API_URL must not carry credentials, a query or a fragment');
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
