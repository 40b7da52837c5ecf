/**
 * The slack-notifier's middy handler: each SNS record is an Amazon Q Developer custom notification
 * carrying a fluxguard alert; it is delivered to Slack once per SNS message id. Any failure is
 * thrown, so SNS (through Lambda's asynchronous retries) delivers the message again and finally
 * dead-letters it.
 *
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { type Alert, alertFromNotification } from '../../alerts/index.js';
import type { SlackDelivery } from '../../slack/index.js';

/** Options of {@link createSlackNotifierHandler}. */
export interface SlackNotifierHandlerOptions {
  /** The delivery, or a function that builds it on the first invocation (it may throw a ConfigError). */
  delivery: SlackDelivery | (() => SlackDelivery);
  logger: Logger;
  metrics: Metrics;
}

/**
 * The handler. It logs the incident, state and outcome of each delivery, never the message body,
 * the token or the webhook URL.
 */
export function createSlackNotifierHandler({
  delivery,
  logger,
  metrics,
}: SlackNotifierHandlerOptions): MiddyfiedHandler<SNSEvent, void, Error, Context> {
  const resolve = typeof delivery === 'function' ? delivery : () => delivery;
  return middy<SNSEvent, void, Error, Context>(async (event: SNSEvent) => {
    for (const record of event.Records ?? []) {
      const messageId = record.Sns.MessageId;
      let alert: Alert | undefined;
      try {
        alert = alertFromNotification(record.Sns.Message);
        const outcome = await resolve().deliver(alert, messageId);
        logger.info('alert delivered to Slack', { messageId, ...about(alert), ...outcome });
        metrics.addMetric(
          outcome.action === 'duplicate' ? 'SlackDuplicates' : 'SlackDeliveries',
          MetricUnit.Count,
          1,
        );
      } catch (error) {
        const { name, message } = error as Error;
        logger.error('alert not delivered to Slack', {
          messageId,
          ...(alert ? about(alert) : {}),
          error: { name, message },
        });
        metrics.addMetric('SlackDeliveryFailures', MetricUnit.Count, 1);
        throw error;
      }
    }
  })
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(logMetrics(metrics));
}

function about(alert: Alert): Record<string, string> {
  return { incidentId: alert.incidentId, state: alert.state, cluster: alert.cluster };
}
