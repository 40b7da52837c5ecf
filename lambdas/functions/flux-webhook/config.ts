/**
 * The flux-webhook Lambda's configuration, read from the environment once, at init.
 *
 * @module
 */
import { type Environment, integerEnv, optionalEnv, requiredEnv } from '../../aws/index.js';
import { DEFAULT_MAX_BODY_BYTES, type WebhookSettings } from '../../webhook/index.js';

/** The largest body a Lambda accepts (6 MiB), and so the most MAX_BODY_BYTES may say. */
const LAMBDA_PAYLOAD_LIMIT = 6_291_456;

/**
 * Reads the webhook's settings: `WEBHOOK_SECRET_ARN` (the HMAC token's secret),
 * `INCIDENT_QUEUE_URL`, `MAX_BODY_BYTES` (default 131072), `CLUSTER_NAME` (for events without
 * `cluster` metadata) and the optional `ALERTMANAGER_TOKEN_SECRET_ARN` (the `/alertmanager` route's
 * bearer token; without it that route answers 404).
 *
 * @throws {ConfigError} naming the variable that is missing or wrong
 */
export function readWebhookConfig(env: Environment): WebhookSettings {
  const clusterName = optionalEnv(env, 'CLUSTER_NAME');
  const alertmanagerSecretArn = optionalEnv(env, 'ALERTMANAGER_TOKEN_SECRET_ARN');
  return {
    keys: { secretArn: requiredEnv(env, 'WEBHOOK_SECRET_ARN') },
    queue: { url: requiredEnv(env, 'INCIDENT_QUEUE_URL') },
    maxBodyBytes: readMaxBodyBytes(env),
    ...(clusterName ? { clusterName } : {}),
    ...(alertmanagerSecretArn ? { alertmanagerToken: { secretArn: alertmanagerSecretArn } } : {}),
  };
}

/**
 * `MAX_BODY_BYTES`: a whole number of bytes from 1 to 6 MiB, default 128 KiB.
 *
 * @throws {ConfigError} for any other value
 */
export function readMaxBodyBytes(env: Environment): number {
  return integerEnv(env, 'MAX_BODY_BYTES', {
    fallback: DEFAULT_MAX_BODY_BYTES,
    min: 1,
    max: LAMBDA_PAYLOAD_LIMIT,
  });
}
