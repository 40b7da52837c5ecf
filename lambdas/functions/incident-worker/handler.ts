/**
 * The worker as a middy handler for SQS batches from each of its queues: the FIFO incident queue
 * (Powertools `SqsFifoPartialProcessorAsync` with `skipGroupOnError`, so one failed message holds
 * back only its own message group) and the standard alarm and follow-up queues (`BatchProcessor`:
 * each message alone). Each record is idempotent (Powertools Idempotency, keyed by
 * {@link idempotencyKeyOf}: the FIFO deduplication id, else an EventBridge event's id, else the
 * message id). An unparseable message is logged with its id and thrown, so SQS retries it
 * up to the queue's `maxReceiveCount` and then moves it to the dead-letter queue. A message that
 * met a busy object (`ObjectBusyError`, after waiting for it in process), and the messages of its
 * FIFO group held back behind it, are made visible again when the lease it met ends (at least
 * {@link RETRY_SOON_SECONDS}) instead of after the queue's visibility timeout.
 *
 * @module
 */
import {
  BatchProcessor,
  EventType,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
} from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  type IncidentDeps,
  ObjectBusyError,
  observeIncident,
  processIncident,
} from '../../incident-response/index.js';
import { parseIncidentInput, UnparseableMessageError } from '../../incidents/index.js';

/** Options of {@link createIncidentWorkerHandler}. */
export interface IncidentWorkerHandlerOptions {
  /** The pipeline's dependencies, built once per container (it may throw a ConfigError). */
  deps: (context: Context) => Promise<IncidentDeps> | IncidentDeps;
  logger: Logger;
  metrics?: Metrics;
  /** Powertools Idempotency's store (the state table); absent: no idempotency (local runs). */
  idempotency?: BasePersistenceLayer;
  /**
   * Makes failed records visible again after `seconds` (SQS `ChangeMessageVisibilityBatch`,
   * {@link redeliverSoon}); returns the entries SQS refused. Absent: they wait out the queue's
   * visibility timeout.
   */
  retrySoon?: (records: SQSRecord[], seconds: number) => Promise<string[]>;
}

/**
 * How soon a message that met a busy object is delivered again (plus up to 10 s of jitter), unless
 * the lease it met ends later: then when that lease ends.
 */
export const RETRY_SOON_SECONDS = 15;

/**
 * What makes two deliveries of a record the same for Powertools Idempotency: the FIFO
 * `MessageDeduplicationId` (it survives a sender's retry); else, for an EventBridge event (the
 * alarm queue's CloudWatch alarm state changes), `eventbridge:` and the event's `id`, since
 * EventBridge delivers at least once and each delivery is a new SQS message; else the message id
 * (the follow-up queue, and a body that is no event, which then fails in parsing as before).
 */
export function idempotencyKeyOf(record: SQSRecord): string {
  const deduplicationId = record.attributes.MessageDeduplicationId;
  if (deduplicationId) return deduplicationId;
  const eventId = eventBridgeIdOf(record.body);
  return eventId ? `eventbridge:${eventId}` : record.messageId;
}

/** The `id` of an EventBridge event (an object with string `id`, `source` and `detail-type`). */
function eventBridgeIdOf(body: string): string | undefined {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof event !== 'object' || event === null) return undefined;
  const { id, source, 'detail-type': detailType } = event as Record<string, unknown>;
  return typeof id === 'string' && id !== '' && typeof source === 'string' && typeof detailType === 'string'
    ? id
    : undefined;
}

/** Whether a batch comes from a FIFO queue (its ARN ends in `.fifo`). */
export function isFifoBatch(event: SQSEvent): boolean {
  return event.Records[0]?.eventSourceARN.endsWith('.fifo') === true;
}

/** The worker's SQS handler. */
export function createIncidentWorkerHandler({
  deps,
  logger,
  metrics,
  idempotency,
  retrySoon,
}: IncidentWorkerHandlerOptions): MiddyfiedHandler<SQSEvent, SQSBatchResponse, Error, Context> {
  // The key is computed in code (idempotencyKeyOf), not by a JMESPath over the record: Powertools'
  // powertools_json() throws on a body that is not JSON, which would hide the unparseable-message
  // log below. A key hashes as the JMESPath's string did, so stored records keep matching.
  const idempotencyConfig = new IdempotencyConfig({ expiresAfterSeconds: 24 * 3600 });

  const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>(
    async (event: SQSEvent, context: Context) => {
      const resolved = await deps(context);
      /** Busy message ids, with when the lease they met ends (0: unknown). */
      const busy = new Map<string, number>();
      const processRecord = async (record: SQSRecord): Promise<string> => {
        let input: ReturnType<typeof parseIncidentInput>;
        try {
          input = parseIncidentInput(record.body);
        } catch (error) {
          if (error instanceof UnparseableMessageError) {
            logger.error('incident message unparseable: left to the dead-letter queue', {
              messageId: record.messageId,
              receiveCount: record.attributes.ApproximateReceiveCount,
              reason: error.message,
            });
          }
          throw error;
        }
        let outcome: Awaited<ReturnType<typeof processIncident>>;
        try {
          outcome = await processIncident(
            input,
            { messageId: record.messageId, remainingTimeMs: () => context.getRemainingTimeInMillis() },
            resolved,
          );
        } catch (error) {
          if (error instanceof ObjectBusyError) {
            busy.set(record.messageId, error.retryAfterSeconds ?? 0);
            logger.info('object busy: delivered again soon', {
              messageId: record.messageId,
              reason: error.message,
            });
          }
          throw error;
        }
        observeIncident(outcome, { messageId: record.messageId }, metrics ? { logger, metrics } : { logger });
        return outcome.code;
      };
      const idempotentRecord = idempotency
        ? makeIdempotent((_key: string, record: SQSRecord) => processRecord(record), {
            persistenceStore: idempotency,
            config: idempotencyConfig,
            dataIndexArgument: 0,
          })
        : undefined;
      const recordHandler = idempotentRecord
        ? (record: SQSRecord) => idempotentRecord(idempotencyKeyOf(record), record)
        : processRecord;
      if (idempotency) idempotencyConfig.registerLambdaContext(context);
      const response = isFifoBatch(event)
        ? await processPartialResponse(event, recordHandler, new SqsFifoPartialProcessorAsync(), {
            context,
            skipGroupOnError: true,
            throwOnFullBatchFailure: false,
          })
        : await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
            context,
            throwOnFullBatchFailure: false,
          });
      await redeliverBusy(event, response, busy);
      return response;
    },
  ).use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }));

  /** The failed records that met a busy object, or wait behind one in their FIFO group, come back soon. */
  async function redeliverBusy(event: SQSEvent, response: SQSBatchResponse, busy: Map<string, number>) {
    if (!retrySoon || busy.size === 0) return;
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    const group = (r: SQSRecord) => r.attributes.MessageGroupId;
    const busyGroups = new Set(
      event.Records.filter((r) => busy.has(r.messageId) && group(r)).map((r) => group(r) as string),
    );
    const soon = event.Records.filter(
      (r) =>
        failed.has(r.messageId) &&
        (busy.has(r.messageId) || (group(r) !== undefined && busyGroups.has(group(r) as string))),
    );
    if (soon.length === 0) return;
    // Not before the lease they met ends: a holder still there after the wait may have crashed, and
    // three early receives would dead-letter the message before its lease runs out.
    const seconds = Math.max(RETRY_SOON_SECONDS, ...busy.values()) + Math.floor(Math.random() * 11);
    try {
      const refused = await retrySoon(soon, seconds);
      if (refused.length > 0) logger.warn('visibility change refused', { refused });
    } catch (error) {
      // They come back after the queue's visibility timeout instead: later, never lost.
      logger.warn('visibility change failed', { error: (error as Error).message });
    }
  }
  if (metrics) handler.use(logMetrics(metrics));
  return handler;
}
