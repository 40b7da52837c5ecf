/**
 * The incident-queue message for a Flux event: versioned, normalized, with the classification and
 * the raw event. The webhook writes it; the incident worker parses it with
 * {@link FluxQueueMessageSchema}.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import {
  type Classification,
  ClassificationSchema,
  type FluxEvent,
  FluxEventSchema,
  type NormalizedFluxEvent,
  NormalizedFluxEventSchema,
} from '../flux/index.js';

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
  /** What was shortened or left out to keep the message within the queue's size limit. */
  truncated: z.optional(z.array(z.string())),
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
  /**
   * What was shortened or left out to keep the message within the queue's size limit, e.g.
   * `event.message`, `raw.metadata`, `event.metadata.notes`; absent when nothing was.
   */
  truncated?: string[];
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

/** Builds the queue message. Pure. */
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

/** The message could not be brought under the size limit (only possible with a limit of a few hundred bytes). */
export class QueueMessageTooLargeError extends Error {
  override name = 'QueueMessageTooLargeError';
}

const TRUNCATED = ' …[truncated]';

/** Room each step leaves for the `truncated` list it adds to. */
const BOOKKEEPING_BYTES = 128;

/** The bytes `value` takes inside a JSON document, without its quotes. */
function jsonBytes(value: string): number {
  return Buffer.byteLength(JSON.stringify(value)) - 2;
}

/** `value` cut (at a character boundary) so it takes at most `budget` JSON bytes, with a marker. */
function cut(value: string, budget: number): string {
  const room = budget - jsonBytes(TRUNCATED);
  if (room <= 0) return '';
  let low = 0;
  let high = value.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (jsonBytes(value.slice(0, mid)) <= room) low = mid;
    else high = mid - 1;
  }
  return `${value.slice(0, low)}${TRUNCATED}`;
}

type Shrink = (message: FluxQueueMessage, excess: number) => FluxQueueMessage;

const noted = (message: FluxQueueMessage, what: string): string[] => [...(message.truncated ?? []), what];

/** 1. The normalized copy of the message; `raw.message` keeps the whole text. */
const shortenEventMessage: Shrink = (message, excess) => ({
  ...message,
  event: { ...message.event, message: cut(message.event.message, jsonBytes(message.event.message) - excess) },
  truncated: noted(message, 'event.message'),
});

/** 2. The raw copies: `raw.metadata` repeats `event.metadata`, and `raw.message` is cut like the first. */
const dropRawCopies: Shrink = (message) => ({
  ...message,
  raw: { ...message.raw, metadata: {}, message: cut(message.raw.message, jsonBytes(message.event.message)) },
  truncated: noted(message, 'raw.metadata').concat('raw.message'),
});

/** 3. The longest metadata values, longest first, each to what the excess leaves of it. */
const shortenMetadataValues: Shrink = (message, excess) => {
  const metadata = { ...message.event.metadata };
  const truncated = [...(message.truncated ?? [])];
  let remaining = excess;
  const longestFirst = Object.entries(metadata).sort(([, a], [, b]) => jsonBytes(b) - jsonBytes(a));
  for (const [key, value] of longestFirst) {
    if (remaining <= 0 || jsonBytes(value) <= 256) break;
    const shorter = cut(value, Math.max(256, jsonBytes(value) - remaining));
    remaining -= jsonBytes(value) - jsonBytes(shorter);
    metadata[key] = shorter;
    truncated.push(`event.metadata.${key}`);
  }
  return { ...message, event: { ...message.event, metadata }, truncated };
};

/** 4. Whole metadata entries, largest first. */
const dropMetadataEntries: Shrink = (message, excess) => {
  const metadata = { ...message.event.metadata };
  const truncated = [...(message.truncated ?? [])];
  let remaining = excess;
  const largestFirst = Object.entries(metadata).sort(([, a], [, b]) => jsonBytes(b) - jsonBytes(a));
  let dropped = 0;
  for (const [key, value] of largestFirst) {
    if (remaining <= 0) break;
    delete metadata[key];
    remaining -= jsonBytes(key) + jsonBytes(value) + 6;
    dropped += 1;
  }
  truncated.push(`event.metadata: ${dropped} entries left out`);
  return { ...message, event: { ...message.event, metadata }, truncated };
};

/**
 * The message as JSON, at most `limit` bytes, so SQS never refuses a valid event. When it would be
 * larger it shrinks in steps, each only as far as needed, and `truncated` lists what was cut:
 * the normalized `event.message` (the raw one keeps the text), then the raw copies of metadata and
 * message, then the longest metadata values, then whole metadata entries. The id (the sha256 of
 * the request body) still identifies the event exactly.
 *
 * @example serializeFluxQueueMessage(message) // '{"version":1,"source":"flux",…}', ≤ 262,144 bytes
 * @throws {QueueMessageTooLargeError} only when even the bare event exceeds `limit`
 */
export function serializeFluxQueueMessage(message: FluxQueueMessage, limit = MAX_SQS_MESSAGE_BYTES): string {
  let candidate = message;
  let json = JSON.stringify(candidate);
  for (const shrink of [shortenEventMessage, dropRawCopies, shortenMetadataValues, dropMetadataEntries]) {
    const excess = Buffer.byteLength(json) - limit;
    if (excess <= 0) return json;
    candidate = shrink(candidate, excess + BOOKKEEPING_BYTES);
    json = JSON.stringify(candidate);
  }
  if (Buffer.byteLength(json) <= limit) return json;
  throw new QueueMessageTooLargeError(
    `the queue message needs ${Buffer.byteLength(json)} bytes, over ${limit}`,
  );
}
