import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lambdas/aws/index.js';
import { readSlackNotifierConfig } from '../../../../lambdas/functions/slack-notifier/config.js';

const base = {
  SLACK_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:1:secret:slack',
  STATE_TABLE_NAME: 'state',
};

describe('readSlackNotifierConfig', () => {
  it('defaults SLACK_API_URL to Slack and keeps a trailing slash', () => {
    expect(readSlackNotifierConfig(base)).toEqual({
      slackSecretArn: base.SLACK_SECRET_ARN,
      stateTableName: 'state',
      slackApiUrl: 'https://slack.com/api/',
    });
    expect(
      readSlackNotifierConfig({ ...base, SLACK_API_URL: 'https://slack.example.gov/api' }).slackApiUrl,
    ).toBe('https://slack.example.gov/api/');
    expect(
      readSlackNotifierConfig({ ...base, SLACK_API_URL: 'http://127.0.0.1:8089/api/' }).slackApiUrl,
    ).toBe('http://127.0.0.1:8089/api/');
  });

  it.each([
    [{ STATE_TABLE_NAME: 'state' }, 'SLACK_SECRET_ARN is not set'],
    [{ SLACK_SECRET_ARN: 'arn' }, 'STATE_TABLE_NAME is not set'],
    [{ ...base, SLACK_API_URL: 'http://slack.com/api/' }, 'SLACK_API_URL must be https'],
    [{ ...base, SLACK_API_URL: 'slack' }, 'SLACK_API_URL must be a URL'],
    [{ ...base, SLACK_API_URL: 'https://u:p@slack.com/api/' }, 'must not carry credentials'],
  ])('refuses %o', (env, message) => {
    expect(() => readSlackNotifierConfig(env)).toThrow(ConfigError);
    expect(() => readSlackNotifierConfig(env)).toThrow(message);
  });
});
