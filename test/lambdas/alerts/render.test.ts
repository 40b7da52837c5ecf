import { describe, expect, it } from 'vitest';
import {
  ALERT_STATES,
  type Alert,
  AlertSchema,
  alertFromNotification,
  alertMessageAttributes,
  blockTextLength,
  CHATBOT_NOTIFICATION_BUDGET_BYTES,
  NotAnAlertError,
  renderChatbotNotification,
  renderPlainText,
  renderSlackMessage,
  SLACK_LIMITS,
  slackLimitViolations,
  utf8Bytes,
} from '../../../lambdas/alerts/index.js';
import { fixtureJson } from '../../support/fixtures.js';
import { exampleAlert, largestAlert } from './support/examples.js';
import { type JsonSchema, schemaErrors } from './support/json-schema.js';

const fixture = fixtureJson<{ schema: JsonSchema; samples: Record<string, unknown> }>(
  'aws-events/chatbot-custom-notification.json',
);

const cases = ALERT_STATES.flatMap((state) => [
  { name: `${state}, typical`, alert: exampleAlert(state) },
  { name: `${state}, largest realistic inputs`, alert: largestAlert(state) },
]);

describe('the validator of the Amazon Q Developer schema', () => {
  it('accepts the documented samples and refuses what the schema refuses', () => {
    // Prepare / Act / Assess
    expect(schemaErrors(fixture.schema, fixture.samples.minimal)).toEqual([]);
    expect(schemaErrors(fixture.schema, fixture.samples.full)).toEqual([]);
    expect(schemaErrors(fixture.schema, { version: '2.0', source: 'custom', content: {} })).toEqual([
      '$.version: must be "1.0"',
      '$.content.description: required',
    ]);
    expect(
      schemaErrors(fixture.schema, {
        version: '1.0',
        source: 'custom',
        content: { description: 'x' },
        metadata: { additionalContext: { n: 1 } },
      }),
    ).toEqual(['$.metadata.additionalContext.n: must be string, is number']);
  });
});

describe.each(cases)('every rendering of $name', ({ alert }) => {
  it('Slack: inside every Block Kit limit, with a top-level text', () => {
    const message = renderSlackMessage(alert, {
      history: ALERT_STATES.map((state, i) => ({ state, occurredAt: `2026-12-03T10:0${i}:00Z` })),
    });

    expect(slackLimitViolations(message)).toEqual([]);
    expect(message.text.length).toBeGreaterThan(0);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockText);
    const header = message.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(150);
  });

  it('Amazon Q Developer: valid against the documented schema, under 256 KiB, and carries the alert', () => {
    const notification = renderChatbotNotification(alert);
    const body = JSON.stringify(notification);

    expect(schemaErrors(fixture.schema, notification)).toEqual([]);
    expect(utf8Bytes(body)).toBeLessThanOrEqual(CHATBOT_NOTIFICATION_BUDGET_BYTES);
    expect(notification.metadata?.threadId).toBe(alert.incidentId);
    expect(notification.content.description.length).toBeLessThanOrEqual(3000);
    expect(notification.content.title?.length).toBeLessThanOrEqual(150);
    const back = alertFromNotification(body);
    expect(back).toEqual(AlertSchema.parse(back));
    expect(back.incidentId).toBe(alert.incidentId);
    expect(back.state).toBe(alert.state);
  });

  it('plain text: names the state, the target, the cluster and the incident', () => {
    const text = renderPlainText(alert);

    expect(text).toContain(alert.target.name.slice(0, 100));
    expect(text).toContain(alert.cluster);
    expect(text).toContain(alert.incidentId);
    expect(text.length).toBeLessThan(60_000);
  });
});

describe('renderChatbotNotification', () => {
  it('carries a typical alert unchanged', () => {
    const alert = exampleAlert('reverted');

    expect(alertFromNotification(JSON.stringify(renderChatbotNotification(alert)))).toEqual(alert);
  });

  it('keeps the notification under budget when the alert alone is far over 256 KiB, and the alert it carries is still valid', () => {
    const alert = largestAlert('failing');
    alert.trigger.message = '€'.repeat(300_000); // 900 KB of UTF-8
    alert.verdict = {
      verdict: 'fail',
      summary: 'x',
      evidence: Array.from({ length: 5000 }, () => '"\\'.repeat(200)),
    };

    const body = JSON.stringify(renderChatbotNotification(alert));
    const back = alertFromNotification(body);

    expect(utf8Bytes(body)).toBeLessThanOrEqual(CHATBOT_NOTIFICATION_BUDGET_BYTES);
    expect(back.incidentId).toBe(alert.incidentId);
    expect(back.occurredAt).toBe(alert.occurredAt);
    expect(back.trigger.message?.length).toBeLessThan(alert.trigger.message.length);
  });

  it('says what it is: threadId, eventType, keywords, related links and the context keys', () => {
    const notification = renderChatbotNotification(exampleAlert('pull-request-opened'));

    expect(notification.metadata).toMatchObject({
      threadId: 'inc-fluxguard-production-eu-central-1-apps-9f1c2b7',
      eventType: 'fluxguard.pull-request-opened',
      relatedResources: expect.arrayContaining(['https://github.com/acme/gitops/pull/42']),
      additionalContext: expect.objectContaining({
        state: 'pull-request-opened',
        target: 'Kustomization/flux-system/apps',
        severity: 'critical',
      }),
    });
    expect(notification.content.keywords).toEqual([
      'production',
      'fluxguard-production-eu-central-1',
      'pull-request-opened',
      'critical',
      'Kustomization',
    ]);
    expect(notification.content.nextSteps?.[0]).toBe(
      '<https://github.com/acme/gitops/pull/42|Revert pull request #42>',
    );
  });
});

describe('untrusted text', () => {
  it('never becomes a mention or a link in Slack or Amazon Q Developer', () => {
    const alert = largestAlert('failing');
    const slack = JSON.stringify(renderSlackMessage(alert));
    const chatbot = renderChatbotNotification(alert);
    const chatbotText = JSON.stringify(chatbot.content);

    for (const text of [slack, chatbotText]) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<https://evil.example');
      expect(text).toContain('&lt;!channel&gt;');
    }
  });

  it('cannot close a code block early', () => {
    const alert = exampleAlert('failing');
    alert.trigger.message = 'a```b';
    const message = renderSlackMessage(alert);
    const trigger = message.blocks.find(
      (b) => b.type === 'section' && b.text?.text.startsWith('*Trigger message*'),
    );

    expect(trigger?.type === 'section' && trigger.text?.text).toBe(
      '*Trigger message*\n```a`\u200b`\u200b`b```',
    );
  });

  it('links only http(s) URLs', () => {
    const alert = exampleAlert('reverted');
    alert.actions = [{ kind: 'revert-commit', label: 'Revert', url: 'javascript:alert(1)' }];
    const text = JSON.stringify(renderSlackMessage(alert));

    expect(text).toContain('• Revert');
    expect(text).not.toContain('javascript:');
  });
});

describe('renderSlackMessage', () => {
  it('cuts 200 evidence lines by design and says how many it left out', () => {
    const message = renderSlackMessage(largestAlert('failing'));
    const evidence = message.blocks.find(
      (b) => b.type === 'section' && b.text?.text.startsWith('*Evidence*'),
    );
    const text = evidence?.type === 'section' ? (evidence.text?.text ?? '') : '';

    expect(text).toMatch(/_… and \d+ more lines_$/);
    expect(text.length).toBeLessThanOrEqual(2500);
  });

  it('shows the incident history on the root message', () => {
    const message = renderSlackMessage(exampleAlert('recovered'), {
      history: [
        { state: 'failing', occurredAt: '2026-12-03T10:00:05Z' },
        { state: 'reverted', occurredAt: '2026-12-03T10:01:10Z' },
        { state: 'recovered', occurredAt: '2026-12-03T10:07:12Z' },
      ],
    });
    const context = message.blocks.at(-1);

    expect(context?.type === 'context' && context.elements[0]?.text).toMatch(
      /^failing 10:00 → reverted 10:01 → recovered 10:07\n/,
    );
  });

  it('reports every limit a hand-made message breaks', () => {
    const problems = slackLimitViolations({
      text: '',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        {
          type: 'section',
          fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f'.repeat(2001) })),
        },
        ...Array.from({ length: 49 }, () => ({ type: 'divider' as const })),
      ],
    });

    expect(problems).toEqual(
      [
        'no top-level text',
        '51 blocks',
        'header 0 is 151 characters',
        'section 1 has 11 fields',
        ...Array.from({ length: 11 }, () => 'a field of section 1 is 2001 characters'),
        'blocks hold 22162 characters of text',
      ].filter((p) => p !== '50 blocks'),
    );
  });
});

describe('alertFromNotification', () => {
  it.each([
    ['not JSON', 'nope', 'the message is not JSON'],
    [
      'the documented sample',
      JSON.stringify(fixture.samples.full),
      'the notification carries no fluxguard alert',
    ],
    [
      'a CloudWatch alarm',
      JSON.stringify({ AlarmName: 'x' }),
      'not an Amazon Q Developer custom notification',
    ],
    [
      'an alert of an unknown state',
      JSON.stringify(renderChatbotNotification(exampleAlert('failing'))).replace(
        '\\"state\\":\\"failing\\"',
        '\\"state\\":\\"exploded\\"',
      ),
      'does not match the alert model (state)',
    ],
  ])('refuses %s with a typed error', (_name, body, message) => {
    expect(() => alertFromNotification(body)).toThrow(NotAnAlertError);
    expect(() => alertFromNotification(body)).toThrow(message);
  });
});

describe('alertMessageAttributes', () => {
  it('sets severity, cluster, environment, target and state as String attributes', () => {
    expect(alertMessageAttributes(exampleAlert('reverted'))).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      cluster: { DataType: 'String', StringValue: 'fluxguard-production-eu-central-1' },
      environment: { DataType: 'String', StringValue: 'production' },
      target: { DataType: 'String', StringValue: 'Kustomization/flux-system/apps' },
      state: { DataType: 'String', StringValue: 'reverted' },
    });
  });
});

describe('AlertSchema', () => {
  it.each([
    ['a missing incident id', (a: Alert) => ({ ...a, incidentId: '' })],
    ['a time that is not RFC 3339', (a: Alert) => ({ ...a, occurredAt: '3 Dec 2026' })],
    ['a negative time to recovery', (a: Alert) => ({ ...a, timeToRecoverySeconds: -1 })],
    ['another version', (a: Alert) => ({ ...a, version: 2 })],
    ['an unknown target kind', (a: Alert) => ({ ...a, target: { ...a.target, kind: 'Deployment' } })],
  ])('refuses %s', (_name, change) => {
    expect(AlertSchema.safeParse(change(exampleAlert('failing'))).success).toBe(false);
  });

  it('accepts every example, and RFC 3339 times with an offset', () => {
    for (const state of ALERT_STATES)
      expect(AlertSchema.parse(exampleAlert(state))).toEqual(exampleAlert(state));
    expect(
      AlertSchema.safeParse({ ...exampleAlert('failing'), occurredAt: '2026-12-03T11:00:05+01:00' }).success,
    ).toBe(true);
  });
});
