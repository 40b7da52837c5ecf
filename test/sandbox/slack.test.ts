import { ErrorCode, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../sandbox/index.js';
import { XOXB } from '../support/slack-tokens.js';

const TOKEN = `${XOXB}-test-token`;

describe('FakeSlack Web API, through the official @slack/web-api client', () => {
  let slack: FakeSlack;
  let web: WebClient;

  beforeEach(async () => {
    slack = new FakeSlack({ token: TOKEN, channels: { C0ALERTS: {}, C0OTHER: { member: false } } });
    await slack.start();
    web = new WebClient(TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
  });
  afterEach(() => slack.stop());

  it('posts, replies in a thread and updates, answering with Slack bodies', async () => {
    const root = await web.chat.postMessage({
      channel: 'C0ALERTS',
      text: 'root',
      blocks: [{ type: 'divider' }],
    });
    const reply = await web.chat.postMessage({ channel: 'C0ALERTS', text: 'reply', thread_ts: root.ts });
    const updated = await web.chat.update({ channel: 'C0ALERTS', ts: root.ts as string, text: 'root v2' });

    expect(root).toMatchObject({ ok: true, channel: 'C0ALERTS', ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(root.message).toMatchObject({ type: 'message', text: 'root', bot_id: 'B0FAKEBOT' });
    expect(reply.message).toMatchObject({ thread_ts: root.ts });
    expect(updated).toMatchObject({ ok: true, channel: 'C0ALERTS', ts: root.ts, text: 'root v2' });
    expect(slack.roots('C0ALERTS').map((m) => m.text)).toEqual(['root v2']);
    expect(slack.replies('C0ALERTS', root.ts as string).map((m) => m.text)).toEqual(['reply']);
    expect(slack.roots('C0ALERTS')[0]?.edits).toEqual([{ text: 'root', blocks: [{ type: 'divider' }] }]);
    expect(JSON.stringify(slack.calls)).not.toContain(TOKEN);
  });

  it.each([
    [
      'invalid_auth',
      () => new WebClient(`${XOXB}-wrong`, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      'C0ALERTS',
    ],
    ['channel_not_found', () => web, 'C0MISSING'],
    ['not_in_channel', () => web, 'C0OTHER'],
  ])('answers %s as Slack does: HTTP 200 with ok false', async (error, client, channel) => {
    await expect(client().chat.postMessage({ channel, text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error },
    });
    expect(slack.calls.at(-1)).toMatchObject({ status: 200, answer: error });
  });

  it('lets chat:write.public post to a public channel the app is not in', async () => {
    const open = new FakeSlack({
      token: TOKEN,
      channels: { C0OTHER: { member: false } },
      chatWritePublic: true,
    });
    await open.start();
    try {
      const client = new WebClient(TOKEN, { slackApiUrl: open.apiUrl, retryConfig: { retries: 0 } });
      await expect(client.chat.postMessage({ channel: 'C0OTHER', text: 'x' })).resolves.toMatchObject({
        ok: true,
      });
    } finally {
      await open.stop();
    }
  });

  it('rate-limits with HTTP 429 and Retry-After', async () => {
    slack.fail('chat.postMessage', { error: 'ratelimited', retryAfter: 7 });

    await expect(web.chat.postMessage({ channel: 'C0ALERTS', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
    expect(slack.calls.at(-1)).toMatchObject({ status: 429, answer: 'ratelimited' });
    await expect(web.chat.postMessage({ channel: 'C0ALERTS', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('refuses what Slack refuses: long text, blocks over their limits, the aggregate, updates of foreign messages', async () => {
    const tooLong = web.chat.postMessage({ channel: 'C0ALERTS', text: 'x'.repeat(40_001) });
    const header = web.chat.postMessage({
      channel: 'C0ALERTS',
      text: 'x',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
    });
    const aggregate = web.chat.postMessage({
      channel: 'C0ALERTS',
      text: 'x',
      blocks: Array.from({ length: 5 }, () => ({
        type: 'section',
        text: { type: 'mrkdwn', text: 's'.repeat(2900) },
      })),
    });
    const foreign = slack.postForeign('C0ALERTS', 'a person wrote this');

    await expect(tooLong).rejects.toMatchObject({ data: { error: 'msg_too_long' } });
    await expect(header).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(aggregate).rejects.toMatchObject({ data: { error: 'msg_blocks_too_long' } });
    await expect(web.chat.update({ channel: 'C0ALERTS', ts: foreign, text: 'x' })).rejects.toMatchObject({
      data: { error: 'cant_update_message' },
    });
    await expect(web.chat.update({ channel: 'C0ALERTS', ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
  });

  it('forces any error code once, then answers normally', async () => {
    slack.fail('chat.update', { error: 'cant_update_message' });
    const root = await web.chat.postMessage({ channel: 'C0ALERTS', text: 'x' });

    await expect(
      web.chat.update({ channel: 'C0ALERTS', ts: root.ts as string, text: 'y' }),
    ).rejects.toMatchObject({
      data: { error: 'cant_update_message' },
    });
    await expect(
      web.chat.update({ channel: 'C0ALERTS', ts: root.ts as string, text: 'y' }),
    ).resolves.toMatchObject({
      ok: true,
    });
  });
});

describe('FakeSlack incoming webhook', () => {
  let slack: FakeSlack;

  beforeEach(async () => {
    slack = new FakeSlack();
    await slack.start();
  });
  afterEach(() => slack.stop());

  const post = (url: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('answers ok in plain text and keeps the message', async () => {
    const response = await post(
      slack.webhookUrl(),
      JSON.stringify({ text: 'hello', blocks: [{ type: 'divider' }] }),
    );

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(slack.webhookPosts).toEqual([
      {
        path: '/services/T0FAKE/B0FAKE/fakewebhooksecret',
        body: { text: 'hello', blocks: [{ type: 'divider' }] },
      },
    ]);
  });

  it.each([
    ['not JSON', '{', 400, 'invalid_payload'],
    [
      'blocks over a limit',
      JSON.stringify({ text: 'x', blocks: Array(51).fill({ type: 'divider' }) }),
      400,
      'invalid_payload',
    ],
    ['no text and no blocks', JSON.stringify({}), 400, 'no_text'],
  ])('refuses %s', async (_name, body, status, answer) => {
    const response = await post(slack.webhookUrl(), body);

    expect(response.status).toBe(status);
    expect(await response.text()).toBe(answer);
    expect(slack.webhookPosts).toEqual([]);
  });

  it('answers 404 no_team for a revoked URL, and 429 with Retry-After when told to', async () => {
    const revoked = await post(slack.webhookUrl('/services/T0/B0/revoked'), JSON.stringify({ text: 'x' }));
    slack.fail('webhook', { error: 'ratelimited', retryAfter: 3 });
    const limited = await post(slack.webhookUrl(), JSON.stringify({ text: 'x' }));

    expect([revoked.status, await revoked.text()]).toEqual([404, 'no_team']);
    expect([limited.status, limited.headers.get('retry-after'), await limited.text()]).toEqual([
      429,
      '3',
      'ratelimited',
    ]);
  });
});
