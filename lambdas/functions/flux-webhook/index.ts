/**
 * The flux-webhook Lambda: receives Flux notification-controller `generic-hmac` events through a
 * Function URL, an HTTP API or a REST API, verifies them over their raw bytes, classifies them and
 * queues them on the SQS FIFO incident queue. See docs/WEBHOOK.md.
 *
 * @module
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SecretReader } from '../../aws/secrets.js';
import { SqsIncidentQueue, sqsClientConfig } from '../../incidents/queue.js';
import { SecretsManagerKeys } from '../../webhook/keys.js';
import type { WebhookDeps } from '../../webhook/process-webhook.js';
import { readWebhookConfig } from './config.js';
import { createWebhookHandler } from './handler.js';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'flux-webhook' });
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'fluxguard',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'flux-webhook',
});

let deps: WebhookDeps | undefined;

/** Builds the dependencies once per container, on the first request (a ConfigError answers 500). */
function dependencies(): WebhookDeps {
  if (deps) return deps;
  const config = readWebhookConfig(process.env);
  // Default credential, region and endpoint resolution: AWS_ENDPOINT_URL points both at any endpoint.
  const reader = new SecretReader({ client: new SecretsManagerClient({}) });
  deps = {
    keys: new SecretsManagerKeys(reader, config.secretArn),
    queue: new SqsIncidentQueue(new SQSClient(sqsClientConfig(process.env)), config.queueUrl),
    maxBodyBytes: config.maxBodyBytes,
  };
  if (config.clusterName) deps.clusterName = config.clusterName;
  return deps;
}

/** The Lambda handler. */
export const handler = createWebhookHandler({ deps: dependencies, logger, metrics });
