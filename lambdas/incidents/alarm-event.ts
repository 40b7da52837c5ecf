/**
 * CloudWatch "Alarm State Change" events exactly as EventBridge delivers them (metric, metric-math
 * and composite alarms), and their normalized form. `state.reasonData` is JSON inside a string and
 * timestamps look like `2019-10-02T17:04:40.989+0000`; both are handled here once.
 *
 * Source of the shape: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 *
 * @module
 */
import * as z from 'zod/mini';

const alarmStateSchema = z.looseObject({
  value: z.string(),
  reason: z.optional(z.string()),
  reasonData: z.optional(z.string()),
  timestamp: z.string(),
  actionsSuppressedBy: z.optional(z.string()),
  actionsSuppressedReason: z.optional(z.string()),
});

/** The EventBridge envelope of a CloudWatch alarm state change; unknown fields pass through. */
export const AlarmStateChangeEventSchema = z.looseObject({
  version: z.optional(z.string()),
  id: z.string(),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.looseObject({
    alarmName: z.string(),
    state: alarmStateSchema,
    previousState: z.optional(alarmStateSchema),
    configuration: z.optional(
      z.looseObject({
        description: z.optional(z.nullable(z.string())),
        metrics: z.optional(z.array(z.looseObject({}))),
        alarmRule: z.optional(z.string()),
      }),
    ),
    alarmTags: z.optional(z.record(z.string(), z.string())),
    muteDetail: z.optional(z.looseObject({})),
  }),
});

/** An EventBridge "CloudWatch Alarm State Change" event as delivered. */
export type AlarmStateChangeEvent = z.infer<typeof AlarmStateChangeEventSchema>;

/** The alarm states CloudWatch reports. */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** An alarm state change, normalized: ISO timestamps, parsed `reasonData`, the alarm's kind. */
export interface AlarmEvent {
  /** The EventBridge event id (unique per delivery). */
  id: string;
  alarmName: string;
  alarmArn: string;
  account: string;
  region: string;
  /** `metric` (one metricStat), `metric-math` (an expression), or `composite` (an alarm rule). */
  alarmKind: 'metric' | 'metric-math' | 'composite';
  state: AlarmStateValue;
  previousState?: AlarmStateValue;
  reason: string;
  /** `state.reasonData`, parsed; `undefined` when absent or not JSON. */
  reasonData?: unknown;
  /** When the state changed (ISO 8601, UTC). */
  at: string;
  description?: string;
  /** Tags EventBridge propagated with the event (`detail.alarmTags`), when it did. */
  tags?: Record<string, string>;
  /** Set when an alarm mute rule muted the alarm's actions: the worker does not act on it. */
  muted: boolean;
}

/** `2019-10-02T17:04:40.989+0000` (CloudWatch) or any ISO 8601 string → ISO 8601 UTC; the input when unparseable. */
export function cloudWatchTime(value: string): string {
  const fixed = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(fixed);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

function stateValue(value: string): AlarmStateValue {
  return value === 'OK' || value === 'ALARM' ? value : 'INSUFFICIENT_DATA';
}

function parseJsonString(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Normalizes a parsed EventBridge alarm event.
 *
 * @example
 * ```ts
 * const alarm = normalizeAlarmEvent(AlarmStateChangeEventSchema.parse(event));
 * alarm.state; // 'ALARM'
 * ```
 */
export function normalizeAlarmEvent(event: AlarmStateChangeEvent): AlarmEvent {
  const { detail } = event;
  const configuration = detail.configuration;
  const metrics = (configuration?.metrics ?? []) as Array<Record<string, unknown>>;
  const alarmKind =
    configuration?.alarmRule !== undefined
      ? 'composite'
      : metrics.some((m) => typeof m.expression === 'string')
        ? 'metric-math'
        : 'metric';
  const alarm: AlarmEvent = {
    id: event.id,
    alarmName: detail.alarmName,
    alarmArn:
      event.resources[0] ?? `arn:aws:cloudwatch:${event.region}:${event.account}:alarm:${detail.alarmName}`,
    account: event.account,
    region: event.region,
    alarmKind,
    state: stateValue(detail.state.value),
    reason: detail.state.reason ?? '',
    at: cloudWatchTime(detail.state.timestamp),
    muted: detail.muteDetail !== undefined,
  };
  if (detail.previousState) alarm.previousState = stateValue(detail.previousState.value);
  const reasonData = parseJsonString(detail.state.reasonData);
  if (reasonData !== undefined) alarm.reasonData = reasonData;
  if (configuration?.description) alarm.description = configuration.description;
  if (detail.alarmTags) alarm.tags = { ...detail.alarmTags };
  return alarm;
}
