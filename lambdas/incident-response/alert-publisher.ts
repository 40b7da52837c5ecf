/**
 * Publishing alerts: one SNS message per incident state change, as an Amazon Q Developer custom
 * notification (`metadata.threadId` = incident id) with the message attributes subscription
 * filters use.
 *
 * @module
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type Alert, alertMessageAttributes, renderChatbotNotification } from '../alerts/index.js';

/** Where alerts go. */
export interface AlertPublisher {
  /** @returns the message id */
  publish(alert: Alert): Promise<string | undefined>;
}

/** The SNS `Publish` input for an alert. */
export function alertPublishInput(topicArn: string, alert: Alert) {
  return {
    TopicArn: topicArn,
    Message: JSON.stringify(renderChatbotNotification(alert)),
    MessageAttributes: alertMessageAttributes(alert),
  };
}

/**
 * {@link AlertPublisher} on an SNS topic.
 *
 * @example
 * ```ts
 * const publisher = new SnsAlertPublisher(new SNSClient({}), process.env.ALERT_TOPIC_ARN);
 * await publisher.publish(alert);
 * ```
 */
export class SnsAlertPublisher implements AlertPublisher {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async publish(alert: Alert): Promise<string | undefined> {
    const answer = await this.#client.send(new PublishCommand(alertPublishInput(this.#topicArn, alert)));
    return answer.MessageId;
  }
}
