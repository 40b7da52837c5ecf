/**
 * Prometheus alerts through the worker: a firing fluxguard alert is treated like a CloudWatch
 * alarm. Inside the bake window of a newly applied revision it is a confirmed failure (the rule's
 * `for:` confirmed it) and the revision is reverted, unless validation shows the rollout still in
 * progress or Alertmanager truncated the evidence; outside, it is "not caused by a deploy".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  AlertmanagerPayloadSchema,
  type IncidentInput,
  parseIncidentInput,
  translateAlertmanagerPayload,
} from '../../../lambdas/incidents/index.js';
import { amAlert, amPayload, appLabels } from '../../support/alertmanager-payloads.js';
import { type World, world } from './support/world.js';

const REPO_ROOT = join(import.meta.dirname, '../../..');
const RULE = 'SreChallengeHealthProbeFailing';

function seconds(duration: string): number {
  const match = /^(\d+)([smh])$/.exec(duration);
  if (!match) throw new Error(`not a simple duration: ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}

/** The `for:` of the /health rule in the GitOps tree, and the fluxguard route's group_wait. */
function confirmation(): { forSeconds: number; groupWaitSeconds: number } {
  const rule = parse(
    readFileSync(join(REPO_ROOT, 'gitops/apps/base/sre-challenge/prometheusrule.yaml'), 'utf8'),
  );
  const alert = rule.spec.groups[0].rules.find((r: { alert?: string }) => r.alert === RULE);
  const stack = parse(
    readFileSync(
      join(REPO_ROOT, 'gitops/infrastructure/base/controllers/kube-prometheus-stack/helmrelease.yaml'),
      'utf8',
    ),
  );
  const route = stack.spec.values.alertmanager.config.route.routes.find(
    (r: { receiver: string }) => r.receiver === 'fluxguard',
  );
  return { forSeconds: seconds(alert.for), groupWaitSeconds: seconds(route.group_wait) };
}

/** What Alertmanager posts for the /health alert on Kustomization flux-system/apps, through the webhook's translation. */
function alertmanagerMessage(
  w: World,
  options: { status?: 'firing' | 'resolved'; startsAt: Date; endsAt?: Date; truncatedAlerts?: number },
): IncidentInput {
  const labels = { ...appLabels(RULE), cluster: 'prod', deployment: 'web' };
  const alert = amAlert({
    status: options.status ?? 'firing',
    labels,
    startsAt: options.startsAt.toISOString(),
    ...(options.endsAt ? { endsAt: options.endsAt.toISOString() } : {}),
  });
  const payload = AlertmanagerPayloadSchema.parse(
    amPayload({
      status: options.status ?? 'firing',
      alerts: [alert],
      truncatedAlerts: options.truncatedAlerts ?? 0,
      notification_reason: options.status === 'resolved' ? 'all alerts resolved' : 'first notification',
    }),
  );
  const [entry] = translateAlertmanagerPayload(payload, { receivedAt: w.clock.now }).entries;
  if (!entry) throw new Error('the payload made no queue message');
  return parseIncidentInput(JSON.stringify(entry.message));
}

const plus = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('a firing fluxguard alert', () => {
  it('reverts a revision whose pods stay Ready but whose /health probe fails, within the rule’s for: plus the worker’s action', async () => {
    // Prepare: Flux applies the new revision; its pods are Ready; /health fails from 30 s later
    w = await world(undefined, { reapplyPullRequest: false });
    const failing = w.shas[1] as string;
    w.deploy({ state: 'healthy', attempted: failing, failed: false });
    await w.run(w.flux({ reason: 'Progressing', severity: 'info', revision: `main@sha1:${failing}` }));
    const { forSeconds, groupWaitSeconds } = confirmation();
    const probeFailingFrom = plus(w.clock.now, 30);
    const firesAt = plus(probeFailingFrom, forSeconds);

    // Act: Alertmanager delivers the notification group_wait after the alert fired
    w.clock.now = plus(firesAt, groupWaitSeconds);
    const outcome = await w.run(alertmanagerMessage(w, { startsAt: firesAt }));

    // Assess
    expect(outcome).toMatchObject({
      kind: 'acted',
      code: 'confirmed-failure',
      revision: `main@sha1:${failing}`,
    });
    expect(await w.commitsAfter(failing)).toHaveLength(1);
    expect((w.clock.now.getTime() - probeFailingFrom.getTime()) / 1000).toBe(forSeconds + groupWaitSeconds);
    expect(forSeconds).toBe(120);
    expect(w.alerts()[0]).toMatchObject({
      state: 'reverted',
      trigger: {
        source: 'alertmanager',
        reason: RULE,
        message: 'sre-challenge-app fails its /health probe',
        link: expect.stringContaining('/graph?g0.expr='),
      },
    });
  });

  it('outside any bake window: "not caused by a deploy", nothing reverted; the resolve recovers the incident', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'healthy', attempted: failing, failed: false });

    // Act
    const fired = await w.run(alertmanagerMessage(w, { startsAt: w.clock.now }));
    const firedAt = w.clock.now;
    w.clock.now = plus(w.clock.now, 300);
    const resolved = await w.run(
      alertmanagerMessage(w, { status: 'resolved', startsAt: firedAt, endsAt: w.clock.now }),
    );

    // Assess
    expect(fired).toMatchObject({ kind: 'alerted', code: 'not-caused-by-deploy' });
    expect(resolved).toMatchObject({ code: 'alarm-ok', incidentId: fired.incidentId });
    expect(await w.commitsAfter(failing)).toEqual([]);
    expect(w.alerts().map((a) => [a.state, a.trigger.source])).toEqual([
      ['not-caused-by-deploy', 'alertmanager'],
      ['recovered', 'alertmanager'],
    ]);
  });

  it('does not revert while validation shows the rollout still in progress', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'progressing', attempted: failing, failed: false });
    await w.run(w.flux({ reason: 'Progressing', severity: 'info', revision: `main@sha1:${failing}` }));

    // Act
    w.clock.now = plus(w.clock.now, 150);
    const outcome = await w.run(alertmanagerMessage(w, { startsAt: plus(w.clock.now, -10) }));

    // Assess
    expect(outcome).toMatchObject({ kind: 'alerted', code: 'inconclusive' });
    expect(await w.commitsAfter(failing)).toEqual([]);
    expect(w.alerts()[0]).toMatchObject({ state: 'inconclusive' });
  });

  it('never reverts on evidence Alertmanager truncated', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'healthy', attempted: failing, failed: false });
    await w.run(w.flux({ reason: 'Progressing', severity: 'info', revision: `main@sha1:${failing}` }));

    // Act
    w.clock.now = plus(w.clock.now, 150);
    const outcome = await w.run(
      alertmanagerMessage(w, { startsAt: plus(w.clock.now, -10), truncatedAlerts: 4 }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'alerted', code: 'inconclusive' });
    expect(await w.commitsAfter(failing)).toEqual([]);
  });
});
