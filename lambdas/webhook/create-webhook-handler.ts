/**
 * The middy handler around the pipeline, shared by the Lambda entry point and
 * `fluxguard webhook serve`.
 *
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { routeOf, toWebhookRequest, toWebhookResult, type WebhookResult } from './http.js';
import { jsonErrorAnswer } from './json-error-answer.js';
import { observeAlertmanagerOutcome, observeOutcome } from './observe.js';
import { processAlertmanager } from './process-alertmanager.js';
import { processWebhook, type WebhookDeps } from './process-webhook.js';

/** Options for {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** The pipeline's dependencies, or a function that builds them (it may throw, e.g. a ConfigError). */
  deps: WebhookDeps | (() => WebhookDeps);
  logger: Logger;
  /** Omit to count nothing (the local server). */
  metrics?: Metrics;
}

/**
 * The webhook as a middy handler for Function URL, HTTP API and REST proxy events: a path ending in
 * `/alertmanager` takes the Alertmanager route, every other path the Flux route.
 */
export function createWebhookHandler({
  deps,
  logger,
  metrics,
}: WebhookHandlerOptions): MiddyfiedHandler<unknown, WebhookResult, Error, Context> {
  const resolve = typeof deps === 'function' ? deps : () => deps;
  // `logEvent: false` overrides POWERTOOLS_LOGGER_LOG_EVENT, which would log every request's
  // X-Signature or Authorization header and body, rejected or not.
  const handler = middy<unknown, WebhookResult, Error, Context>(async (event: unknown) => {
    const request = toWebhookRequest(event);
    const observers = metrics ? { logger, metrics } : { logger };
    if (routeOf(request) === 'alertmanager') {
      const outcome = await processAlertmanager(request, resolve());
      observeAlertmanagerOutcome(outcome, request, observers);
      return toWebhookResult(request.shape, outcome.answer);
    }
    const outcome = await processWebhook(request, resolve());
    observeOutcome(outcome, request, observers);
    return toWebhookResult(request.shape, outcome.answer);
  }).use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }));
  if (metrics) handler.use(logMetrics(metrics));
  return handler.use(jsonErrorAnswer(metrics ? { logger, metrics } : { logger }));
}
