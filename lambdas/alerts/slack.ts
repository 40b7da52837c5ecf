/**
 * The Slack Block Kit rendering of an alert, inside every limit Slack sets: each part of the
 * message has its own budget, so long evidence is cut here, by design, and never by Slack.
 *
 * @module
 */
import type { Alert, AlertState } from './alert.js';
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

/** A Block Kit text object. */
export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

/** The blocks fluxguard sends. */
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };

/** A `chat.postMessage` / `chat.update` / incoming-webhook body, without the channel and thread. */
export interface SlackMessage {
  /** The notification and accessibility fallback; always present. */
  text: string;
  blocks: SlackBlock[];
}

/** One earlier state of the incident, for the history line of a thread's root message. */
export interface AlertHistoryEntry {
  state: AlertState;
  occurredAt: string;
}

/** Options of {@link renderSlackMessage}. */
export interface SlackRenderOptions {
  /** The incident's states so far, oldest first; shown as one line (the thread's root message). */
  history?: readonly AlertHistoryEntry[];
}

/**
 * Slack's limits (https://docs.slack.dev/reference/block-kit/blocks), plus the undocumented
 * aggregate: `msg_blocks_too_long` appears at about 13,200 characters of block text in total
 * (slackapi/bolt-js#2509), so fluxguard stays under 12,000.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  totalBlockText: 12_000,
  text: 40_000,
} as const;

/**
 * What each part of a message may use. Together they stay under
 * {@link SLACK_LIMITS.totalBlockText} whatever the alert holds (150 + 1,500 + 10 × 250 + 2,500 +
 * 1,500 + 1,200 + 1,200 + 600 = 11,150).
 */
export const SLACK_BUDGET = {
  header: 150,
  summary: 1500,
  field: 250,
  evidence: 2500,
  triggerMessage: 1500,
  actions: 1200,
  nextSteps: 1200,
  context: 600,
  fallbackText: 1000,
  evidenceLine: 300,
} as const;

/**
 * Renders an alert as a Block Kit message: a header with the state and the target, what happened
 * and what fluxguard decided, the facts as fields, the verdict's evidence, the trigger's message,
 * the actions with their links, the next steps as commands, and the incident id.
 *
 * @example
 * ```ts
 * const message = renderSlackMessage(alert);
 * await web.chat.postMessage({ channel, ...message });
 * ```
 */
export function renderSlackMessage(alert: Alert, options: SlackRenderOptions = {}): SlackMessage {
  const wording = STATE_WORDING[alert.state];
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: plainHeader(alert), emoji: true } },
    section(summary(alert), SLACK_BUDGET.summary),
    { type: 'section', fields: facts(alert).map((text) => ({ type: 'mrkdwn', text })) },
  ];
  const evidence = evidenceText(alert);
  if (evidence) blocks.push(section(evidence, SLACK_BUDGET.evidence));
  if (alert.trigger.message) {
    const budget = SLACK_BUDGET.triggerMessage - '*Trigger message*\n``````'.length;
    blocks.push(section(`*Trigger message*\n\`\`\`${codeText(alert.trigger.message, budget)}\`\`\``));
  }
  const actions = actionsText(alert);
  if (actions) blocks.push(section(actions, SLACK_BUDGET.actions));
  if (alert.nextSteps.length > 0) blocks.push(section(nextStepsText(alert.nextSteps)));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: contextText(alert, options.history) }] });
  const fallback = `${wording.emoji} ${titleLine(alert)}${alert.verdict ? `: ${alert.verdict.summary}` : ''}`;
  return { text: mrkdwn(fallback, SLACK_BUDGET.fallbackText), blocks };
}

/** The number of characters of text in all blocks together, as Slack's aggregate limit counts. */
export function blockTextLength(blocks: readonly SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if (block.type === 'header') total += block.text.text.length;
    if (block.type === 'section') {
      total += block.text?.text.length ?? 0;
      for (const field of block.fields ?? []) total += field.text.length;
    }
    if (block.type === 'context') for (const element of block.elements) total += element.text.length;
  }
  return total;
}

/**
 * Every Slack limit the message breaks, in words; empty when it fits. The renderer's tests and
 * the notifier both use it, so a message that would be refused is never sent.
 */
export function slackLimitViolations(message: SlackMessage): string[] {
  const problems: string[] = [];
  const { blocks } = message;
  if (!message.text) problems.push('no top-level text');
  if (message.text.length > SLACK_LIMITS.text) problems.push(`text is ${message.text.length} characters`);
  if (blocks.length > SLACK_LIMITS.blocks) problems.push(`${blocks.length} blocks`);
  blocks.forEach((block, index) => {
    if (block.type === 'header' && block.text.text.length > SLACK_LIMITS.headerText)
      problems.push(`header ${index} is ${block.text.text.length} characters`);
    if (block.type === 'section') {
      if (!block.text && !block.fields?.length) problems.push(`section ${index} is empty`);
      if ((block.text?.text.length ?? 0) > SLACK_LIMITS.sectionText)
        problems.push(`section ${index} text is ${block.text?.text.length} characters`);
      if ((block.fields?.length ?? 0) > SLACK_LIMITS.fields)
        problems.push(`section ${index} has ${block.fields?.length} fields`);
      for (const field of block.fields ?? [])
        if (field.text.length > SLACK_LIMITS.fieldText || field.text.length === 0)
          problems.push(`a field of section ${index} is ${field.text.length} characters`);
    }
    if (block.type === 'context' && block.elements.length > SLACK_LIMITS.contextElements)
      problems.push(`context ${index} has ${block.elements.length} elements`);
  });
  const total = blockTextLength(blocks);
  if (total > SLACK_LIMITS.totalBlockText) problems.push(`blocks hold ${total} characters of text`);
  return problems;
}

function section(text: string, max: number = SLACK_LIMITS.sectionText): SlackBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: text.length > max ? mrkdwnSafeCut(text, max) : text },
  };
}

// Parts are built from already escaped text; a cut must not leave half an entity or an open link.
function mrkdwnSafeCut(text: string, max: number): string {
  let end = max - 1;
  const amp = text.lastIndexOf('&', end);
  if (amp >= 0 && text.indexOf(';', amp) >= end) end = amp;
  const open = text.lastIndexOf('<', end);
  if (open >= 0 && text.indexOf('>', open) >= end) end = open;
  return `${text.slice(0, end)}…`;
}

function plainHeader(alert: Alert): string {
  return clip(`${STATE_WORDING[alert.state].emoji} ${titleLine(alert)}`, SLACK_BUDGET.header);
}

function summary(alert: Alert): string {
  const lines = [mrkdwn(STATE_WORDING[alert.state].meaning)];
  if (alert.decision)
    lines.push(`*Decision:* ${mrkdwn(alert.decision.action, 100)}: ${mrkdwn(alert.decision.reason, 600)}`);
  if (alert.verdict) lines.push(`*Verdict:* ${alert.verdict.verdict}: ${mrkdwn(alert.verdict.summary, 600)}`);
  if (alert.dryRun) lines.push('_Dry run: nothing was written to git or the cluster._');
  return lines.join('\n');
}

function fact(label: string, value: string): string {
  const head = `*${label}*\n`;
  return `${head}${value.length > SLACK_BUDGET.field - head.length ? mrkdwnSafeCut(value, SLACK_BUDGET.field - head.length) : value}`;
}

function facts(alert: Alert): string[] {
  const budget = SLACK_BUDGET.field;
  const out = [
    fact('Cluster', mrkdwn(alert.cluster, budget)),
    fact('Environment', mrkdwn(alert.environment, budget)),
    fact('Target', mrkdwn(targetPath(alert), budget)),
    fact('Severity', alert.severity),
    fact(
      'Trigger',
      `${alert.trigger.source}: ${link(alert.trigger.link, clip(alert.trigger.reason, 80))}\n${mrkdwn(utcTime(alert.trigger.at), 60)}`,
    ),
  ];
  const revision = alert.revision;
  if (revision) {
    const subject = revision.subject ? ` ${mrkdwn(revision.subject, 120)}` : '';
    const compare = revision.compareUrl ? ` (${link(revision.compareUrl, 'diff')})` : '';
    out.push(fact('Revision', `${link(revision.commitUrl, shortSha(revision.sha))}${subject}${compare}`));
    const who = revision.authorLogin ?? revision.author;
    if (who) out.push(fact('Author', mrkdwn(who, 120)));
  }
  if (alert.failedAt) out.push(fact('Failing since', utcTime(alert.failedAt)));
  if (alert.recoveredAt) out.push(fact('Recovered at', utcTime(alert.recoveredAt)));
  if (alert.timeToRecoverySeconds !== undefined)
    out.push(fact('Time to recovery', duration(alert.timeToRecoverySeconds)));
  return out.slice(0, SLACK_LIMITS.fields);
}

function evidenceText(alert: Alert): string | undefined {
  const lines = alert.verdict?.evidence ?? [];
  if (lines.length === 0) return undefined;
  let text = '*Evidence*';
  const reserve = 40; // room for the "… and N more" line
  let shown = 0;
  for (const line of lines) {
    const next = `\n• ${mrkdwn(line, SLACK_BUDGET.evidenceLine)}`;
    if (text.length + next.length > SLACK_BUDGET.evidence - reserve) break;
    text += next;
    shown += 1;
  }
  if (shown < lines.length) text += `\n_… and ${lines.length - shown} more lines_`;
  return text;
}

function actionsText(alert: Alert): string | undefined {
  const actions = alert.actions.filter((action) => action.kind !== 'none' || action.label);
  if (actions.length === 0) return undefined;
  let text = '*Actions*';
  let shown = 0;
  for (const action of actions) {
    const next = `\n• ${link(action.url, clip(action.label, 200))}`;
    if (text.length + next.length > SLACK_BUDGET.actions - 40) break;
    text += next;
    shown += 1;
  }
  if (shown < actions.length) text += `\n_… and ${actions.length - shown} more_`;
  return text;
}

function nextStepsText(steps: readonly string[]): string {
  const head = '*Next steps*\n```';
  const tail = '```';
  let body = '';
  let shown = 0;
  for (const step of steps) {
    const line = `${shown ? '\n' : ''}${codeText(step, 400)}`;
    if (head.length + body.length + line.length + tail.length > SLACK_BUDGET.nextSteps - 40) break;
    body += line;
    shown += 1;
  }
  const more = shown < steps.length ? `\n_… and ${steps.length - shown} more_` : '';
  return `${head}${body || ' '}${tail}${more}`;
}

function contextText(alert: Alert, history: readonly AlertHistoryEntry[] | undefined): string {
  const parts = [`Incident \`${inlineCode(alert.incidentId, 120)}\``, utcTime(alert.occurredAt), 'fluxguard'];
  let text = parts.join(' · ');
  if (history && history.length > 1) {
    const steps = history.map((entry) => `${entry.state} ${utcTime(entry.occurredAt).slice(11, 16)}`);
    let line = steps.join(' → ');
    const room = SLACK_BUDGET.context - text.length - 1;
    if (line.length > room) line = `… → ${steps.slice(-3).join(' → ')}`.slice(0, room);
    text = `${line}\n${text}`;
  }
  return text.length <= SLACK_BUDGET.context ? text : mrkdwnSafeCut(text, SLACK_BUDGET.context);
}
