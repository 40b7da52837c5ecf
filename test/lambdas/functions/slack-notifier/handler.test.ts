import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotAnAlertError } from '../../../../lambdas/alerts/index.js';
import { createSlackNotifierHandler } from '../../../../lambdas/functions/slack-notifier/handler.js';
import {
  DynamoDbSlackThreadStore,
  SecretSlackDelivery,
  SlackApiError,
  SlackSecretError,
} from '../../../../lambdas/slack/index.js';
import {
  FakeSlack,
  type LocalDynamoDb,
  startFakeAws,
  startLocalDynamoDb,
} from '../../../../sandbox/index.js';
import { fixtureJson } from '../../../support/fixtures.js';
import { XOXB } from '../../../support/slack-tokens.js';
import { captureOutput, lambdaContext } from '../../../support/webhook-requests.js';
import { exampleAlert } from '../../alerts/support/examples.js';
import { alertEvent, snsEvent } from './sns-events.js';

const TOKEN = `${XOXB}-111-222-notifiertesttoken`;
const CHANNEL = 'C0ALERTS';
const TABLE = 'fluxguard-state';

let db: LocalDynamoDb;
let slack: FakeSlack;
let output: ReturnType<typeof captureOutput>;
let tables = 0;

beforeAll(async () => {
  db = await startLocalDynamoDb();
});
afterAll(() => db.close());
beforeEach(async () => {
  slack = new FakeSlack({ token: TOKEN, channels: { [CHANNEL]: {} } });
  await slack.start();
  output = captureOutput();
});
afterEach(async () => {
  output.restore();
  await slack.stop();
});

async function handlerWith(secret: () => string) {
  tables += 1;
  const tableName = `${TABLE}-h${tables}`;
  await db.createStateTable(tableName);
  const logger = new Logger({ serviceName: 'slack-notifier', logLevel: 'INFO' });
  const metrics = new Metrics({ namespace: 'fluxguard', serviceName: 'slack-notifier' });
  const delivery = new SecretSlackDelivery({
    readSecret: async () => secret(),
    store: new DynamoDbSlackThreadStore({ client: db.client, tableName }),
    apiUrl: slack.apiUrl,
    rateLimit: { maxWaitSeconds: 0, maxAttempts: 1, sleep: async () => undefined },
  });
  const handler = createSlackNotifierHandler({ delivery, logger, metrics });
  return (event: unknown) => handler(event as never, lambdaContext());
}

const botSecret = () => JSON.stringify({ botToken: TOKEN, channel: CHANNEL });

describe('slack-notifier handler', () => {
  it('turns the published notifications of a full incident into one thread, and ignores redeliveries', async () => {
    const invoke = await handlerWith(botSecret);
    const events = [
      alertEvent(exampleAlert('failing'), 'sns-1'),
      alertEvent(exampleAlert('reverted'), 'sns-2'),
      alertEvent(exampleAlert('recovered'), 'sns-3'),
    ];

    for (const event of events) await invoke(event);
    const calls = slack.calls.length;
    for (const event of events) await invoke(event);

    const [root, ...others] = slack.roots(CHANNEL);
    expect(others).toEqual([]);
    expect(slack.replies(CHANNEL, root?.ts ?? '')).toHaveLength(2);
    expect(root?.edits).toHaveLength(2);
    expect(slack.calls.length).toBe(calls);
    expect(output.text()).toContain('"action":"posted-root"');
    expect(output.text()).toContain('"SlackDeliveries"');
  });

  it('fails on a message that is not a fluxguard alert, so it ends in the dead-letter queue', async () => {
    const invoke = await handlerWith(botSecret);
    const alarm = fixtureJson<{ Records: Array<{ Sns: { Message: string } }> }>(
      'aws-events/cloudwatch-alarm.sns.json',
    );

    await expect(invoke(snsEvent(alarm.Records[0]?.Sns.Message ?? '', 'sns-x'))).rejects.toBeInstanceOf(
      NotAnAlertError,
    );
    expect(output.text()).toContain('"SlackDeliveryFailures"');
    expect(slack.calls).toEqual([]);
  });

  it('fails on every Slack refusal and never logs the token', async () => {
    const invoke = await handlerWith(() =>
      JSON.stringify({ botToken: `${XOXB}-999-wrong-token`, channel: CHANNEL }),
    );

    await expect(invoke(alertEvent(exampleAlert('failing'), 'sns-1'))).rejects.toThrow(
      new SlackApiError('chat.postMessage', 'invalid_auth'),
    );
    expect(output.text()).toContain('alert not delivered to Slack');
    expect(output.text()).not.toContain(`${XOXB}-`);
  });

  it('posts through an incoming webhook when the secret holds one, and never logs its URL', async () => {
    const invoke = await handlerWith(() => JSON.stringify({ webhookUrl: slack.webhookUrl() }));

    await invoke(alertEvent(exampleAlert('failing'), 'sns-1'));
    await invoke(alertEvent(exampleAlert('failing'), 'sns-1'));
    slack.fail('webhook', { error: 'no_team' });
    await expect(invoke(alertEvent(exampleAlert('reverted'), 'sns-2'))).rejects.toThrow('HTTP 404 no_team');

    expect(slack.webhookPosts).toHaveLength(1);
    expect(output.text()).not.toContain('/services/');
    expect(output.text()).not.toContain('fakewebhooksecret');
  });

  it('follows the secret when it is rotated to another destination', async () => {
    let secret = JSON.stringify({ webhookUrl: slack.webhookUrl() });
    const invoke = await handlerWith(() => secret);

    await invoke(alertEvent(exampleAlert('failing'), 'sns-1'));
    secret = botSecret();
    await invoke(alertEvent(exampleAlert('reverted'), 'sns-2'));

    expect(slack.webhookPosts).toHaveLength(1);
    expect(slack.roots(CHANNEL)).toHaveLength(1);
  });

  it('refuses a secret that is not a destination, naming no value', async () => {
    const invoke = await handlerWith(() => JSON.stringify({ botToken: TOKEN }));

    await expect(invoke(alertEvent(exampleAlert('failing'), 'sns-1'))).rejects.toBeInstanceOf(
      SlackSecretError,
    );
    expect(output.text()).not.toContain(TOKEN);
  });
});

describe('slack-notifier Lambda entry', () => {
  it('reads its environment, the secret from Secrets Manager and the thread table from DynamoDB', async () => {
    const aws = await startFakeAws(botSecret());
    await db.createStateTable('fluxguard-state-entry');
    const saved = { ...process.env };
    Object.assign(process.env, {
      SLACK_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:fluxguard/slack-AbCdEf',
      STATE_TABLE_NAME: 'fluxguard-state-entry',
      SLACK_API_URL: slack.apiUrl,
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
      AWS_ENDPOINT_URL_DYNAMODB: db.url,
    });
    try {
      const { handler } = await import('../../../../lambdas/functions/slack-notifier/index.js');

      await handler(alertEvent(exampleAlert('failing'), 'sns-1'), lambdaContext());
      await handler(alertEvent(exampleAlert('recovered'), 'sns-2'), lambdaContext());

      expect(aws.calls.getSecretValue[0]?.SecretId).toBe(process.env.SLACK_SECRET_ARN);
      expect(slack.roots(CHANNEL)).toHaveLength(1);
      expect(slack.roots(CHANNEL)[0]?.text).toContain('Recovered');
      expect(db.operations).toContain('UpdateItem');
    } finally {
      await aws.close();
      process.env = saved;
    }
  });
});
