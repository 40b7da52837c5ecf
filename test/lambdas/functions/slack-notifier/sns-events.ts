/** SNS events as Lambda receives them from the alert topic, shaped like the recorded fixture. */
import type { SNSEvent } from 'aws-lambda';
import {
  type Alert,
  alertMessageAttributes,
  renderChatbotNotification,
} from '../../../../lambdas/alerts/index.js';
import { fixtureJson } from '../../../support/fixtures.js';

const recorded = fixtureJson<SNSEvent>('aws-events/cloudwatch-alarm.sns.json');

/** The event for one published message, with its message attributes as SNS delivers them. */
export function snsEvent(
  message: string,
  messageId: string,
  attributes: Record<string, string> = {},
): SNSEvent {
  const record = structuredClone(recorded.Records[0]);
  if (!record) throw new Error('the SNS fixture has no record');
  record.Sns = {
    ...record.Sns,
    MessageId: messageId,
    TopicArn: 'arn:aws:sns:eu-central-1:111122223333:fluxguard-alerts',
    Subject: '',
    Message: message,
    MessageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [name, { Type: 'String', Value: value }]),
    ),
  };
  return { Records: [record] };
}

/** The event for an alert, published as the incident worker publishes it. */
export function alertEvent(alert: Alert, messageId: string): SNSEvent {
  const attributes = Object.fromEntries(
    Object.entries(alertMessageAttributes(alert)).map(([name, value]) => [name, value.StringValue]),
  );
  return snsEvent(JSON.stringify(renderChatbotNotification(alert)), messageId, attributes);
}
