/**
 * The incident queue contract: the versioned messages that reach the incident worker, and the
 * queue adapter that sends them (SQS FIFO, one message group per Flux object).
 *
 * ```ts
 * const message = buildFluxQueueMessage({ event, classification, body, receivedAt });
 * await queue.send(serializeFluxQueueMessage(message));
 * ```
 *
 * @module
 */
export {
  bodyDigest,
  buildFluxQueueMessage,
  type FluxQueueMessage,
  FluxQueueMessageSchema,
  MAX_SQS_MESSAGE_BYTES,
  messageGroupId,
  serializeFluxQueueMessage,
} from './flux-message.js';
export {
  type IncidentQueue,
  LineQueue,
  QueueError,
  type QueueMessage,
  SqsIncidentQueue,
  sqsClientConfig,
} from './queue.js';
