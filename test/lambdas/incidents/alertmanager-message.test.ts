import { describe, expect, it } from 'vitest';
import {
  AlertmanagerPayloadSchema,
  AlertmanagerQueueMessageSchema,
  alertTarget,
  isAlertmanagerPayload,
  messageGroupId,
  parseIncidentInput,
  translateAlertmanagerPayload,
  UnparseableMessageError,
} from '../../../lambdas/incidents/index.js';
import { amAlert, amPayload, appLabels } from '../../support/alertmanager-payloads.js';

const receivedAt = new Date('2026-12-03T10:02:05.000Z');

function translate(payload: Record<string, unknown>, limit?: number) {
  return translateAlertmanagerPayload(AlertmanagerPayloadSchema.parse(payload), {
    receivedAt,
    defaultCluster: 'fallback-cluster',
    ...(limit ? { limit } : {}),
  });
}

describe('AlertmanagerPayloadSchema', () => {
  it('accepts a payload without notification_reason, routeLabels or truncatedAlerts (Alertmanager < 0.32)', () => {
    const { truncatedAlerts: _t, ...old } = amPayload();
    const parsed = AlertmanagerPayloadSchema.safeParse(old);
    expect(parsed.success).toBe(true);
    expect(parsed.data?.truncatedAlerts).toBe(0);
  });

  it.each([
    ['version 3', { version: '3' }],
    ['a status that is neither firing nor resolved', { status: 'pending' }],
    ['alerts that are not a list', { alerts: {} }],
    ['a negative truncatedAlerts', { truncatedAlerts: -1 }],
    ['an alert without a fingerprint', { alerts: [{ ...amAlert(), fingerprint: '' }] }],
    ['a label that is not a string', { alerts: [amAlert({ labels: { a: 1 } as never })] }],
  ])('rejects %s', (_name, overrides) => {
    expect(AlertmanagerPayloadSchema.safeParse(amPayload(overrides)).success).toBe(false);
  });
});

describe('alertTarget', () => {
  it('reads the Kustomization the rules join in from kube-state-metrics', () => {
    expect(alertTarget(appLabels())).toEqual({
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'apps',
    });
  });

  it('reads a HelmRelease', () => {
    expect(alertTarget({ helmrelease: 'podinfo', helmrelease_namespace: 'apps' })).toEqual({
      kind: 'HelmRelease',
      namespace: 'apps',
      name: 'podinfo',
    });
  });

  it.each([
    ['no namespace', { kustomization: 'apps' }],
    ['no labels at all', {}],
    ['two objects', { ...appLabels(), helmrelease: 'podinfo', helmrelease_namespace: 'apps' }],
  ])('names no object with %s', (_name, labels) => {
    expect(alertTarget(labels)).toBeUndefined();
  });
});

describe('translateAlertmanagerPayload', () => {
  it('turns a first notification into one firing message for the Kustomization, with the rule, summary and graph link', () => {
    // Act
    const { entries, skipped } = translate(amPayload({ notification_reason: 'first notification' }));

    // Assess
    expect(skipped).toEqual([]);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry?.groupId).toBe('fluxguard-staging-us-east-1/flux-system/Kustomization/apps');
    expect(entry?.deduplicationId).toBe(entry?.message.id);
    expect(entry?.message).toMatchObject({
      version: 1,
      source: 'alertmanager',
      cluster: 'fluxguard-staging-us-east-1',
      target: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      status: 'firing',
      notificationReason: 'first notification',
      receivedAt: '2026-12-03T10:02:05.000Z',
      evidenceIncomplete: false,
      omittedAlerts: 0,
    });
    expect(entry?.message.alerts[0]).toMatchObject({
      alertname: 'SreChallengeHealthProbeFailing',
      severity: 'critical',
      summary: 'sre-challenge-app fails its /health probe',
      generatorURL: expect.stringContaining('/graph?g0.expr='),
    });
    expect(entry?.message.alerts[0]?.endsAt).toBeUndefined();
    expect(AlertmanagerQueueMessageSchema.safeParse(entry?.message).success).toBe(true);
  });

  it.each([undefined, 'first notification', 'new alerts added'])(
    'treats firing alerts as a trigger when notification_reason is %s',
    (reason) => {
      const payload = amPayload(reason ? { notification_reason: reason } : {});
      expect(translate(payload).entries.map((e) => e.message.status)).toEqual(['firing']);
    },
  );

  it('queues nothing for a repeat: a heartbeat is never a trigger', () => {
    const { entries, skipped } = translate(amPayload({ notification_reason: 'repeat interval elapsed' }));
    expect(entries).toEqual([]);
    expect(skipped).toEqual([{ fingerprint: '*', reason: 'heartbeat' }]);
  });

  it('turns resolved alerts into a resolved message', () => {
    const payload = amPayload({
      status: 'resolved',
      notification_reason: 'all alerts resolved',
      alerts: [amAlert({ status: 'resolved', endsAt: '2026-12-03T10:09:00.000Z' })],
    });
    const [entry] = translate(payload).entries;
    expect(entry?.message.status).toBe('resolved');
    expect(entry?.message.alerts[0]?.endsAt).toBe('2026-12-03T10:09:00.000Z');
  });

  it('queues the resolve but not the alerts still firing unchanged when some alerts resolved', () => {
    const other = { ...appLabels(), kustomization: 'infrastructure-controllers' };
    const payload = amPayload({
      notification_reason: 'some alerts resolved',
      alerts: [
        amAlert({ status: 'resolved', fingerprint: 'f1' }),
        amAlert({ labels: other, fingerprint: 'f2' }),
      ],
    });
    const { entries, skipped } = translate(payload);
    expect(entries.map((e) => [e.message.target.name, e.message.status])).toEqual([['apps', 'resolved']]);
    expect(skipped).toEqual([{ fingerprint: 'f2', reason: 'nothing-new' }]);
  });

  it('makes one message per object, each in its own message group', () => {
    const payload = amPayload({
      alerts: [
        amAlert({ fingerprint: 'f1' }),
        amAlert({ fingerprint: 'f2', labels: { ...appLabels('SreChallengeRestarting') } }),
        amAlert({ fingerprint: 'f3', labels: { ...appLabels(), kustomization: 'other' } }),
      ],
    });
    const { entries } = translate(payload);
    expect(entries.map((e) => [e.groupId, e.message.alerts.map((a) => a.fingerprint)])).toEqual([
      ['fluxguard-staging-us-east-1/flux-system/Kustomization/apps', ['f1', 'f2']],
      ['fluxguard-staging-us-east-1/flux-system/Kustomization/other', ['f3']],
    ]);
  });

  it('skips alerts not labelled fluxguard="true" and alerts that name no object', () => {
    const { fluxguard: _f, ...unmarked } = appLabels();
    const { kustomization: _k, ...untargeted } = appLabels();
    const payload = amPayload({
      alerts: [
        amAlert({ fingerprint: 'u', labels: unmarked }),
        amAlert({ fingerprint: 'n', labels: untargeted }),
      ],
    });
    expect(translate(payload)).toEqual({
      entries: [],
      skipped: [
        { fingerprint: 'u', reason: 'not-fluxguard' },
        { fingerprint: 'n', reason: 'no-target' },
      ],
    });
  });

  it('uses the default cluster when the alert has no cluster label', () => {
    const { cluster: _c, ...labels } = appLabels();
    const [entry] = translate(amPayload({ alerts: [amAlert({ labels })] })).entries;
    expect(entry?.message.cluster).toBe('fallback-cluster');
    expect(entry?.groupId).toBe(
      messageGroupId({
        cluster: 'fallback-cluster',
        namespace: 'flux-system',
        kind: 'Kustomization',
        name: 'apps',
      }),
    );
  });

  it('marks the evidence incomplete when Alertmanager truncated alerts', () => {
    const [entry] = translate(amPayload({ truncatedAlerts: 3 })).entries;
    expect(entry?.message).toMatchObject({ evidenceIncomplete: true, omittedAlerts: 3 });
  });

  it('keeps the same deduplication id for a resend and changes it when an alert changes', () => {
    const id = (payload: Record<string, unknown>) => translate(payload).entries[0]?.deduplicationId;
    const first = id(amPayload());
    expect(id(amPayload())).toBe(first);
    expect(id(amPayload({ alerts: [amAlert({ startsAt: '2026-12-03T11:00:00.000Z' })] }))).not.toBe(first);
    expect(id(amPayload({ alerts: [amAlert({ status: 'resolved' })] }))).not.toBe(first);
    expect(id(amPayload({ groupKey: 'another' }))).not.toBe(first);
  });

  it('stays within the queue limit by leaving alerts out, and says so', () => {
    const big = 'x'.repeat(2_000);
    const alerts = Array.from({ length: 20 }, (_, i) =>
      amAlert({ fingerprint: `f${i}`, annotations: { summary: 's', description: big } }),
    );
    const [entry] = translate(amPayload({ alerts }), 10_000).entries;
    expect(Buffer.byteLength(JSON.stringify(entry?.message))).toBeLessThanOrEqual(10_000);
    expect(entry?.message.evidenceIncomplete).toBe(true);
    expect((entry?.message.alerts.length ?? 0) + (entry?.message.omittedAlerts ?? 0)).toBe(20);
  });
});

describe('parseIncidentInput: Alertmanager messages', () => {
  it('parses the webhook message', () => {
    const [entry] = translate(amPayload()).entries;
    const input = parseIncidentInput(JSON.stringify(entry?.message));
    expect(input.source).toBe('alertmanager');
    if (input.source === 'alertmanager') expect(input.alertmanager.target.name).toBe('apps');
  });

  it('refuses a malformed one with a typed error', () => {
    expect(() => parseIncidentInput({ version: 1, source: 'alertmanager', id: 'x' })).toThrow(
      UnparseableMessageError,
    );
  });
});

describe('isAlertmanagerPayload', () => {
  it('tells an Alertmanager payload from a queue message', () => {
    const [entry] = translate(amPayload()).entries;
    expect(isAlertmanagerPayload(amPayload())).toBe(true);
    expect(isAlertmanagerPayload(entry?.message)).toBe(false);
    expect(isAlertmanagerPayload({ version: '4', alerts: {} })).toBe(false);
    expect(isAlertmanagerPayload([amPayload()])).toBe(false);
  });
});
