import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOCK_KIT_BUILDER_URL } from '../../cli/commands/alert-preview.js';
import { main } from '../../cli/main.js';
import {
  AlertSchema,
  alertFromNotification,
  renderChatbotNotification,
  renderPlainText,
  renderSlackMessage,
} from '../../lambdas/alerts/index.js';
import { exampleAlert } from '../lambdas/alerts/support/examples.js';
import { captureIO } from '../support/capture-io.js';

const dir = mkdtempSync(join(tmpdir(), 'fluxguard-alert-preview-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const alert = exampleAlert('reverted');
const alertFile = file('alert.json', JSON.stringify(alert, null, 2));

describe('fluxguard alert preview', () => {
  it('prints the Slack message and a Block Kit Builder link that carries its blocks', async () => {
    const io = captureIO();

    const code = await main(['alert', 'preview', alertFile], io);

    const message = renderSlackMessage(alert);
    const link = io.out.at(-1) ?? '';
    expect(code).toBe(0);
    expect(JSON.parse(io.out[0] ?? '')).toEqual(message);
    expect(link.startsWith(`Block Kit Builder: ${BLOCK_KIT_BUILDER_URL}`)).toBe(true);
    const fragment = link.slice(`Block Kit Builder: ${BLOCK_KIT_BUILDER_URL}`.length);
    expect(JSON.parse(decodeURIComponent(fragment))).toEqual({ blocks: message.blocks });
    expect(fragment).not.toMatch(/[\s"{}]/);
  });

  it('prints the Amazon Q Developer notification, which carries the alert', async () => {
    const io = captureIO();

    const code = await main(['alert', 'preview', alertFile, '--format', 'chatbot'], io);

    expect(code).toBe(0);
    // The file is parsed first, so the carried alert's keys come in the model's order.
    expect(JSON.parse(io.out.join('\n'))).toEqual(renderChatbotNotification(AlertSchema.parse(alert)));
    expect(alertFromNotification(io.out.join('\n'))).toEqual(alert);
  });

  it('prints plain text, also from a published notification instead of the alert', async () => {
    const io = captureIO();
    const published = file('published.json', JSON.stringify(renderChatbotNotification(alert)));

    const code = await main(['alert', 'preview', published, '--format', 'text'], io);

    expect(code).toBe(0);
    expect(io.out).toEqual([renderPlainText(alert).trimEnd()]);
  });

  it.each([
    ['no file', ['alert', 'preview'], 64, /expected exactly one/],
    ['an unknown format', ['alert', 'preview', alertFile, '--format', 'html'], 64, /--format must be one of/],
    ['a missing file', ['alert', 'preview', join(dir, 'missing.json')], 1, /cannot read/],
    ['not JSON', ['alert', 'preview', file('bad.json', 'nope')], 1, /bad\.json/],
    [
      'an alert without a state',
      ['alert', 'preview', file('partial.json', JSON.stringify({ ...alert, state: undefined }))],
      1,
      /not a fluxguard alert \(state\)/,
    ],
  ])('refuses %s', async (_name, args, exit, message) => {
    const io = captureIO();

    const code = await main(args, io);

    expect(code).toBe(exit);
    expect(io.err.join('\n')).toMatch(message);
  });
});
