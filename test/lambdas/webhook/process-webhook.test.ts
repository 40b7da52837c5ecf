import { describe, expect, it } from 'vitest';
import { goJsonStringify } from '../../../lambdas/flux/index.js';
import { MAX_SQS_MESSAGE_BYTES, type QueueMessage } from '../../../lambdas/incidents/index.js';
import { processWebhook, StaticKeys, signBody } from '../../../lambdas/webhook/index.js';
import { fixtureJson } from '../../support/fixtures.js';

const KEY = 'test-hmac-key';

/** A queue that refuses what SQS refuses: bodies over 256 KiB. */
function strictQueue(sent: QueueMessage[]) {
  return {
    send: async (message: QueueMessage) => {
      if (Buffer.byteLength(message.body) > MAX_SQS_MESSAGE_BYTES) throw new Error('SQS: message too long');
      sent.push(message);
      return { messageId: String(sent.length) };
    },
  };
}

describe('processWebhook at the body limit', () => {
  it('queues a signed event whose metadata fills the whole 131,072-byte body, instead of answering 503', async () => {
    // Prepare: metadata comes from annotations that anyone able to annotate a watched object controls
    const event = fixtureJson<Record<string, unknown> & { metadata: Record<string, string> }>(
      'flux-events/kustomization-healthcheck-failed.json',
    );
    let padding = 131_072;
    let body = '';
    for (let i = 0; i < 5 && Buffer.byteLength(body) !== 131_072; i += 1) {
      body = goJsonStringify({ ...event, metadata: { ...event.metadata, notes: 'n'.repeat(padding) } });
      padding += 131_072 - Buffer.byteLength(body);
    }
    expect(Buffer.byteLength(body)).toBe(131_072);
    const bytes = Buffer.from(body);
    const sent: QueueMessage[] = [];

    // Act
    const outcome = await processWebhook(
      {
        shape: 'v2',
        method: 'POST',
        path: '/',
        body: bytes,
        headers: new Map([
          ['content-type', ['application/json']],
          ['x-signature', [signBody(bytes, KEY)]],
        ]),
      },
      { keys: new StaticKeys([KEY]), maxBodyBytes: 131_072, queue: strictQueue(sent) },
    );

    // Assess
    expect(outcome.answer.statusCode).toBe(202);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]?.body ?? '{}')).toMatchObject({
      source: 'flux',
      event: { reason: 'HealthCheckFailed' },
      truncated: expect.arrayContaining(['raw.metadata']),
    });
  });
});
