/**
 * Typed errors of the Slack adapters. None of them ever carries the bot token or the webhook URL.
 *
 * @module
 */

/** Base class of every error the Slack adapters throw. */
export class SlackDeliveryError extends Error {
  override name = 'SlackDeliveryError';
}

/** The secret at `SLACK_SECRET_ARN` is not a bot-token or webhook destination; says which field, never its value. */
export class SlackSecretError extends SlackDeliveryError {
  override name = 'SlackSecretError';
}

// What an operator does about the errors a misconfigured destination gets.
const HINTS: Readonly<Record<string, string>> = {
  invalid_auth: 'the bot token in the Slack secret is wrong or revoked',
  not_authed: 'the Slack secret holds no bot token',
  account_inactive: 'the Slack app was uninstalled or its workspace deactivated',
  token_revoked: 'the bot token in the Slack secret was revoked',
  channel_not_found: 'check the channel id in the Slack secret; a private channel must invite the app',
  not_in_channel: 'invite the app to the channel, or give it the chat:write.public scope',
  is_archived: 'the channel is archived',
  missing_scope: 'the Slack app needs the chat:write scope',
  cant_update_message: 'the root message was not posted by this app',
  message_not_found: 'the root message was deleted',
  no_team: 'the webhook URL in the Slack secret is revoked or wrong',
  channel_is_archived: 'the webhook channel is archived',
  action_prohibited: 'an admin restricted posting to the webhook channel',
};

/**
 * Slack refused the call: a Web API error code (`channel_not_found`, `not_in_channel`,
 * `invalid_auth`, `msg_too_long`, `cant_update_message`, …) or an incoming webhook's plain-text
 * answer (`invalid_payload`, `no_team`, …).
 */
export class SlackApiError extends SlackDeliveryError {
  override name = 'SlackApiError';
  readonly method: string;
  readonly code: string;

  constructor(method: string, code: string, options?: ErrorOptions) {
    const hint = HINTS[code.replace(/^HTTP \d+ /, '')];
    super(`Slack ${method} failed: ${code}${hint ? ` (${hint})` : ''}`, options);
    this.method = method;
    this.code = code;
  }
}

/** Slack answered 429 for longer than the notifier may wait; SNS delivers the message again later. */
export class SlackRateLimitedError extends SlackApiError {
  override name = 'SlackRateLimitedError';
  readonly retryAfterSeconds: number;

  constructor(method: string, retryAfterSeconds: number) {
    super(method, `ratelimited (Retry-After ${retryAfterSeconds} s)`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Another delivery of the same incident is posting the thread's root message right now; this one
 * must wait for its `ts`, so it fails and SNS delivers it again later.
 */
export class SlackThreadPendingError extends SlackDeliveryError {
  override name = 'SlackThreadPendingError';
}

/** The state table refused or failed a read or write of the Slack thread record. */
export class SlackThreadStoreError extends SlackDeliveryError {
  override name = 'SlackThreadStoreError';
}
