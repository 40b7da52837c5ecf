/**
 * Alerts people act on: the alert model for one incident state change, and its renderings for
 * Amazon Q Developer in chat applications (published to SNS), Slack Block Kit and plain text. Pure:
 * no I/O, no environment.
 *
 * @example
 * ```ts
 * const alert = AlertSchema.parse(candidate);
 * await sns.publish({
 *   TopicArn: topicArn,
 *   Message: JSON.stringify(renderChatbotNotification(alert)),
 *   MessageAttributes: alertMessageAttributes(alert),
 * });
 * // a subscriber turns the notification back into the alert:
 * const same = alertFromNotification(snsRecord.Sns.Message);
 * ```
 *
 * @module
 */
export {
  ALERT_STATES,
  type Alert,
  type AlertAction,
  type AlertActionKind,
  type AlertRevision,
  AlertSchema,
  type AlertSeverity,
  type AlertState,
  type AlertTarget,
  type AlertTrigger,
  type AlertVerdict,
} from './alert.js';
export { AlertError, NotAnAlertError } from './errors.js';
