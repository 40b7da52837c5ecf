import { describe, expect, it } from 'vitest';
import {
  ALERT_STATES,
  type Alert,
  AlertSchema,
  alertFromNotification,
  CHATBOT_NOTIFICATION_BUDGET_BYTES,
  renderChatbotNotification,
  renderSlackMessage,
  type SlackBlock,
  slackLimitViolations,
  utf8Bytes,
} from '../../../lambdas/alerts/index.js';
import { exampleAlert } from './support/examples.js';

// mulberry32: a seeded generator, so a failure names a case that can be run again.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces that stress escaping and counting: entities, mentions, links, code fences, surrogate
// pairs, combining marks, right-to-left text, control characters and quotes.
const PIECES = [
  '&',
  '<',
  '>',
  '<!channel>',
  '<https://x.example|y>',
  '```',
  '`',
  '🚨',
  '👩‍👩‍👧',
  'é',
  '\u0301',
  'עברית',
  '\n',
  '\t',
  '"',
  '\\',
  '|',
  '*',
  '_',
  '~',
  'a',
  'Z',
  '0',
  ' ',
];

function text(next: () => number, max: number): string {
  const length = Math.floor(next() ** 3 * max);
  let out = '';
  while (out.length < length) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

function randomAlert(seed: number): Alert {
  const next = prng(seed);
  const state = ALERT_STATES[Math.floor(next() * ALERT_STATES.length)] ?? 'failing';
  const base = exampleAlert(state);
  const list = (count: number, max: number) =>
    Array.from({ length: Math.floor(next() * count) }, () => text(next, max));
  return {
    ...base,
    incidentId: `inc-${text(next, 200) || 'x'}`,
    cluster: `c${text(next, 300)}`,
    environment: `e${text(next, 100)}`,
    target: { ...base.target, namespace: `n${text(next, 63)}`, name: `w${text(next, 253)}` },
    trigger: { ...base.trigger, reason: text(next, 500), message: text(next, 50_000) },
    verdict: { verdict: 'fail', summary: text(next, 5000), evidence: list(300, 2000) },
    revision: {
      ...base.revision,
      sha: `s${text(next, 64)}`,
      subject: text(next, 3000),
      author: text(next, 500),
    },
    actions: list(30, 400).map((label, i) => ({
      kind: 'pull-request' as const,
      label,
      url: `https://x.example/${i}`,
    })),
    nextSteps: list(30, 600),
    decision: { action: text(next, 300), reason: text(next, 5000) },
  };
}

function mrkdwnTexts(block: SlackBlock): string[] {
  if (block.type === 'section') return [block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text)];
  if (block.type === 'context') return block.elements.map((e) => e.text);
  return [];
}

describe('renderings of random alerts', () => {
  it.each(Array.from({ length: 60 }, (_, i) => i + 1))(
    'seed %i stays inside every limit and round-trips',
    (seed) => {
      const alert = randomAlert(seed);

      const slack = renderSlackMessage(alert, {
        history: ALERT_STATES.map((state) => ({ state, occurredAt: alert.occurredAt })),
      });
      const body = JSON.stringify(renderChatbotNotification(alert));

      expect(slackLimitViolations(slack)).toEqual([]);
      expect(utf8Bytes(body)).toBeLessThanOrEqual(CHATBOT_NOTIFICATION_BUDGET_BYTES);
      const back = alertFromNotification(body);
      expect(AlertSchema.safeParse(back).success).toBe(true);
      expect(back.incidentId).toBe(alert.incidentId);
      // No raw mention or link from outside text survives in text Slack parses (mrkdwn and the
      // fallback; the header is plain_text, which Slack shows literally).
      const parsed = [slack.text, ...slack.blocks.flatMap(mrkdwnTexts)];
      expect(parsed.join('\n')).not.toMatch(/<!channel>|<https:\/\/x\.example\|y>/);
      // The incident id stays one inline-code span, whatever it holds.
      expect(parsed.at(-1)).toMatch(/(^|\n)Incident `[^`\n]*` · /);
    },
  );
});
