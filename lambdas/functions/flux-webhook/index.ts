/**
 * The flux-webhook Lambda: receives Flux notification-controller `generic-hmac` events through a
 * Function URL, an HTTP API or a REST API, verifies them over their raw bytes, classifies them and
 * queues them on the SQS FIFO incident queue. See docs/WEBHOOK.md.
 *
 * @module
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createWebhookDeps, createWebhookHandler, type WebhookDeps } from '../../webhook/index.js';
import { readWebhookConfig } from './config.js';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'flux-webhook' });
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'fluxguard',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'flux-webhook',
});

let deps: WebhookDeps | undefined;

/** Builds the dependencies once per container, on the first request (a ConfigError answers 500). */
function dependencies(): WebhookDeps {
  deps ??= createWebhookDeps(readWebhookConfig(process.env), { env: process.env });
  return deps;
}

/** The Lambda handler. */
export const handler = createWebhookHandler({ deps: dependencies, logger, metrics });
