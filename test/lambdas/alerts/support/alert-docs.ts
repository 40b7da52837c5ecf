/**
 * The examples section of docs/ALERTS.md, generated from the renderers so the documentation shows
 * what fluxguard really sends. `test/lambdas/alerts/docs.test.ts` fails when the file and the
 * renderers disagree; `npx tsx test/lambdas/alerts/support/alert-docs.ts --write` rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { blockKitBuilderLink } from '../../../../cli/commands/alert-preview.js';
import {
  ALERT_STATES,
  renderChatbotNotification,
  renderPlainText,
  renderSlackMessage,
  type SlackBlock,
  STATE_WORDING,
} from '../../../../lambdas/alerts/index.js';
import { exampleAlert } from './examples.js';

/** docs/ALERTS.md. */
export const ALERTS_DOC = fileURLToPath(new URL('../../../../docs/ALERTS.md', import.meta.url));
export const START = '<!-- generated examples: start -->';
export const END = '<!-- generated examples: end -->';

/** What a person reads in Slack: each block's text, fields two to a line. */
function readable(blocks: readonly SlackBlock[]): string {
  const out: string[] = [];
  for (const block of blocks) {
    if (block.type === 'header') out.push(block.text.text, '');
    if (block.type === 'section' && block.text) out.push(block.text.text, '');
    if (block.type === 'section' && block.fields) {
      for (const field of block.fields) out.push(field.text.replace('\n', ': '));
      out.push('');
    }
    if (block.type === 'context') out.push(...block.elements.map((e) => e.text));
  }
  return out.join('\n');
}

/** The generated part of the document, markers included. */
export function examplesSection(): string {
  const lines = [START, '', '## Every state, as Slack shows it', ''];
  lines.push('| state | headline | what it means |', '| --- | --- | --- |');
  for (const state of ALERT_STATES) {
    const w = STATE_WORDING[state];
    lines.push(`| \`${state}\` | ${w.emoji} ${w.headline} | ${w.meaning} |`);
  }
  lines.push('');
  for (const state of ALERT_STATES) {
    const message = renderSlackMessage(exampleAlert(state));
    lines.push(
      `### \`${state}\``,
      '',
      `[Open in Block Kit Builder](${blockKitBuilderLink(message.blocks)})`,
      '',
      // Four backticks: the message's own code blocks use three.
      '````text',
      readable(message.blocks),
      '````',
      '',
    );
  }
  const reverted = exampleAlert('reverted');
  lines.push(
    '## The same `reverted` alert for Amazon Q Developer and email',
    '',
    'The custom notification published to SNS (`metadata.additionalContext.alert` is the alert',
    'itself, as compact JSON):',
    '',
    '```json',
    JSON.stringify(renderChatbotNotification(reverted), null, 2),
    '```',
    '',
    'Plain text:',
    '',
    '```text',
    renderPlainText(reverted).trimEnd(),
    '```',
    '',
    END,
  );
  return lines.join('\n');
}

/** The document with its examples section regenerated. */
export function regenerated(current: string): string {
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  if (start < 0 || end < start) return `${current.trimEnd()}\n\n${examplesSection()}\n`;
  return `${current.slice(0, start)}${examplesSection()}${current.slice(end + END.length)}`;
}

if (process.argv.includes('--write')) {
  writeFileSync(ALERTS_DOC, regenerated(readFileSync(ALERTS_DOC, 'utf8')));
  console.log(`wrote ${ALERTS_DOC}`);
}
