/**
 * The plain-text rendering of an alert, for email and for terminals: every fact on its own line,
 * no markup.
 *
 * @module
 */
import type { Alert } from './alert.js';
import { clip, duration, STATE_WORDING, shortSha, targetPath, titleLine, utcTime } from './wording.js';

/** How much of the long parts plain text shows; email has no hard limit, readers do. */
export const TEXT_BUDGET = { triggerMessage: 4000, evidenceLines: 50, line: 500 } as const;

/**
 * Renders an alert as plain text.
 *
 * @example
 * ```ts
 * console.log(renderPlainText(alert));
 * ```
 */
export function renderPlainText(alert: Alert): string {
  const out: string[] = [titleLine(alert), '', STATE_WORDING[alert.state].meaning];
  if (alert.dryRun) out.push('Dry run: nothing was written to git or the cluster.');
  out.push('');
  if (alert.decision) out.push(`Decision: ${alert.decision.action}: ${line(alert.decision.reason)}`);
  if (alert.verdict) {
    out.push(`Verdict: ${alert.verdict.verdict}: ${line(alert.verdict.summary)}`);
    const shown = alert.verdict.evidence.slice(0, TEXT_BUDGET.evidenceLines);
    for (const evidence of shown) out.push(`  - ${line(evidence)}`);
    const more = alert.verdict.evidence.length - shown.length;
    if (more > 0) out.push(`  … and ${more} more lines`);
  }
  out.push(
    `Cluster: ${line(alert.cluster)}`,
    `Environment: ${line(alert.environment)}`,
    `Target: ${line(targetPath(alert))}`,
    `Severity: ${alert.severity}`,
    `Trigger: ${alert.trigger.source}: ${line(alert.trigger.reason)} at ${line(utcTime(alert.trigger.at))}`,
  );
  if (alert.trigger.link) out.push(`  ${line(alert.trigger.link)}`);
  if (alert.trigger.message) {
    out.push('Trigger message:');
    for (const text of clip(alert.trigger.message, TEXT_BUDGET.triggerMessage).split('\n'))
      out.push(`  ${text}`);
  }
  const r = alert.revision;
  if (r) {
    const who = r.authorLogin ?? r.author;
    out.push(
      `Revision: ${shortSha(r.sha)}${r.subject ? ` ${line(r.subject)}` : ''}${who ? ` (${line(who)})` : ''}`,
    );
    if (r.ref) out.push(`  ref: ${line(r.ref)}`);
    if (r.commitUrl) out.push(`  commit: ${line(r.commitUrl)}`);
    if (r.compareUrl) out.push(`  diff: ${line(r.compareUrl)}`);
  }
  if (alert.failedAt) out.push(`Failing since: ${utcTime(alert.failedAt)}`);
  if (alert.recoveredAt) out.push(`Recovered at: ${utcTime(alert.recoveredAt)}`);
  if (alert.timeToRecoverySeconds !== undefined)
    out.push(`Time to recovery: ${duration(alert.timeToRecoverySeconds)}`);
  if (alert.actions.length > 0) {
    out.push('', 'Actions:');
    for (const action of alert.actions)
      out.push(`  - ${line(action.label)}${action.url ? `: ${line(action.url)}` : ''}`);
  }
  if (alert.nextSteps.length > 0) {
    out.push('', 'Next steps:');
    for (const step of alert.nextSteps) out.push(`  ${line(step)}`);
  }
  out.push('', `Incident ${line(alert.incidentId)} at ${utcTime(alert.occurredAt)} (fluxguard)`);
  return `${out.join('\n')}\n`;
}

function line(text: string): string {
  return clip(text.replace(/[\r\n]+/g, ' '), TEXT_BUDGET.line);
}
