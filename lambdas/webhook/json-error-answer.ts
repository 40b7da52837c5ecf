/**
 * A middy middleware that turns any unexpected error into a JSON 500 in the event's own result
 * shape, logged and counted, so the webhook never answers with the platform's bare error page.
 *
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import { eventShape, toWebhookResult, type WebhookResult } from './http.js';
import { OUTCOME_METRICS } from './observe.js';

/** Options for {@link jsonErrorAnswer}. */
export interface JsonErrorAnswerOptions {
  logger: Logger;
  metrics?: Metrics;
}

/**
 * Middleware factory: its `onError` logs the error, counts it as `RequestsFailed{reason=unexpected}`
 * and answers 500. The pipeline itself never throws, so this only catches bugs and misconfiguration.
 */
export function jsonErrorAnswer({
  logger,
  metrics,
}: JsonErrorAnswerOptions): MiddlewareObj<unknown, WebhookResult> {
  return {
    onError: async (request: Request<unknown, WebhookResult>) => {
      logger.error('webhook handler failed unexpectedly', { error: request.error as Error });
      if (metrics) {
        metrics.addDimension('reason', 'unexpected');
        metrics.addMetric(OUTCOME_METRICS.failed, MetricUnit.Count, 1);
      }
      request.response = toWebhookResult(eventShape(request.event), {
        statusCode: 500,
        body: { result: 'error', reason: 'internal error' },
      });
    },
  };
}
