/** The terminal rendering of a Slack message: what `fluxguard simulate` prints for each alert. */
import { describe, expect, it } from 'vitest';
import { mrkdwnToText, slackMessageLines } from '../../cli/slack-terminal.js';

describe('slack-terminal', () => {
  it('writes a mrkdwn link as its label followed by its URL', () => {
    expect(mrkdwnToText('revert <https://github.com/acme/gitops/commit/abc|abc1234> pushed')).toBe(
      'revert abc1234 (https://github.com/acme/gitops/commit/abc) pushed',
    );
  });

  it('writes a bare mrkdwn link as its URL and undoes Slack escapes', () => {
    expect(mrkdwnToText('<https://example.com/a?b=1&amp;c=2> &lt;ns&gt;')).toBe(
      'https://example.com/a?b=1&c=2 <ns>',
    );
  });

  it("draws the alerts' emoji codes and leaves other colon words alone", () => {
    expect(mrkdwnToText(':white_check_mark: Recovered at 10:30:00 :unknown_code:')).toBe(
      '✅ Recovered at 10:30:00 :unknown_code:',
    );
  });

  it('renders every block in order: header, section text and fields, context, divider', () => {
    const lines = slackMessageLines({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Reverted: Kustomization/flux-system/apps' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'first\nsecond' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Cluster*\nprod' },
            { type: 'mrkdwn', text: '*Target*\napps' },
          ],
        },
        { type: 'divider' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'incident inc-1' }] },
      ],
    });

    expect(lines).toEqual([
      '▌ Reverted: Kustomization/flux-system/apps',
      '',
      'first',
      'second',
      '',
      '*Cluster*',
      'prod',
      '*Target*',
      'apps',
      '',
      '─'.repeat(40),
      '',
      '· incident inc-1',
    ]);
  });
});
