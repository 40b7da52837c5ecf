import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_STATES, type Alert } from '../../../lambdas/alerts/index.js';
import {
  createSlackDelivery,
  DynamoDbSlackThreadStore,
  type RateLimitPolicy,
  SlackApiError,
  type SlackDelivery,
  SlackRateLimitedError,
  SlackThreadPendingError,
} from '../../../lambdas/slack/index.js';
import { FakeSlack, type LocalDynamoDb, startLocalDynamoDb } from '../../../sandbox/index.js';
import { XOXB } from '../../support/slack-tokens.js';
import { exampleAlert, largestAlert } from '../alerts/support/examples.js';

const TOKEN = `${XOXB}-1-2-testtoken`;
const CHANNEL = 'C0ALERTS';
const TABLE = 'fluxguard-state';

let db: LocalDynamoDb;
let tableCount = 0;
beforeAll(async () => {
  db = await startLocalDynamoDb();
});
afterAll(() => db.close());

interface Setup {
  slack: FakeSlack;
  delivery: SlackDelivery;
  waits: number[];
  store: DynamoDbSlackThreadStore;
}

async function setup(mode: 'bot-token' | 'incoming-webhook'): Promise<Setup> {
  tableCount += 1;
  const tableName = `${TABLE}-${tableCount}`;
  await db.createStateTable(tableName);
  const slack = new FakeSlack({ token: TOKEN, channels: { [CHANNEL]: {} } });
  await slack.start();
  const waits: number[] = [];
  const rateLimit: RateLimitPolicy = {
    maxWaitSeconds: 10,
    maxAttempts: 3,
    sleep: async (ms) => void waits.push(ms),
  };
  const store = new DynamoDbSlackThreadStore({ client: db.client, tableName });
  const destination =
    mode === 'bot-token'
      ? ({ mode, botToken: TOKEN, channel: CHANNEL } as const)
      : ({ mode, webhookUrl: slack.webhookUrl() } as const);
  const delivery = createSlackDelivery(destination, { store, apiUrl: slack.apiUrl, rateLimit });
  return { slack, delivery, waits, store };
}

const failing = () => exampleAlert('failing');
const reverted = () => exampleAlert('reverted');
const recovered = () => exampleAlert('recovered');
const methods = (slack: FakeSlack) => slack.calls.map((c) => `${c.method} ${c.answer}`);

describe('bot token: one thread per incident, the root updated in place', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup('bot-token');
    return () => s.slack.stop();
  });

  it('a full incident (failing → reverted → recovered) makes one root, two replies and two root updates', async () => {
    const outcomes = [
      await s.delivery.deliver(failing(), 'm-1'),
      await s.delivery.deliver(reverted(), 'm-2'),
      await s.delivery.deliver(recovered(), 'm-3'),
    ];

    const [root, ...others] = s.slack.roots(CHANNEL);
    expect(others).toEqual([]);
    expect(outcomes).toEqual([
      { action: 'posted-root' },
      { action: 'replied', rootUpdated: true },
      { action: 'replied', rootUpdated: true },
    ]);
    expect(s.slack.replies(CHANNEL, root?.ts ?? '').map((m) => m.text)).toEqual([
      expect.stringContaining('Reverted in git'),
      expect.stringContaining('Recovered'),
    ]);
    expect(root?.edits.map((e) => e.text)).toEqual([
      expect.stringContaining('Rollout failing'),
      expect.stringContaining('Reverted in git'),
    ]);
    expect(root?.text).toContain('Recovered');
    expect(JSON.stringify(root?.blocks)).toContain('failing 10:00 → reverted 10:01 → recovered 10:07');
    expect(methods(s.slack)).toEqual([
      'chat.postMessage ok',
      'chat.postMessage ok',
      'chat.update ok',
      'chat.postMessage ok',
      'chat.update ok',
    ]);
  });

  it('a redelivered SNS message changes nothing', async () => {
    await s.delivery.deliver(failing(), 'm-1');
    await s.delivery.deliver(reverted(), 'm-2');
    await s.delivery.deliver(recovered(), 'm-3');
    const before = s.slack.calls.length;

    const again = [
      await s.delivery.deliver(failing(), 'm-1'),
      await s.delivery.deliver(reverted(), 'm-2'),
      await s.delivery.deliver(recovered(), 'm-3'),
    ];

    expect(s.slack.calls.length).toBe(before);
    expect(again).toEqual([
      { action: 'already-replied', rootUpdated: false },
      { action: 'already-replied', rootUpdated: false },
      { action: 'already-replied', rootUpdated: false },
    ]);
  });

  it('never moves the root back when SNS delivers out of order', async () => {
    await s.delivery.deliver(failing(), 'm-1');
    await s.delivery.deliver(recovered(), 'm-3');
    const late = await s.delivery.deliver(reverted(), 'm-2');

    const [root] = s.slack.roots(CHANNEL);
    expect(late).toEqual({ action: 'replied', rootUpdated: false });
    expect(root?.text).toContain('Recovered');
    expect(s.slack.replies(CHANNEL, root?.ts ?? '')).toHaveLength(2);
  });

  it('two first deliveries at once make one root; the loser is told to retry, then replies', async () => {
    const results = await Promise.allSettled([
      s.delivery.deliver(failing(), 'm-1'),
      s.delivery.deliver(reverted(), 'm-2'),
    ]);
    const alerts = [failing(), reverted()];
    for (const [index, result] of results.entries()) {
      if (result.status === 'fulfilled') continue;
      expect(result.reason).toBeInstanceOf(SlackThreadPendingError);
      await s.delivery.deliver(alerts[index] as Alert, `m-${index + 1}`);
    }

    const roots = s.slack.roots(CHANNEL);
    expect(roots).toHaveLength(1);
    expect(s.slack.replies(CHANNEL, roots[0]?.ts ?? '')).toHaveLength(1);
    expect(roots[0]?.text).toContain('Reverted in git');
  });

  it('a failed root update is retried on redelivery without posting the reply again', async () => {
    await s.delivery.deliver(failing(), 'm-1');
    s.slack.fail('chat.update', { error: 'cant_update_message' });

    await expect(s.delivery.deliver(reverted(), 'm-2')).rejects.toThrow(
      new SlackApiError('chat.update', 'cant_update_message'),
    );
    const retry = await s.delivery.deliver(reverted(), 'm-2');

    const [root] = s.slack.roots(CHANNEL);
    expect(retry).toEqual({ action: 'already-replied', rootUpdated: true });
    expect(s.slack.replies(CHANNEL, root?.ts ?? '')).toHaveLength(1);
    expect(root?.text).toContain('Reverted in git');
  });

  it('waits out a short Retry-After and fails on a long one, so SNS retries', async () => {
    s.slack.fail('chat.postMessage', { error: 'ratelimited', retryAfter: 2 });
    await s.delivery.deliver(failing(), 'm-1');
    s.slack.fail('chat.postMessage', { error: 'ratelimited', retryAfter: 60 });

    await expect(s.delivery.deliver(reverted(), 'm-2')).rejects.toBeInstanceOf(SlackRateLimitedError);
    await s.delivery.deliver(reverted(), 'm-2');

    expect(s.waits).toEqual([2000]);
    expect(s.slack.roots(CHANNEL)).toHaveLength(1);
    expect(s.slack.replies(CHANNEL, s.slack.roots(CHANNEL)[0]?.ts ?? '')).toHaveLength(1);
  });

  it.each(['channel_not_found', 'not_in_channel', 'invalid_auth', 'msg_too_long'])(
    'throws on %s and gives the root claim back, so the redelivery starts the thread',
    async (error) => {
      s.slack.fail('chat.postMessage', { error });

      const thrown = await s.delivery.deliver(failing(), 'm-1').catch((e: unknown) => e);
      await s.delivery.deliver(failing(), 'm-1');

      expect(thrown).toEqual(new SlackApiError('chat.postMessage', error));
      expect(String((thrown as Error).message)).not.toContain(TOKEN);
      expect(s.slack.roots(CHANNEL)).toHaveLength(1);
    },
  );

  it.each(ALERT_STATES)(
    'Slack accepts the largest realistic %s alert, as root, reply and update',
    async (state) => {
      const alert: Alert = { ...largestAlert(state), incidentId: `big-${state}` };

      await s.delivery.deliver({ ...alert, occurredAt: '2026-12-03T09:00:00Z' }, `${state}-1`);
      await s.delivery.deliver(alert, `${state}-2`);

      expect(methods(s.slack)).toEqual(['chat.postMessage ok', 'chat.postMessage ok', 'chat.update ok']);
    },
  );
});

describe('incoming webhook: one message per state change', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup('incoming-webhook');
    return () => s.slack.stop();
  });

  it('posts each state once; a redelivery posts nothing', async () => {
    const outcomes = [
      await s.delivery.deliver(failing(), 'm-1'),
      await s.delivery.deliver(reverted(), 'm-2'),
      await s.delivery.deliver(recovered(), 'm-3'),
      await s.delivery.deliver(reverted(), 'm-2'),
    ];

    expect(outcomes.map((o) => o.action)).toEqual(['posted', 'posted', 'posted', 'duplicate']);
    expect(s.slack.webhookPosts.map((p) => p.body.text?.match(/^:[a-z_]+: ([^:]+):/)?.[1])).toEqual([
      'Rollout failing',
      'Reverted in git',
      'Recovered',
    ]);
  });

  it('throws on invalid_payload without naming the URL, and records nothing', async () => {
    s.slack.fail('webhook', { error: 'invalid_payload' });

    const thrown = await s.delivery.deliver(failing(), 'm-1').catch((e: unknown) => e);
    await s.delivery.deliver(failing(), 'm-1');

    expect(thrown).toEqual(new SlackApiError('incoming webhook', 'HTTP 400 invalid_payload'));
    expect(String(thrown)).not.toContain('/services/');
    expect(s.slack.webhookPosts).toHaveLength(1);
  });

  it('waits out a 429 with Retry-After', async () => {
    s.slack.fail('webhook', { error: 'ratelimited', retryAfter: 3 });

    await s.delivery.deliver(failing(), 'm-1');

    expect(s.waits).toEqual([3000]);
    expect(s.slack.webhookPosts).toHaveLength(1);
  });
});
