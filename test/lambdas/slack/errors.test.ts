import { describe, expect, it } from 'vitest';
import { SlackApiError, SlackRateLimitedError } from '../../../lambdas/slack/index.js';

describe('SlackApiError', () => {
  it.each([
    [
      'chat.postMessage',
      'not_in_channel',
      'invite the app to the channel, or give it the chat:write.public scope',
    ],
    ['chat.postMessage', 'invalid_auth', 'the bot token in the Slack secret is wrong or revoked'],
    ['incoming webhook', 'HTTP 404 no_team', 'the webhook URL in the Slack secret is revoked or wrong'],
  ])('says what to do about %s %s', (method, code, hint) => {
    const error = new SlackApiError(method, code);

    expect(error.message).toBe(`Slack ${method} failed: ${code} (${hint})`);
    expect(error.code).toBe(code);
  });

  it('says only the code when there is nothing to add', () => {
    expect(new SlackApiError('chat.update', 'edit_window_closed').message).toBe(
      'Slack chat.update failed: edit_window_closed',
    );
    expect(new SlackRateLimitedError('chat.update', 30).message).toBe(
      'Slack chat.update failed: ratelimited (Retry-After 30 s)',
    );
  });
});
