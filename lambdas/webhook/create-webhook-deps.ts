import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientTimeouts, type Environment, SecretReader } from '../aws/index.js';
import { LineQueue, SqsIncidentQueue, sqsClientConfig } from '../incidents/index.js';
import { SecretsManagerKeys, StaticKeys } from './keys.js';
import type { WebhookDeps } from './process-webhook.js';
import { RecentDeliveries } from './recent-deliveries.js';

/** What the webhook needs to know, from a function's environment or the CLI's flags. */
export interface WebhookSettings {
  /** The HMAC token: its Secrets Manager secret (rotation-aware), or a fixed key for local use. */
  keys: { secretArn: string } | { key: string };
  /** Where accepted events go: the SQS FIFO incident queue, or one JSON line each to `print`. */
  queue: { url: string } | { print: (line: string) => void };
  /** The largest body accepted, in bytes. */
  maxBodyBytes: number;
  /** The cluster for events that carry no `cluster` metadata. */
  clusterName?: string;
  /**
   * The Alertmanager route's bearer token: its Secrets Manager secret (rotation-aware), or a fixed
   * token for local use. Absent: `/alertmanager` answers 404.
   */
  alertmanagerToken?: { secretArn: string } | { token: string };
}

/**
 * Builds the webhook pipeline's dependencies: the one composition shared by the Lambda and
 * `fluxguard webhook serve`. AWS clients use the SDK's default credential, region and endpoint
 * resolution, so `AWS_ENDPOINT_URL` points them at any compatible endpoint.
 *
 * @example
 * const deps = createWebhookDeps(
 *   { keys: { secretArn }, queue: { url: queueUrl }, maxBodyBytes: 131_072 },
 *   { env: process.env },
 * );
 */
export function createWebhookDeps(settings: WebhookSettings, { env }: { env: Environment }): WebhookDeps {
  let reader: SecretReader | undefined;
  const secretReader = () => {
    reader ??= new SecretReader({ client: new SecretsManagerClient({ ...awsClientTimeouts() }) });
    return reader;
  };
  const keys =
    'key' in settings.keys
      ? new StaticKeys([settings.keys.key])
      : new SecretsManagerKeys(secretReader(), settings.keys.secretArn);
  const token = settings.alertmanagerToken;
  const alertmanagerTokens =
    token === undefined
      ? undefined
      : 'token' in token
        ? new StaticKeys([token.token])
        : new SecretsManagerKeys(secretReader(), token.secretArn);
  const queue =
    'url' in settings.queue
      ? new SqsIncidentQueue(
          new SQSClient({ ...sqsClientConfig(env), ...awsClientTimeouts() }),
          settings.queue.url,
        )
      : new LineQueue(settings.queue.print);
  return {
    keys,
    queue,
    maxBodyBytes: settings.maxBodyBytes,
    ...(settings.clusterName ? { clusterName: settings.clusterName } : {}),
    ...(alertmanagerTokens ? { alertmanagerTokens, recentDeliveries: new RecentDeliveries() } : {}),
  };
}
