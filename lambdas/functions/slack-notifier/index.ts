/**
 * The slack-notifier Lambda: subscribed to the alert SNS topic, it turns each fluxguard alert into
 * Slack messages, through a Slack app (one thread per incident, root updated in place) or an
 * incoming webhook (one message per state change), as the secret at `SLACK_SECRET_ARN` says. See
 * docs/ALERTS.md.
 *
 * @module
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientTimeouts, SecretReader } from '../../aws/index.js';
import { DynamoDbSlackThreadStore, SecretSlackDelivery, type SlackDelivery } from '../../slack/index.js';
import { readSlackNotifierConfig } from './config.js';
import { createSlackNotifierHandler } from './handler.js';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'slack-notifier' });
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'fluxguard',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'slack-notifier',
});
const dynamodb = new DynamoDBClient({ ...awsClientTimeouts() });
const secrets = new SecretReader();

let delivery: SlackDelivery | undefined;

/** Builds the delivery once per container, on the first invocation (a ConfigError fails it). */
function slackDelivery(): SlackDelivery {
  if (!delivery) {
    const config = readSlackNotifierConfig(process.env);
    delivery = new SecretSlackDelivery({
      readSecret: async () => (await secrets.read(config.slackSecretArn)) ?? '',
      store: new DynamoDbSlackThreadStore({ client: dynamodb, tableName: config.stateTableName }),
      apiUrl: config.slackApiUrl,
    });
  }
  return delivery;
}

/** The Lambda handler. */
export const handler = createSlackNotifierHandler({ delivery: slackDelivery, logger, metrics });
