/**
 * The webhook pipeline: method → content type → size → signature → JSON → Flux event → classify →
 * queue. It returns an {@link WebhookOutcome}; logging and metrics are the caller's (see
 * `observe.ts`), and the only I/O is through the injected keys and queue.
 *
 * @module
 */
import { parse } from '@aws-lambda-powertools/parser';
import {
  type Classification,
  classify,
  FluxEventSchema,
  ignoreReason,
  type NormalizedFluxEvent,
  normalizeFluxEvent,
} from '../flux/index.js';
import type { IncidentQueue } from '../incidents/index.js';
import {
  bodyDigest,
  buildFluxQueueMessage,
  messageGroupId,
  serializeFluxQueueMessage,
} from '../incidents/index.js';
import type { WebhookAnswer, WebhookRequest } from './http.js';
import type { KeyVersion, SigningKeys } from './keys.js';
import type { RecentDeliveries } from './recent-deliveries.js';
import { parseSignatureHeader, SIGNATURE_HEADER } from './signature.js';

/** The default `MAX_BODY_BYTES`: 128 KiB, far above any Flux event and within SQS's message limit. */
export const DEFAULT_MAX_BODY_BYTES = 131_072;

/** What the pipeline needs. */
export interface WebhookDeps {
  keys: SigningKeys;
  /** The Alertmanager route's bearer token; without it `/alertmanager` answers 404. */
  alertmanagerTokens?: SigningKeys;
  /** Ids the Alertmanager route queued lately, so an unchanged resend is not queued again. */
  recentDeliveries?: RecentDeliveries;
  queue: IncidentQueue;
  /** Bodies larger than this are answered 413 (`MAX_BODY_BYTES`). */
  maxBodyBytes: number;
  /** The cluster for events without `cluster` metadata (`CLUSTER_NAME`). */
  clusterName?: string;
  /** The clock, for tests. */
  now?: () => Date;
}

/**
 * - `queued`: 202, the event is on the queue.
 * - `ignored`: 200, a valid, signed event that is deliberately not queued.
 * - `rejected`: 4xx, the request is wrong; Flux does not retry.
 * - `failed`: 5xx, fluxguard could not take the event now; Flux retries.
 */
export type OutcomeKind = 'queued' | 'ignored' | 'rejected' | 'failed';

/** What happened to one request. Carries nothing from a rejected body, nor any signature or key. */
export interface WebhookOutcome {
  kind: OutcomeKind;
  /** A short machine reason (`bad-signature`, `rollout-failed`, …): the metric dimension. */
  code: string;
  answer: WebhookAnswer;
  /** The event, once signature and schema are valid. */
  event?: NormalizedFluxEvent;
  classification?: Classification;
  keyVersion?: KeyVersion;
  /** sha256 of the body: the queue's deduplication id. */
  key?: string;
  groupId?: string;
  messageId?: string;
  /** The error behind a `failed` outcome, for the log. */
  error?: unknown;
}

/** A 4xx outcome: the request is wrong, the sender should not retry. */
export function reject(
  statusCode: number,
  code: string,
  reason: string,
  headers?: Record<string, string>,
): WebhookOutcome {
  const answer: WebhookAnswer = { statusCode, body: { result: 'rejected', reason } };
  if (headers) answer.headers = headers;
  return { kind: 'rejected', code, answer };
}

/** A 503 outcome: fluxguard cannot take the request now, the sender retries. */
export function fail(code: string, reason: string, error: unknown): WebhookOutcome {
  return { kind: 'failed', code, answer: { statusCode: 503, body: { result: 'error', reason } }, error };
}

/** Whether a Content-Type names JSON: `application/json` or `application/<x>+json`, any parameters. */
export function isJsonContentType(values: readonly string[] | undefined): boolean {
  if (values === undefined || values.length !== 1) return false;
  const media = (values[0] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(media);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The body as UTF-8 JSON, or `ok: false`. */
export function parseJson(body: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(utf8.decode(body)) };
  } catch {
    return { ok: false };
  }
}

/** The first three schema problems by path, never the values. */
export function issuesSummary(cause: unknown, what = 'the Flux event schema'): string {
  if (!Array.isArray(cause)) return `does not match ${what}`;
  return cause
    .slice(0, 3)
    .map((issue: { path?: PropertyKey[]; message?: string }) => {
      const path = (issue.path ?? []).map(String).join('.') || '(root)';
      return `${path}: ${issue.message ?? 'invalid'}`;
    })
    .join('; ');
}

/**
 * What both webhook routes ask of a request before reading it: a POST with a JSON body no larger
 * than `maxBodyBytes`. The rejection to answer, or `undefined` when the request fits.
 */
export function rejectUnlessJsonPost(
  request: WebhookRequest,
  maxBodyBytes: number,
): WebhookOutcome | undefined {
  if (request.method !== 'POST')
    return reject(405, 'method-not-allowed', 'only POST is allowed', { allow: 'POST' });
  if (!isJsonContentType(request.headers.get('content-type'))) {
    return reject(415, 'unsupported-media-type', 'Content-Type must be application/json');
  }
  if (request.body.length > maxBodyBytes) {
    return reject(413, 'payload-too-large', `body is larger than ${maxBodyBytes} bytes`);
  }
  return undefined;
}

/** Runs one request through the pipeline. Never throws. */
export async function processWebhook(request: WebhookRequest, deps: WebhookDeps): Promise<WebhookOutcome> {
  if (request.shape === 'unknown') {
    return reject(400, 'not-http', 'not a Function URL, HTTP API or REST API event');
  }
  const unfit = rejectUnlessJsonPost(request, deps.maxBodyBytes);
  if (unfit) return unfit;

  const header = parseSignatureHeader(request.headers.get(SIGNATURE_HEADER));
  if (!header.ok) return reject(401, header.code, header.reason);
  let keyVersion: KeyVersion | undefined;
  try {
    keyVersion = await deps.keys.verify(request.body, header.signature);
  } catch (error) {
    return fail('secret-unavailable', 'the signing key could not be read; retry later', error);
  }
  if (keyVersion === undefined) return reject(401, 'bad-signature', 'signature does not match');

  if (request.body.length === 0) return reject(400, 'empty-body', 'body is empty');
  const json = parseJson(request.body);
  if (!json.ok) return reject(400, 'invalid-json', 'body is not valid UTF-8 JSON');
  const parsed = parse(json.value, undefined, FluxEventSchema, true);
  if (!parsed.success) {
    return reject(400, 'invalid-event', `not a Flux event: ${issuesSummary(parsed.error.cause)}`);
  }

  const raw = parsed.data;
  const event = normalizeFluxEvent(raw, { defaultCluster: deps.clusterName });
  const key = bodyDigest(request.body);
  const ignored = ignoreReason(event);
  if (ignored !== undefined) {
    return {
      kind: 'ignored',
      code: 'ignored',
      answer: { statusCode: 200, body: { result: 'ignored', reason: ignored } },
      event,
      keyVersion,
      key,
    };
  }

  const classification = classify(event);
  const groupId = messageGroupId(event);
  const message = buildFluxQueueMessage({
    id: key,
    receivedAt: deps.now?.() ?? new Date(),
    classification,
    event,
    raw,
  });
  const common = { event, classification, keyVersion, key, groupId };
  let messageId: string | undefined;
  try {
    ({ messageId } = await deps.queue.send({
      body: serializeFluxQueueMessage(message),
      groupId,
      deduplicationId: key,
    }));
  } catch (error) {
    return { ...fail('queue-failed', 'the event could not be queued; retry later', error), ...common };
  }
  const outcome: WebhookOutcome = {
    kind: 'queued',
    code: classification.category,
    answer: {
      statusCode: 202,
      body: { result: 'queued', key, group: groupId, category: classification.category },
    },
    ...common,
  };
  if (messageId !== undefined) outcome.messageId = messageId;
  return outcome;
}
