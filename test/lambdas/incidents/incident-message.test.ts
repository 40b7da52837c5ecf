import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cloudWatchTime,
  followUpMessage,
  parseIncidentInput,
  UnparseableMessageError,
} from '../../../lambdas/incidents/index.js';
import { fixtureJson, fixtureText } from '../../support/fixtures.js';

const alarmFixtures = readdirSync(new URL('../../fixtures/aws-events/', import.meta.url)).filter(
  (f) => f.startsWith('cloudwatch-alarm-') && f.endsWith('.eventbridge.json'),
);

describe('parseIncidentInput: CloudWatch alarm state changes as EventBridge delivers them', () => {
  it('finds the metric, metric-math and composite alarm fixtures', () => {
    expect(alarmFixtures.sort()).toEqual([
      'cloudwatch-alarm-composite.eventbridge.json',
      'cloudwatch-alarm-metric-math.eventbridge.json',
      'cloudwatch-alarm-state-change.eventbridge.json',
    ]);
  });

  it.each(alarmFixtures)('parses %s', (file) => {
    const input = parseIncidentInput(fixtureText(`aws-events/${file}`));
    expect(input.source).toBe('alarm');
    if (input.source !== 'alarm') return;
    expect(input.alarm.alarmArn).toMatch(/^arn:aws:cloudwatch:us-east-1:123456789012:alarm:/);
    expect(input.alarm.state).toBe('ALARM');
    expect(input.alarm.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(input.alarm.reasonData).toBeTypeOf('object');
  });

  it('tells metric, metric-math and composite alarms apart and parses reasonData from its string', () => {
    const kinds = Object.fromEntries(
      alarmFixtures.map((f) => {
        const input = parseIncidentInput(fixtureJson(`aws-events/${f}`));
        return [f, input.source === 'alarm' ? input.alarm.alarmKind : 'none'];
      }),
    );
    expect(kinds).toEqual({
      'cloudwatch-alarm-composite.eventbridge.json': 'composite',
      'cloudwatch-alarm-metric-math.eventbridge.json': 'metric-math',
      'cloudwatch-alarm-state-change.eventbridge.json': 'metric',
    });
    const composite = parseIncidentInput(
      fixtureJson('aws-events/cloudwatch-alarm-composite.eventbridge.json'),
    );
    expect(composite.source === 'alarm' && composite.alarm.reasonData).toEqual({
      triggeringAlarms: [
        {
          arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh',
          state: { value: 'ALARM', timestamp: '2022-07-22T15:57:45.394+0000' },
        },
      ],
    });
  });

  it('reads propagated alarm tags and a mute rule', () => {
    const event = fixtureJson<{ detail: Record<string, unknown> }>(
      'aws-events/cloudwatch-alarm-state-change.eventbridge.json',
    );
    event.detail.alarmTags = { 'fluxguard:target': 'Kustomization/flux-system/apps' };
    event.detail.muteDetail = { mutedByArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm-mute-rule:m' };
    const input = parseIncidentInput(event);
    expect(input.source === 'alarm' && input.alarm.tags).toEqual({
      'fluxguard:target': 'Kustomization/flux-system/apps',
    });
    expect(input.source === 'alarm' && input.alarm.muted).toBe(true);
  });

  it('converts CloudWatch timestamps (+0000) to ISO 8601 UTC', () => {
    expect(cloudWatchTime('2019-10-02T17:04:40.989+0000')).toBe('2019-10-02T17:04:40.989Z');
    expect(cloudWatchTime('2019-10-02T19:04:40.989+0200')).toBe('2019-10-02T17:04:40.989Z');
    expect(cloudWatchTime('2019-10-02T17:04:40Z')).toBe('2019-10-02T17:04:40.000Z');
  });
});

describe('parseIncidentInput: the webhook message and follow-ups', () => {
  it('parses a follow-up it built', () => {
    const followUp = followUpMessage({
      cluster: 'prod',
      target: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      revision: 'main@sha1:4f2b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c',
      appliedAt: '2026-05-04T12:31:07.000Z',
      check: 2,
      now: new Date('2026-05-04T12:32:07Z'),
    });
    expect(parseIncidentInput(JSON.stringify(followUp))).toEqual({ source: 'follow-up', followUp });
    expect(followUp.id).toBe(
      'prod/Kustomization/flux-system/apps@main@sha1:4f2b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c#2',
    );
  });

  it.each([
    ['not JSON', '{', 'not JSON'],
    ['an array', '[]', 'not a JSON object'],
    ['an unknown version', '{"version":2,"source":"flux"}', 'unknown message version 2'],
    ['an unknown source', '{"version":1,"source":"prometheus"}', 'unknown message source "prometheus"'],
    ['a Flux message of the wrong shape', '{"version":1,"source":"flux","id":"x"}', 'not a Flux message'],
    [
      'another CloudWatch event',
      '{"source":"aws.cloudwatch","detail-type":"CloudWatch Alarm Configuration Change"}',
      'unsupported CloudWatch event',
    ],
  ])('refuses %s with a typed error', (_, body, message) => {
    expect(() => parseIncidentInput(body)).toThrow(UnparseableMessageError);
    expect(() => parseIncidentInput(body)).toThrow(message);
  });
});
