import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command.js';
import { replayInput } from '../../cli/commands/replay.js';
import { amAlert, amPayload, appLabels } from '../support/alertmanager-payloads.js';

const now = new Date('2026-12-03T10:02:05.000Z');
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('fluxguard replay with an Alertmanager payload', () => {
  it('replays it as the message the webhook would queue', () => {
    const input = replayInput(bytes(amPayload({ notification_reason: 'first notification' })), {}, now);
    expect(input.source).toBe('alertmanager');
    if (input.source !== 'alertmanager') return;
    expect(input.alertmanager).toMatchObject({
      status: 'firing',
      receivedAt: '2026-12-03T10:02:05.000Z',
      target: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      alerts: [
        { alertname: 'SreChallengeHealthProbeFailing', generatorURL: expect.stringContaining('/graph') },
      ],
    });
  });

  it('takes the cluster from CLUSTER_NAME when the alerts carry none', () => {
    const { cluster: _c, ...labels } = appLabels();
    const input = replayInput(
      bytes(amPayload({ alerts: [amAlert({ labels })] })),
      { CLUSTER_NAME: 'local' },
      now,
    );
    expect(input.source === 'alertmanager' && input.alertmanager.cluster).toBe('local');
  });

  it.each([
    [
      'a heartbeat',
      amPayload({ notification_reason: 'repeat interval elapsed' }),
      /makes no incident \(heartbeat\)/,
    ],
    [
      'alerts for two objects',
      amPayload({
        alerts: [
          amAlert(),
          amAlert({ fingerprint: 'f2', labels: { ...appLabels(), kustomization: 'other' } }),
        ],
      }),
      /names 2 objects .*: replay one at a time/,
    ],
    [
      'a payload that is not version 4 in shape',
      { ...amPayload(), status: 'pending' },
      /does not match version 4/,
    ],
  ])('refuses %s with a usage error', (_name, payload, message) => {
    expect(() => replayInput(bytes(payload), {}, now)).toThrow(UsageError);
    expect(() => replayInput(bytes(payload), {}, now)).toThrow(message);
  });
});
