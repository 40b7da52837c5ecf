/**
 * The worker as a middy handler for SQS batches from both of its queues: the FIFO incident queue
 * (Powertools `SqsFifoPartialProcessorAsync` with `skipGroupOnError`, so one failed message holds
 * back only its own message group) and the standard follow-up queue (`BatchProcessor`: each message
 * alone). Each record is idempotent (Powertools Idempotency, keyed on the FIFO deduplication id,
 * else the message id). An unparseable message is logged with its id and thrown, so SQS retries it
 * up to the queue's `maxReceiveCount` and then moves it to the dead-letter queue.
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
import { type IncidentDeps, observeIncident, processIncident } from '../../incident-response/index.js';
import { parseIncidentInput, UnparseableMessageError } from '../../incidents/index.js';

/** Options of {@link createIncidentWorkerHandler}. */
export interface IncidentWorkerHandlerOptions {
  /** The pipeline's dependencies, built once per container (it may throw a ConfigError). */
  deps: (context: Context) => Promise<IncidentDeps> | IncidentDeps;
  logger: Logger;
  metrics?: Metrics;
  /** Powertools Idempotency's store (the state table); absent: no idempotency (local runs). */
  idempotency?: BasePersistenceLayer;
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
}: IncidentWorkerHandlerOptions): MiddyfiedHandler<SQSEvent, SQSBatchResponse, Error, Context> {
  const idempotencyConfig = new IdempotencyConfig({
    // The FIFO deduplication id survives a sender's retry; the follow-up queue has only message ids.
    eventKeyJmesPath: 'attributes.MessageDeduplicationId || messageId',
    expiresAfterSeconds: 24 * 3600,
  });

  const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>(
    async (event: SQSEvent, context: Context) => {
      const resolved = await deps(context);
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
        const outcome = await processIncident(input, { messageId: record.messageId }, resolved);
        observeIncident(outcome, { messageId: record.messageId }, metrics ? { logger, metrics } : { logger });
        return outcome.code;
      };
      const recordHandler = idempotency
        ? makeIdempotent(processRecord, { persistenceStore: idempotency, config: idempotencyConfig })
        : processRecord;
      if (idempotency) idempotencyConfig.registerLambdaContext(context);
      if (isFifoBatch(event)) {
        return processPartialResponse(event, recordHandler, new SqsFifoPartialProcessorAsync(), {
          context,
          skipGroupOnError: true,
          throwOnFullBatchFailure: false,
        });
      }
      return processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      });
    },
  ).use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }));
  if (metrics) handler.use(logMetrics(metrics));
  return handler;
}
