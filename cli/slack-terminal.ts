/**
 * A Slack Block Kit message as it reads in a terminal: the header, the sections, the fields and
 * the context, with mrkdwn links written out as `label (url)`, Slack's escapes undone and the
 * alerts' emoji codes drawn. The
 * simulation prints each alert this way, so what the terminal shows is what the slack-notifier
 * would post, block for block.
 *
 * @module
 */
import type { SlackBlock, SlackMessage } from '../lambdas/alerts/index.js';

const UNESCAPES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** The emoji codes fluxguard's alerts use, as Slack draws them. Others stay as written. */
const EMOJI: Record<string, string> = {
  ':grey_question:': '❔',
  ':information_source:': 'ℹ️',
  ':leftwards_arrow_with_hook:': '↩️',
  ':octagonal_sign:': '🛑',
  ':rewind:': '⏪',
  ':rotating_light:': '🚨',
  ':twisted_rightwards_arrows:': '🔀',
  ':warning:': '⚠️',
  ':white_check_mark:': '✅',
  ':x:': '❌',
};

/** mrkdwn as plain text: `<url|label>` becomes `label (url)`, `<url>` the URL, escapes undone. */
export function mrkdwnToText(text: string): string {
  return text
    .replace(/<([^<>|]+)\|([^<>]+)>/g, (_, url: string, label: string) => `${label} (${url})`)
    .replace(/<([^<>|]+)>/g, '$1')
    .replace(/&(amp|lt|gt);/g, (entity) => UNESCAPES[entity] ?? entity)
    .replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code);
}

function blockLines(block: SlackBlock): string[] {
  switch (block.type) {
    case 'header':
      return [`▌ ${block.text.text}`];
    case 'section': {
      const lines = block.text ? mrkdwnToText(block.text.text).split('\n') : [];
      for (const field of block.fields ?? []) lines.push(...mrkdwnToText(field.text).split('\n'));
      return lines;
    }
    case 'context':
      return block.elements.map((element) => `· ${mrkdwnToText(element.text)}`);
    case 'divider':
      return ['─'.repeat(40)];
  }
}

/**
 * The lines of a Block Kit message, a blank line between blocks.
 *
 * @example
 * ```ts
 * for (const line of slackMessageLines(renderSlackMessage(alert))) console.log(line);
 * ```
 */
export function slackMessageLines(message: SlackMessage): string[] {
  const out: string[] = [];
  for (const block of message.blocks) {
    if (out.length > 0) out.push('');
    out.push(...blockLines(block));
  }
  return out;
}
