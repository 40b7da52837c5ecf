import { readFile } from 'node:fs/promises';
import { type Command, ExitCode, stringOption, UsageError } from '../command.js';

const FORMATS = ['slack', 'chatbot', 'text'] as const;
type Format = (typeof FORMATS)[number];

/** Where Slack's Block Kit Builder opens a message carried in the URL fragment. */
export const BLOCK_KIT_BUILDER_URL = 'https://app.slack.com/block-kit-builder/#';

async function readInput(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** `fluxguard alert preview`: an alert as Slack, Amazon Q Developer or email would show it. */
export const alertPreviewCommand: Command = {
  name: 'alert preview',
  summary: 'Print how an alert looks in Slack (with a Block Kit Builder link), Amazon Q Developer or email.',
  usage: 'fluxguard alert preview <incident.json|-> [--format slack|chatbot|text]',
  details: [
    '<incident.json> holds a fluxguard alert (the Alert model), or a notification the incident',
    'worker published to SNS (the Amazon Q Developer custom notification that carries the alert).',
    '',
    'Options:',
    '  --format slack     (default) the Block Kit message the slack-notifier posts, then a Block Kit',
    '                     Builder link that opens it in a browser without a workspace',
    '  --format chatbot   the Amazon Q Developer custom notification, as published to SNS',
    '  --format text      the plain text for email',
    '',
    'Exit codes: 0 printed; 1 the file cannot be read or holds no valid alert; 64 usage.',
  ].join('\n'),
  options: { format: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1)
      throw new UsageError('expected exactly one <incident.json> (or "-" for stdin)');
    const format = (stringOption(values, 'format') ?? 'slack') as Format;
    if (!FORMATS.includes(format))
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
    const alerts = await import('../../lambdas/alerts/index.js');
    let text: string;
    try {
      text = await readInput(positionals[0] ?? '-');
    } catch (error) {
      io.stderr(`error: cannot read ${positionals[0]}: ${(error as Error).message}`);
      return ExitCode.failed;
    }
    let alert: import('../../lambdas/alerts/index.js').Alert;
    try {
      const json = JSON.parse(text) as { version?: unknown; source?: unknown };
      if (json.version === '1.0' && json.source === 'custom') alert = alerts.alertFromNotification(text);
      else {
        const parsed = alerts.AlertSchema.safeParse(json);
        if (!parsed.success) {
          const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
          throw new Error(`not a fluxguard alert (${where})`);
        }
        alert = parsed.data;
      }
    } catch (error) {
      io.stderr(`error: ${positionals[0]}: ${(error as Error).message}`);
      return ExitCode.failed;
    }
    if (format === 'text') io.stdout(alerts.renderPlainText(alert).trimEnd());
    if (format === 'chatbot') io.stdout(JSON.stringify(alerts.renderChatbotNotification(alert), null, 2));
    if (format === 'slack') {
      const message = alerts.renderSlackMessage(alert);
      io.stdout(JSON.stringify(message, null, 2));
      io.stdout('');
      io.stdout(`Block Kit Builder: ${blockKitBuilderLink(message.blocks)}`);
    }
    return ExitCode.ok;
  },
};

/** A link that opens `blocks` in Slack's Block Kit Builder. */
export function blockKitBuilderLink(blocks: readonly unknown[]): string {
  return `${BLOCK_KIT_BUILDER_URL}${encodeURIComponent(JSON.stringify({ blocks }))}`;
}
