/**
 * The incident queue contract: the versioned messages that reach the incident worker (Flux events
 * from the webhook, CloudWatch alarm state changes from EventBridge, the worker's own follow-up
 * checks), the parser that tells them apart, and the queue adapter that sends them (SQS FIFO, one
 * message group per Flux object).
 *
 * ```ts
 * const message = buildFluxQueueMessage({ event, classification, body, receivedAt });
 * await queue.send(serializeFluxQueueMessage(message));
 * const input = parseIncidentInput(record.body); // { source: 'flux' | 'alarm' | 'follow-up', ... }
 * ```
 *
 * @module
 */
export {
  type AlarmEvent,
  type AlarmStateChangeEvent,
  AlarmStateChangeEventSchema,
  type AlarmStateValue,
  cloudWatchTime,
  normalizeAlarmEvent,
} from './alarm-event.js';
export {
  AlertmanagerAlertSchema,
  type AlertmanagerPayload,
  type AlertmanagerPayloadAlert,
  AlertmanagerPayloadSchema,
  type AlertmanagerQueueEntry,
  type AlertmanagerQueueMessage,
  AlertmanagerQueueMessageSchema,
  type AlertmanagerSkip,
  type AlertmanagerTranslation,
  type AlertTarget,
  alertTarget,
  FLUXGUARD_LABEL,
  HEARTBEAT_REASON,
  isAlertmanagerPayload,
  type QueuedAlert,
  TARGET_LABELS,
  TRIGGER_REASONS,
  translateAlertmanagerPayload,
} from './alertmanager-message.js';
export { IncidentsError, UnparseableMessageError } from './errors.js';
export {
  bodyDigest,
  buildFluxQueueMessage,
  type FluxQueueMessage,
  FluxQueueMessageSchema,
  MAX_SQS_MESSAGE_BYTES,
  messageGroupId,
  QueueMessageTooLargeError,
  serializeFluxQueueMessage,
} from './flux-message.js';
export {
  type FollowUpMessage,
  FollowUpMessageSchema,
  followUpMessage,
  MAX_DELAY_SECONDS,
} from './follow-up-message.js';
export { INCIDENT_SOURCES, type IncidentInput, parseIncidentInput } from './incident-message.js';
export {
  type IncidentQueue,
  LineQueue,
  QueueError,
  type QueueMessage,
  SqsIncidentQueue,
  sqsClientConfig,
} from './queue.js';
