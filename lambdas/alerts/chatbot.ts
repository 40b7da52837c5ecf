/**
 * The Amazon Q Developer in chat applications (formerly AWS Chatbot) custom notification of an
 * alert, which the incident worker publishes to SNS, and the way back from it to the alert.
 * Format: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 *
 * @module
 */
import { type Alert, AlertSchema } from './alert.js';
import { NotAnAlertError } from './errors.js';
import {
  clip,
  codeText,
  duration,
  inlineCode,
  link,
  mrkdwn,
  STATE_WORDING,
  shortSha,
  targetPath,
  titleLine,
  utcTime,
} from './wording.js';

/** An Amazon Q Developer custom notification, as published to SNS. */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType?: 'client-markdown';
    title?: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata?: {
    threadId?: string;
    summary?: string;
    eventType?: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

/** SNS refuses messages over 256 KiB, and a topic Amazon Q Developer subscribes to stays at that. */
export const SNS_MESSAGE_LIMIT_BYTES = 262_144;

/**
 * What a notification may weigh, in UTF-8 bytes of its JSON: the SNS limit less room for the
 * message attributes, which count towards it.
 */
export const CHATBOT_NOTIFICATION_BUDGET_BYTES = 250_000;

/**
 * Amazon Q Developer publishes no per-field limits, and renders into Slack, so Slack's limits bind
 * first: the title fits a header, the description one section.
 */
export const CHATBOT_BUDGET = {
  title: 150,
  description: 3000,
  nextStep: 300,
  nextSteps: 10,
  evidenceLines: 10,
  triggerMessage: 600,
} as const;

/** The key of `metadata.additionalContext` that carries the alert as compact JSON. */
export const ALERT_CONTEXT_KEY = 'alert';

/**
 * Renders the custom notification: title and markdown description, next steps (action links, then
 * commands), keywords, `metadata.threadId` = the incident id (Amazon Q Developer threads updates
 * when the channel allows it), and the alert itself as compact JSON in
 * `metadata.additionalContext.alert`, so a subscriber can render it again with
 * {@link alertFromNotification}. The JSON is always under {@link CHATBOT_NOTIFICATION_BUDGET_BYTES}:
 * when the alert is too large, its longest texts and lists are cut in the embedded copy.
 *
 * @example
 * ```ts
 * await sns.send(new PublishCommand({
 *   TopicArn,
 *   Message: JSON.stringify(renderChatbotNotification(alert)),
 *   MessageAttributes: alertMessageAttributes(alert),
 * }));
 * ```
 */
export function renderChatbotNotification(alert: Alert): ChatbotNotification {
  const wording = STATE_WORDING[alert.state];
  const notification: ChatbotNotification = {
    version: '1.0',
    source: 'custom',
    id: `${alert.incidentId}/${alert.state}/${alert.occurredAt}`.slice(0, 256),
    content: {
      textType: 'client-markdown',
      title: clip(`${wording.emoji} ${mrkdwn(titleLine(alert))}`, CHATBOT_BUDGET.title),
      description: description(alert),
      nextSteps: nextSteps(alert),
      keywords: [alert.environment, alert.cluster, alert.state, alert.severity, alert.target.kind].map((k) =>
        clip(k, 50),
      ),
    },
    metadata: {
      threadId: alert.incidentId,
      summary: clip(titleLine(alert), 300),
      eventType: `fluxguard.${alert.state}`,
      relatedResources: relatedResources(alert),
      additionalContext: {
        incidentId: alert.incidentId,
        state: alert.state,
        severity: alert.severity,
        cluster: alert.cluster,
        environment: alert.environment,
        target: targetPath(alert),
        [ALERT_CONTEXT_KEY]: '',
      },
    },
  };
  const context = notification.metadata?.additionalContext as Record<string, string>;
  const fixed = utf8Bytes(JSON.stringify(notification));
  context[ALERT_CONTEXT_KEY] = embeddedAlert(alert, CHATBOT_NOTIFICATION_BUDGET_BYTES - fixed);
  return notification;
}

/**
 * The alert carried by a notification that {@link renderChatbotNotification} made: the SNS
 * `Message` a subscriber received.
 *
 * @throws {NotAnAlertError} when the body is not JSON, not a custom notification, carries no alert,
 * or an alert that does not match the model
 */
export function alertFromNotification(body: string): Alert {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new NotAnAlertError('the message is not JSON');
  }
  if (!isRecord(parsed) || parsed.version !== '1.0' || parsed.source !== 'custom')
    throw new NotAnAlertError('the message is not an Amazon Q Developer custom notification');
  const metadata = parsed.metadata;
  const context = isRecord(metadata) ? metadata.additionalContext : undefined;
  const carried = isRecord(context) ? context[ALERT_CONTEXT_KEY] : undefined;
  if (typeof carried !== 'string') throw new NotAnAlertError('the notification carries no fluxguard alert');
  let candidate: unknown;
  try {
    candidate = JSON.parse(carried);
  } catch {
    throw new NotAnAlertError('the carried alert is not JSON');
  }
  const result = AlertSchema.safeParse(candidate);
  if (!result.success) {
    const where = result.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new NotAnAlertError(`the carried alert does not match the alert model (${where})`);
  }
  return result.data;
}

/** The UTF-8 size of a string, in bytes. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function description(alert: Alert): string {
  const wording = STATE_WORDING[alert.state];
  const lines: string[] = [mrkdwn(wording.meaning)];
  if (alert.dryRun) lines.push('_Dry run: nothing was written to git or the cluster._');
  if (alert.decision)
    lines.push(`*Decision:* ${mrkdwn(alert.decision.action, 100)}: ${mrkdwn(alert.decision.reason, 400)}`);
  if (alert.verdict) {
    lines.push(`*Verdict:* ${alert.verdict.verdict}: ${mrkdwn(alert.verdict.summary, 400)}`);
    const shown = alert.verdict.evidence.slice(0, CHATBOT_BUDGET.evidenceLines);
    for (const line of shown) lines.push(`• ${mrkdwn(line, 160)}`);
    const more = alert.verdict.evidence.length - shown.length;
    if (more > 0) lines.push(`_… and ${more} more lines_`);
  }
  const facts = [
    `*Cluster:* ${mrkdwn(alert.cluster, 120)} (${mrkdwn(alert.environment, 60)})`,
    `*Target:* ${mrkdwn(targetPath(alert), 300)}`,
    `*Trigger:* ${alert.trigger.source}: ${link(alert.trigger.link, clip(alert.trigger.reason, 80))} at ${mrkdwn(utcTime(alert.trigger.at), 40)}`,
  ];
  if (alert.revision) {
    const r = alert.revision;
    const who = r.authorLogin ?? r.author;
    facts.push(
      `*Revision:* ${link(r.commitUrl, shortSha(r.sha))}${r.subject ? ` ${mrkdwn(r.subject, 100)}` : ''}${who ? ` by ${mrkdwn(who, 60)}` : ''}${r.compareUrl ? ` (${link(r.compareUrl, 'diff')})` : ''}`,
    );
  }
  if (alert.timeToRecoverySeconds !== undefined)
    facts.push(`*Time to recovery:* ${duration(alert.timeToRecoverySeconds)}`);
  facts.push(
    `*Incident:* \`${inlineCode(alert.incidentId, 120)}\` at ${mrkdwn(utcTime(alert.occurredAt), 40)}`,
  );
  lines.push(...facts);
  if (alert.trigger.message)
    lines.push(`\`\`\`${codeText(alert.trigger.message, CHATBOT_BUDGET.triggerMessage)}\`\`\``);
  // Every part above has its own cap; the whole is cut at a line break if it still runs over.
  let text = '';
  for (const line of lines) {
    const next = text ? `${text}\n${line}` : line;
    if (next.length > CHATBOT_BUDGET.description) break;
    text = next;
  }
  return text;
}

function nextSteps(alert: Alert): string[] {
  const steps = [
    ...alert.actions
      .filter((action) => action.url)
      .map((action) => link(action.url, clip(action.label, 120))),
    ...alert.nextSteps.map(
      (step) => `\`${codeText(step, CHATBOT_BUDGET.nextStep - 2).replaceAll('`', "'")}\``,
    ),
  ];
  return steps.slice(0, CHATBOT_BUDGET.nextSteps).map((step) => clip(step, CHATBOT_BUDGET.nextStep));
}

function relatedResources(alert: Alert): string[] {
  const urls = [
    alert.revision?.commitUrl,
    alert.revision?.compareUrl,
    alert.trigger.link,
    ...alert.actions.map((action) => action.url),
  ];
  return [...new Set(urls.filter((url): url is string => !!url && url.length <= 2048))].slice(0, 20);
}

// Longest strings and lists first: the embedded alert loses detail only when it must.
const SHRINK_STEPS: ReadonlyArray<{ text: number; items: number }> = [
  { text: 16_000, items: 200 },
  { text: 4000, items: 100 },
  { text: 1000, items: 50 },
  { text: 300, items: 20 },
  { text: 100, items: 10 },
];

function embeddedAlert(alert: Alert, budget: number): string {
  const full = JSON.stringify(alert);
  if (embeddedBytes(full) <= budget) return full;
  for (const step of SHRINK_STEPS) {
    const json = JSON.stringify(shrink(alert, step.text, step.items));
    if (embeddedBytes(json) <= budget) return json;
  }
  return JSON.stringify(shrink(alert, 40, 3));
}

/**
 * The UTF-8 size of `json` once it is a JSON string inside the notification: its quotes and
 * backslashes are escaped once more (control characters already are), plus the two quotes.
 */
function embeddedBytes(json: string): number {
  let escapes = 2;
  for (let i = 0; i < json.length; i += 1) {
    const code = json.charCodeAt(i);
    if (code === 0x22 || code === 0x5c) escapes += 1;
  }
  return utf8Bytes(json) + escapes;
}

function shrink<T>(value: T, text: number, items: number): T {
  if (typeof value === 'string') return clip(value, text) as T;
  if (Array.isArray(value)) {
    const kept = value.slice(0, items).map((item) => shrink(item, text, items));
    if (value.length > items && typeof value[0] === 'string') kept.push(`… and ${value.length - items} more`);
    return kept as T;
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      out[key] = key === 'incidentId' || /At$/.test(key) ? inner : shrink(inner, text, items);
    return out as T;
  }
  return value;
}
