/**
 * The incident-worker Lambda: consumes the FIFO incident queue (Flux events from the webhook,
 * CloudWatch alarm state changes from EventBridge) and the standard follow-up queue, confirms
 * failures against the cluster, reverts in git, asks Flux to reconcile, and alerts through SNS.
 * See docs/WORKER.md.
 *
 * @module
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientTimeouts } from '../../aws/index.js';
import {
  type ComposedIncidentDeps,
  createIncidentDeps,
  redeliverSoon,
  TTL_ATTRIBUTE,
} from '../../incident-response/index.js';
import { readIncidentWorkerConfig } from './config.js';
import { createIncidentWorkerHandler } from './handler.js';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'incident-worker';
const logger = new Logger({ serviceName });
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'fluxguard',
  serviceName,
});
const config = readIncidentWorkerConfig(process.env);

// Kept for the life of the container: the cluster connection, the GitHub client, the SDK clients.
let composed: Promise<ComposedIncidentDeps> | undefined;
function dependencies(): Promise<ComposedIncidentDeps> {
  composed ??= createIncidentDeps({
    stateTableName: config.stateTableName,
    alertTopicArn: config.alertTopicArn,
    followUpQueueUrl: config.followUpQueueUrl,
    cluster: config.cluster,
    ...(config.region ? { region: config.region } : {}),
    ...(config.githubApiUrl ? { githubApiUrl: config.githubApiUrl } : {}),
    github: { secretArn: config.githubTokenSecretArn },
    settings: config.settings,
  }).catch((error: unknown) => {
    composed = undefined;
    throw error;
  });
  return composed;
}

const idempotency = new DynamoDBPersistenceLayer({
  tableName: config.stateTableName,
  keyAttr: 'pk',
  sortKeyAttr: 'sk',
  staticPkValue: `IDEMPOTENCY#${serviceName}`,
  expiryAttr: TTL_ATTRIBUTE,
});

const sqs = new SQSClient({ ...(config.region ? { region: config.region } : {}), ...awsClientTimeouts() });

/** The Lambda handler. */
export const handler = createIncidentWorkerHandler({
  deps: async () => (await dependencies()).deps,
  logger,
  metrics,
  idempotency,
  retrySoon: (records, seconds) => redeliverSoon(sqs, records, seconds),
});
