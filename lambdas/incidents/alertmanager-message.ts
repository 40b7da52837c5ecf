/**
 * Prometheus alerts as incident inputs: the Alertmanager webhook payload (version 4) as it is
 * posted, and the incident-queue message the webhook makes of it, one per Flux object the alerts
 * name. Pure.
 *
 * Payload source: prometheus/alertmanager `notify/webhook/webhook.go` and `template/template.go`
 * (version 4, unchanged through v0.34); `notification_reason` exists from v0.32, so older
 * Alertmanagers (Debian's 0.25) omit it.
 *
 * An alert names its object through labels its rule joins in from kube-state-metrics: the labels
 * Flux puts on everything it applies (`kustomize.toolkit.fluxcd.io/name` and `/namespace`,
 * `helm.toolkit.fluxcd.io/name` and `/namespace`) become {@link TARGET_LABELS}.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { UNKNOWN_CLUSTER } from '../flux/index.js';
import { MAX_SQS_MESSAGE_BYTES, messageGroupId } from './flux-message.js';

const labelSet = z.record(z.string(), z.string());

/** One alert of a webhook notification; unknown fields pass through. */
export const AlertmanagerAlertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: z._default(labelSet, {}),
  startsAt: z.string(),
  endsAt: z.optional(z.string()),
  generatorURL: z.optional(z.string()),
  fingerprint: z.string().check(z.minLength(1)),
});

/** The Alertmanager webhook payload, version 4. `notification_reason` and `routeLabels` are optional. */
export const AlertmanagerPayloadSchema = z.looseObject({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z._default(z.int().check(z.nonnegative()), 0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: z._default(labelSet, {}),
  commonLabels: z._default(labelSet, {}),
  commonAnnotations: z._default(labelSet, {}),
  externalURL: z._default(z.string(), ''),
  notification_reason: z.optional(z.string()),
  routeLabels: z.optional(labelSet),
  alerts: z.array(AlertmanagerAlertSchema),
});

/** A parsed Alertmanager webhook payload. */
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayloadSchema>;

/** One parsed alert of a payload. */
export type AlertmanagerPayloadAlert = z.infer<typeof AlertmanagerAlertSchema>;

/**
 * Whether a parsed JSON value looks like an Alertmanager webhook payload (`version: "4"` and an
 * `alerts` list) rather than a queue message, so a tool that takes either (`fluxguard replay`) can
 * translate it first with {@link translateAlertmanagerPayload}. Validate it with
 * {@link AlertmanagerPayloadSchema}.
 *
 * @example
 * ```ts
 * const inputs = isAlertmanagerPayload(json)
 *   ? translateAlertmanagerPayload(AlertmanagerPayloadSchema.parse(json), { receivedAt: new Date() }).entries.map(
 *       ({ message }) => ({ source: 'alertmanager' as const, alertmanager: message }),
 *     )
 *   : [parseIncidentInput(json)];
 * ```
 */
export function isAlertmanagerPayload(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return record.version === '4' && Array.isArray(record.alerts) && typeof record.groupKey === 'string';
}

/** The alert label that marks an alert as meant for fluxguard; its value must be `"true"`. */
export const FLUXGUARD_LABEL = 'fluxguard';

/**
 * The alert labels that name the Flux object, per kind. The rules set them from kube-state-metrics'
 * `label_kustomize_toolkit_fluxcd_io_name` (and `_namespace`, and the helm-controller pair).
 */
export const TARGET_LABELS = {
  Kustomization: { name: 'kustomization', namespace: 'kustomization_namespace' },
  HelmRelease: { name: 'helmrelease', namespace: 'helmrelease_namespace' },
} as const;

/** The notification reasons (v0.32+) that announce alerts not notified before. */
export const TRIGGER_REASONS: readonly string[] = ['first notification', 'new alerts added'];

/** The notification reason of a resend with nothing changed: a heartbeat. */
export const HEARTBEAT_REASON = 'repeat interval elapsed';

const targetSchema = z.object({
  kind: z.enum(['Kustomization', 'HelmRelease']),
  namespace: z.string(),
  name: z.string(),
});

/** A Flux object an alert points at. */
export type AlertTarget = z.infer<typeof targetSchema>;

const queuedAlertSchema = z.object({
  fingerprint: z.string(),
  status: z.enum(['firing', 'resolved']),
  /** The rule (`alertname`). */
  alertname: z.string(),
  severity: z.optional(z.string()),
  summary: z.optional(z.string()),
  description: z.optional(z.string()),
  startsAt: z.string(),
  endsAt: z.optional(z.string()),
  /** The Prometheus graph of the rule's expression. */
  generatorURL: z.optional(z.string()),
  labels: labelSet,
  annotations: labelSet,
});

/** One alert as the worker receives it. */
export type QueuedAlert = z.infer<typeof queuedAlertSchema>;

/** The zod schema of {@link AlertmanagerQueueMessage}. */
export const AlertmanagerQueueMessageSchema = z.object({
  version: z.literal(1),
  source: z.literal('alertmanager'),
  /** sha256 over the group key, the object and each alert's fingerprint, status and start: the deduplication id. */
  id: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  receivedAt: z.string(),
  cluster: z.string(),
  target: targetSchema,
  /**
   * `firing`: alerts not notified before fire for the object (a trigger). `resolved`: alerts for
   * the object resolved and none newly fires.
   */
  status: z.enum(['firing', 'resolved']),
  /** Alertmanager's `notification_reason`, absent before v0.32. */
  notificationReason: z.optional(z.string()),
  groupKey: z.string(),
  receiver: z.string(),
  externalURL: z.string(),
  /**
   * Alerts Alertmanager left out (`truncatedAlerts`), or this message did to stay within the queue's
   * size limit: the evidence is incomplete, and never enough for a revert on its own.
   */
  omittedAlerts: z.number(),
  evidenceIncomplete: z.boolean(),
  alerts: z.array(queuedAlertSchema),
});

/** The body of an incident-queue message that came from Alertmanager. */
export type AlertmanagerQueueMessage = z.infer<typeof AlertmanagerQueueMessageSchema>;

/** A message with its FIFO group and deduplication ids, ready for the queue. */
export interface AlertmanagerQueueEntry {
  message: AlertmanagerQueueMessage;
  groupId: string;
  deduplicationId: string;
}

/** Why (part of) a payload is not queued. */
export type AlertmanagerSkip = 'heartbeat' | 'not-fluxguard' | 'no-target' | 'nothing-new';

/** What a payload becomes: messages to queue, and what was left out and why. */
export interface AlertmanagerTranslation {
  entries: AlertmanagerQueueEntry[];
  /** Alerts (by fingerprint) or the whole notification (`*`) left out, with the reason. */
  skipped: Array<{ fingerprint: string; reason: AlertmanagerSkip }>;
}

/** The Flux object an alert's labels name, or `undefined` when they name none (or two). */
export function alertTarget(labels: Readonly<Record<string, string>>): AlertTarget | undefined {
  const found = (Object.keys(TARGET_LABELS) as Array<keyof typeof TARGET_LABELS>).flatMap((kind) => {
    const name = labels[TARGET_LABELS[kind].name];
    const namespace = labels[TARGET_LABELS[kind].namespace];
    return name && namespace ? [{ kind, namespace, name }] : [];
  });
  return found.length === 1 ? found[0] : undefined;
}

function queuedAlert(alert: AlertmanagerPayloadAlert): QueuedAlert {
  const queued: QueuedAlert = {
    fingerprint: alert.fingerprint,
    status: alert.status,
    alertname: alert.labels.alertname ?? '(unnamed rule)',
    startsAt: alert.startsAt,
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
  };
  if (alert.labels.severity) queued.severity = alert.labels.severity;
  if (alert.annotations.summary) queued.summary = alert.annotations.summary;
  if (alert.annotations.description) queued.description = alert.annotations.description;
  if (alert.endsAt && !alert.endsAt.startsWith('0001-01-01')) queued.endsAt = alert.endsAt;
  if (alert.generatorURL) queued.generatorURL = alert.generatorURL;
  return queued;
}

function digest(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/** Drops alerts from the end (resolved ones first) until the message fits the queue. */
function withinLimit(message: AlertmanagerQueueMessage, limit: number): AlertmanagerQueueMessage {
  if (Buffer.byteLength(JSON.stringify(message)) <= limit) return message;
  const ordered = [
    ...message.alerts.filter((a) => a.status === 'firing'),
    ...message.alerts.filter((a) => a.status === 'resolved'),
  ];
  let kept = ordered.length;
  let candidate = message;
  while (kept > 1) {
    kept -= 1;
    candidate = {
      ...message,
      alerts: ordered.slice(0, kept),
      omittedAlerts: message.omittedAlerts + (ordered.length - kept),
      evidenceIncomplete: true,
    };
    if (Buffer.byteLength(JSON.stringify(candidate)) <= limit) return candidate;
  }
  // One alert still too large: keep only what identifies it.
  const [first] = ordered;
  if (first === undefined) return candidate;
  const bare: QueuedAlert = { ...first, labels: {}, annotations: {} };
  for (const key of ['description', 'summary'] as const) {
    if (bare[key] !== undefined) bare[key] = bare[key].slice(0, 1_000);
  }
  return { ...candidate, alerts: [bare] };
}

/**
 * Turns a notification into one queue message per Flux object that a fluxguard alert names.
 *
 * - `repeat interval elapsed`: a heartbeat, nothing is queued.
 * - Firing alerts are a trigger when `notification_reason` is absent, `first notification` or
 *   `new alerts added`; the object's message is then `firing`.
 * - Otherwise an object with resolved alerts gets a `resolved` message; one whose alerts still fire
 *   unchanged gets none (`nothing-new`).
 * - Alerts without `fluxguard="true"` or without a target are skipped.
 * - `truncatedAlerts > 0` marks every message's evidence incomplete.
 *
 * The deduplication id covers the group key, the object, and each alert's fingerprint, status and
 * start, so Alertmanager's retries of one notification are queued once.
 *
 * @example
 * ```ts
 * const { entries } = translateAlertmanagerPayload(payload, { receivedAt: new Date(), defaultCluster: 'prod' });
 * for (const { message, groupId, deduplicationId } of entries) await queue.send({ body: JSON.stringify(message), groupId, deduplicationId });
 * ```
 */
export function translateAlertmanagerPayload(
  payload: AlertmanagerPayload,
  options: { receivedAt: Date; defaultCluster?: string | undefined; limit?: number },
): AlertmanagerTranslation {
  const reason = payload.notification_reason;
  if (reason === HEARTBEAT_REASON) {
    return { entries: [], skipped: [{ fingerprint: '*', reason: 'heartbeat' }] };
  }
  const trigger = reason === undefined || TRIGGER_REASONS.includes(reason);
  const skipped: AlertmanagerTranslation['skipped'] = [];
  const byTarget = new Map<
    string,
    { target: AlertTarget; cluster: string; alerts: AlertmanagerPayloadAlert[] }
  >();
  for (const alert of payload.alerts) {
    if (alert.labels[FLUXGUARD_LABEL] !== 'true') {
      skipped.push({ fingerprint: alert.fingerprint, reason: 'not-fluxguard' });
      continue;
    }
    const target = alertTarget(alert.labels);
    if (target === undefined) {
      skipped.push({ fingerprint: alert.fingerprint, reason: 'no-target' });
      continue;
    }
    const cluster = alert.labels.cluster || options.defaultCluster || UNKNOWN_CLUSTER;
    const key = `${cluster}\n${target.kind}\n${target.namespace}\n${target.name}`;
    const entry = byTarget.get(key) ?? { target, cluster, alerts: [] };
    entry.alerts.push(alert);
    byTarget.set(key, entry);
  }

  const entries: AlertmanagerQueueEntry[] = [];
  for (const { target, cluster, alerts } of byTarget.values()) {
    const firing = alerts.some((a) => a.status === 'firing');
    const resolved = alerts.some((a) => a.status === 'resolved');
    const status = firing && trigger ? 'firing' : resolved ? 'resolved' : undefined;
    if (status === undefined) {
      for (const alert of alerts) skipped.push({ fingerprint: alert.fingerprint, reason: 'nothing-new' });
      continue;
    }
    const id = digest([
      payload.groupKey,
      cluster,
      target.kind,
      target.namespace,
      target.name,
      status,
      ...alerts.map((a) => `${a.fingerprint}:${a.status}:${a.startsAt}`).sort(),
    ]);
    const message: AlertmanagerQueueMessage = {
      version: 1,
      source: 'alertmanager',
      id,
      receivedAt: options.receivedAt.toISOString(),
      cluster,
      target,
      status,
      groupKey: payload.groupKey,
      receiver: payload.receiver,
      externalURL: payload.externalURL,
      omittedAlerts: payload.truncatedAlerts,
      evidenceIncomplete: payload.truncatedAlerts > 0,
      alerts: alerts.map(queuedAlert),
    };
    if (reason !== undefined) message.notificationReason = reason;
    entries.push({
      message: withinLimit(message, options.limit ?? MAX_SQS_MESSAGE_BYTES),
      groupId: messageGroupId({ cluster, ...target }),
      deduplicationId: id,
    });
  }
  return { entries, skipped };
}
