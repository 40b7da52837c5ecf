/**
 * The webhook's configuration, read from the environment. Pure.
 *
 * @module
 */
import { DEFAULT_MAX_BODY_BYTES } from '../../webhook/process-webhook.js';

/** The environment is missing or has a wrong value; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The webhook Lambda's settings. */
export interface WebhookConfig {
  /** `WEBHOOK_SECRET_ARN`: the Secrets Manager secret holding the HMAC token. */
  secretArn: string;
  /** `INCIDENT_QUEUE_URL`: the SQS FIFO incident queue. */
  queueUrl: string;
  /** `MAX_BODY_BYTES` (default 131072). */
  maxBodyBytes: number;
  /** `CLUSTER_NAME`: the cluster for events without `cluster` metadata. */
  clusterName?: string;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is not set`);
  return value;
}

/** Reads the max body size: a whole number of bytes from 1 to 6 MiB (the Lambda payload limit). */
export function maxBodyBytes(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_BODY_BYTES;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value < 1 || value > 6_291_456) {
    throw new ConfigError(`MAX_BODY_BYTES must be a whole number of bytes from 1 to 6291456, got "${raw}"`);
  }
  return value;
}

/**
 * Reads {@link WebhookConfig} from `env`.
 *
 * @throws {ConfigError} when a required variable is missing or a value is invalid
 */
export function readWebhookConfig(env: NodeJS.ProcessEnv): WebhookConfig {
  const config: WebhookConfig = {
    secretArn: required(env, 'WEBHOOK_SECRET_ARN'),
    queueUrl: required(env, 'INCIDENT_QUEUE_URL'),
    maxBodyBytes: maxBodyBytes(env.MAX_BODY_BYTES),
  };
  const cluster = env.CLUSTER_NAME?.trim();
  if (cluster) config.clusterName = cluster;
  return config;
}
