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
export { type AlertAttributeName, alertMessageAttributes, type StringAttribute } from './attributes.js';
export {
  ALERT_CONTEXT_KEY,
  alertFromNotification,
  CHATBOT_BUDGET,
  CHATBOT_NOTIFICATION_BUDGET_BYTES,
  type ChatbotNotification,
  renderChatbotNotification,
  SNS_MESSAGE_LIMIT_BYTES,
  utf8Bytes,
} from './chatbot.js';
export { AlertError, NotAnAlertError } from './errors.js';
export {
  type AlertHistoryEntry,
  blockTextLength,
  renderSlackMessage,
  SLACK_BUDGET,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
  type SlackRenderOptions,
  type SlackText,
  slackLimitViolations,
} from './slack.js';
export { renderPlainText, TEXT_BUDGET } from './text.js';
export { STATE_WORDING, type StateWording, targetPath, titleLine } from './wording.js';
