/**
 * The one input of the incident worker: a versioned, discriminated union of everything that can
 * start or move an incident. New sources (Prometheus alerts) are new variants.
 *
 * @module
 */
import { type AlarmEvent, AlarmStateChangeEventSchema, normalizeAlarmEvent } from './alarm-event.js';
import { type AlertmanagerQueueMessage, AlertmanagerQueueMessageSchema } from './alertmanager-message.js';
import { UnparseableMessageError } from './errors.js';
import { type FluxQueueMessage, FluxQueueMessageSchema } from './flux-message.js';
import { type FollowUpMessage, FollowUpMessageSchema } from './follow-up-message.js';

/** A parsed incident-worker input, discriminated by `source`. */
export type IncidentInput =
  | { source: 'flux'; message: FluxQueueMessage }
  | { source: 'alarm'; alarm: AlarmEvent }
  | { source: 'follow-up'; followUp: FollowUpMessage }
  | { source: 'alertmanager'; alertmanager: AlertmanagerQueueMessage };

/** The sources the worker understands today. */
export const INCIDENT_SOURCES = ['flux', 'alarm', 'follow-up', 'alertmanager'] as const;

function problems(error: { issues?: Array<{ path?: PropertyKey[]; message?: string }> }): string {
  return (error.issues ?? [])
    .slice(0, 3)
    .map((i) => `${(i.path ?? []).map(String).join('.') || '(root)'}: ${i.message ?? 'invalid'}`)
    .join('; ');
}

/**
 * Parses a queue message body (or an already parsed object): the webhook's `{version: 1, source:
 * 'flux'}` message, a raw EventBridge "CloudWatch Alarm State Change" event, or the worker's own
 * `{version: 1, source: 'follow-up'}` message, or the webhook's `{version: 1, source: 'alertmanager'}`
 * message for Prometheus alerts.
 *
 * @throws {UnparseableMessageError} for anything else; the message names the problem, never values
 * @example
 * ```ts
 * const input = parseIncidentInput(record.body);
 * if (input.source === 'alarm') console.log(input.alarm.state);
 * ```
 */
export function parseIncidentInput(body: string | unknown): IncidentInput {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw new UnparseableMessageError('the message body is not JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnparseableMessageError('the message body is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  if (record.source === 'aws.cloudwatch') {
    if (record['detail-type'] !== 'CloudWatch Alarm State Change') {
      throw new UnparseableMessageError(`unsupported CloudWatch event "${String(record['detail-type'])}"`);
    }
    const parsed = AlarmStateChangeEventSchema.safeParse(value);
    if (!parsed.success)
      throw new UnparseableMessageError(`not an alarm state change: ${problems(parsed.error)}`);
    return { source: 'alarm', alarm: normalizeAlarmEvent(parsed.data) };
  }
  if (record.version !== 1) {
    throw new UnparseableMessageError(`unknown message version ${JSON.stringify(record.version ?? null)}`);
  }
  if (record.source === 'flux') {
    const parsed = FluxQueueMessageSchema.safeParse(value);
    if (!parsed.success) throw new UnparseableMessageError(`not a Flux message: ${problems(parsed.error)}`);
    return { source: 'flux', message: parsed.data as FluxQueueMessage };
  }
  if (record.source === 'follow-up') {
    const parsed = FollowUpMessageSchema.safeParse(value);
    if (!parsed.success) throw new UnparseableMessageError(`not a follow-up: ${problems(parsed.error)}`);
    return { source: 'follow-up', followUp: parsed.data };
  }
  if (record.source === 'alertmanager') {
    const parsed = AlertmanagerQueueMessageSchema.safeParse(value);
    if (!parsed.success)
      throw new UnparseableMessageError(`not an Alertmanager message: ${problems(parsed.error)}`);
    return { source: 'alertmanager', alertmanager: parsed.data };
  }
  throw new UnparseableMessageError(`unknown message source ${JSON.stringify(record.source ?? null)}`);
}
