/**
 * The incident-queue message for a Flux event: versioned, normalized, with the classification and
 * the raw event. The webhook writes it; the incident worker parses it with
 * {@link FluxQueueMessageSchema}.
 *
 * @module
 */
import { createHash } from 'node:crypto';
// zod/mini: the same schemas, tree-shakable and cheap to build at import (see docs/WEBHOOK.md).
import * as z from 'zod/mini';
import { type Classification, ClassificationSchema } from '../flux/classification.js';
import {
  type FluxEvent,
  FluxEventSchema,
  type NormalizedFluxEvent,
  NormalizedFluxEventSchema,
} from '../flux/flux-event.js';

/** The zod schema of {@link FluxQueueMessage}; `version` and `source` discriminate future formats. */
export const FluxQueueMessageSchema = z.object({
  version: z.literal(1),
  source: z.literal('flux'),
  /** sha256 of the raw request body, hex: the SQS deduplication id, stable across Flux retries. */
  id: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  /** When the webhook received the event (ISO 8601). */
  receivedAt: z.string(),
  classification: ClassificationSchema,
  event: NormalizedFluxEventSchema,
  raw: FluxEventSchema,
});

/** The body of an incident-queue message that came from a Flux webhook. */
export interface FluxQueueMessage {
  version: 1;
  source: 'flux';
  id: string;
  receivedAt: string;
  classification: Classification;
  event: NormalizedFluxEvent;
  /** The event exactly as parsed from the request, unknown fields included. */
  raw: FluxEvent;
}

/** sha256 of the exact request bytes, lower-case hex. */
export function bodyDigest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

// SQS: at most 128 characters, alphanumerics and ASCII punctuation.
const GROUP_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The SQS FIFO `MessageGroupId`: `cluster/namespace/kind/name`, so events for one object are
 * processed in order and different objects in parallel. When that is longer than 128 characters or
 * holds characters SQS refuses, a readable prefix plus a sha256 of the full key is used instead.
 */
export function messageGroupId(
  event: Pick<NormalizedFluxEvent, 'cluster' | 'namespace' | 'kind' | 'name'>,
): string {
  const key = `${event.cluster}/${event.namespace}/${event.kind}/${event.name}`;
  if (GROUP_ID.test(key)) return key;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${key.replace(/[^\x21-\x7e]/g, '_').slice(0, 95)}~${hash}`;
}

/** Builds the queue message. Pure apart from reading nothing: every input is a parameter. */
export function buildFluxQueueMessage(input: {
  id: string;
  receivedAt: Date;
  classification: Classification;
  event: NormalizedFluxEvent;
  raw: FluxEvent;
}): FluxQueueMessage {
  return {
    version: 1,
    source: 'flux',
    id: input.id,
    receivedAt: input.receivedAt.toISOString(),
    classification: input.classification,
    event: input.event,
    raw: input.raw,
  };
}

/** SQS's classic message size limit; messages are kept under it so any SQS-compatible queue takes them. */
export const MAX_SQS_MESSAGE_BYTES = 262_144;

/**
 * The message as JSON, at most `limit` bytes: when it would be larger, the normalized
 * `event.message` (a copy of `raw.message`) is shortened first, so nothing is lost.
 */
export function serializeFluxQueueMessage(message: FluxQueueMessage, limit = MAX_SQS_MESSAGE_BYTES): string {
  const json = JSON.stringify(message);
  const size = Buffer.byteLength(json);
  if (size <= limit) return json;
  const keep = Math.max(0, message.event.message.length - (size - limit) - 64);
  const note = ' …[truncated; see raw.message]';
  return JSON.stringify({
    ...message,
    event: { ...message.event, message: `${message.event.message.slice(0, keep)}${note}` },
  });
}
