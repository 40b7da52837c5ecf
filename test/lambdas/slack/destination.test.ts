import { describe, expect, it } from 'vitest';
import { parseSlackDestination, SlackSecretError } from '../../../lambdas/slack/index.js';
import { HOOKS, XOXB, XOXP } from '../../support/slack-tokens.js';

describe('parseSlackDestination', () => {
  it('reads a bot token and channel, or a webhook URL', () => {
    expect(parseSlackDestination(`{"botToken":"${XOXB}-1-2-abc","channel":"C0ALERTS"}`)).toEqual({
      mode: 'bot-token',
      botToken: `${XOXB}-1-2-abc`,
      channel: 'C0ALERTS',
    });
    expect(parseSlackDestination(`{"webhookUrl":"https://${HOOKS}/T0/B0/secret"}`)).toEqual({
      mode: 'incoming-webhook',
      webhookUrl: `https://${HOOKS}/T0/B0/secret`,
    });
    expect(parseSlackDestination('{"webhookUrl":"http://127.0.0.1:9999/services/T0/B0/x"}').mode).toBe(
      'incoming-webhook',
    );
  });

  it.each([
    ['not JSON', `${XOXB}-1-2-abc`, 'the Slack secret is not JSON'],
    ['a user token', `{"botToken":"${XOXP}-1-2-abc","channel":"C0ALERTS"}`, 'not a bot token'],
    ['a channel name', `{"botToken":"${XOXB}-1-2-abc","channel":"#alerts"}`, 'must be a channel id'],
    ['plain http to a remote host', `{"webhookUrl":"http://${HOOKS}/T0/B0/secret"}`, 'must be https'],
    ['both modes', `{"botToken":"${XOXB}-1-2-abc","channel":"C0A","webhookUrl":"https://x/y"}`, 'keep one'],
    ['neither', `{"token":"${XOXB}-1-2-abc"}`, 'needs botToken and channel, or webhookUrl'],
    ['numbers', '{"botToken":1}', 'a JSON object of strings'],
  ])('refuses %s, naming the field but never its value', (_name, secret, message) => {
    const error = (() => {
      try {
        parseSlackDestination(secret);
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    })();

    expect(error).toBeInstanceOf(SlackSecretError);
    expect(error.message).toContain(message);
    expect(error.message).not.toMatch(/xox[bp]-1-2-abc|secret"|hooks\.slack\.com/);
  });
});
