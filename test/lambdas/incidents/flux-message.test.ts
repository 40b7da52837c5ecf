import { describe, expect, it } from 'vitest';
import {
  classify,
  type FluxEvent,
  FluxEventSchema,
  goJsonStringify,
  normalizeFluxEvent,
} from '../../../lambdas/flux/index.js';
import {
  buildFluxQueueMessage,
  FluxQueueMessageSchema,
  messageGroupId,
  serializeFluxQueueMessage,
} from '../../../lambdas/incidents/flux-message.js';
import { fixtureJson } from '../../support/fixtures.js';

const healthCheckFailed = () => fixtureJson<FluxEvent>('flux-events/kustomization-healthcheck-failed.json');

describe('the queue message', () => {
  const make = () => {
    const raw = FluxEventSchema.parse(healthCheckFailed());
    const event = normalizeFluxEvent(raw);
    return buildFluxQueueMessage({
      id: 'e'.repeat(64),
      receivedAt: new Date('2026-08-10T09:25:04Z'),
      classification: classify(event),
      event,
      raw,
    });
  };

  it('round-trips through JSON and the exported schema, as the incident worker reads it', () => {
    // Prepare
    const message = make();

    // Act
    const parsed = FluxQueueMessageSchema.parse(JSON.parse(serializeFluxQueueMessage(message)));

    // Assess
    expect(parsed).toEqual(message);
    expect(parsed).toMatchObject({
      version: 1,
      source: 'flux',
      classification: { category: 'rollout-failed' },
    });
  });

  it('shortens only the normalized message copy when the whole would exceed the size limit', () => {
    // Prepare
    const message = make();
    message.event.message = 'x'.repeat(5000);
    message.raw.message = 'x'.repeat(5000);

    // Act
    const json = serializeFluxQueueMessage(message, 8000);

    // Assess
    const parsed = FluxQueueMessageSchema.parse(JSON.parse(json));
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(8000);
    expect(parsed.raw.message).toHaveLength(5000);
    expect(parsed.event.message).toMatch(/…\[truncated\]$/);
  });

  it.each([
    [
      { cluster: 'prod', namespace: 'apps', kind: 'Kustomization', name: 'webapp' },
      'prod/apps/Kustomization/webapp',
    ],
    [
      { cluster: 'my cluster', namespace: 'apps', kind: 'Kustomization', name: 'webapp' },
      /^my_cluster\/apps\/Kustomization\/webapp~[0-9a-f]{32}$/,
    ],
    [
      { cluster: 'c', namespace: 'n', kind: 'HelmRelease', name: 'x'.repeat(200) },
      /^c\/n\/HelmRelease\/x+~[0-9a-f]{32}$/,
    ],
  ])('groups %j as %s, within the SQS limits', (event, expected) => {
    // Prepare: the object from the table

    // Act
    const groupId = messageGroupId(event);

    // Assess
    expect(groupId.length).toBeLessThanOrEqual(128);
    expect(groupId).toMatch(/^[\x21-\x7e]+$/);
    if (typeof expected === 'string') expect(groupId).toBe(expected);
    else expect(groupId).toMatch(expected);
  });
});

describe('a queue message for an event at the body limit', () => {
  /** A signed-size event whose metadata (which anyone who can annotate a watched object controls) fills the body. */
  function eventOfBytes(bytes: number, field: 'metadata' | 'message'): { raw: FluxEvent; body: string } {
    const raw = FluxEventSchema.parse(healthCheckFailed());
    const pad = (n: number) => 'n'.repeat(Math.max(0, n));
    const build = (n: number): FluxEvent =>
      field === 'metadata'
        ? { ...raw, metadata: { ...(raw.metadata ?? {}), notes: pad(n), more: pad(n / 3) } }
        : { ...raw, message: pad(n) };
    let n = bytes;
    let body = goJsonStringify(build(n));
    while (Buffer.byteLength(body) !== bytes) {
      n += bytes - Buffer.byteLength(body);
      body = goJsonStringify(build(n));
      if (n < 0) throw new Error('cannot build the event');
    }
    return { raw: FluxEventSchema.parse(JSON.parse(body)), body };
  }

  it.each(['metadata', 'message'] as const)(
    'stays within the SQS limit when %s fills a 131,072-byte body, and still parses',
    (field) => {
      // Prepare
      const { raw } = eventOfBytes(131_072, field);
      const event = normalizeFluxEvent(raw);
      const message = buildFluxQueueMessage({
        id: 'e'.repeat(64),
        receivedAt: new Date('2026-08-10T09:25:04Z'),
        classification: classify(event),
        event,
        raw,
      });

      // Act
      const json = serializeFluxQueueMessage(message);

      // Assess
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(262_144);
      const parsed = FluxQueueMessageSchema.parse(JSON.parse(json));
      expect(parsed.event).toMatchObject({ kind: event.kind, name: event.name, reason: event.reason });
      expect(parsed.classification).toEqual(message.classification);
    },
  );

  it('never exceeds the limit it is given, whatever the sizes of message and metadata', () => {
    // Prepare: a deterministic sweep of sizes around small limits
    const raw = FluxEventSchema.parse(healthCheckFailed());
    for (const limit of [2_048, 4_096, 16_384]) {
      for (let i = 0; i < 40; i += 1) {
        const metadata: Record<string, string> = {};
        for (let k = 0; k < (i % 7) * 3; k += 1) metadata[`key-${k}`] = 'v'.repeat((i * 97 + k * 31) % 3_000);
        const withPadding = {
          ...raw,
          message: 'm'.repeat((i * 211) % 9_000),
          metadata: { ...raw.metadata, ...metadata },
        };
        const event = normalizeFluxEvent(withPadding);
        const message = buildFluxQueueMessage({
          id: 'e'.repeat(64),
          receivedAt: new Date(0),
          classification: classify(event),
          event,
          raw: withPadding,
        });

        // Act
        const json = serializeFluxQueueMessage(message, limit);

        // Assess
        expect(Buffer.byteLength(json), `limit ${limit}, case ${i}`).toBeLessThanOrEqual(limit);
        expect(FluxQueueMessageSchema.safeParse(JSON.parse(json)).success).toBe(true);
      }
    }
  });
});
