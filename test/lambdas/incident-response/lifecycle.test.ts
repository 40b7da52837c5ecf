import { afterEach, describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../../lambdas/incident-response/index.js';
import type { IncidentInput } from '../../../lambdas/incidents/index.js';
import { parseIncidentInput } from '../../../lambdas/incidents/index.js';
import { app } from '../../../sandbox/index.js';
import { fixtureJson } from '../../support/fixtures.js';
import { APP_PATH, helmReleaseApplied, type World, world } from './support/world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const BUMP_143 = { message: 'Bump web to 1.4.3', files: { [`${APP_PATH}/web.yaml`]: 'image: web:1.4.3\n' } };
const APPS: ObjectRef = { cluster: 'prod', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' };
const ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-5xx';
const TAGS = {
  [ALARM_ARN]: { 'fluxguard:cluster': 'prod', 'fluxguard:target': 'Kustomization/flux-system/apps' },
};

/** The EventBridge alarm fixture, for the `web-5xx` alarm, in `state` at `at`. */
function alarmEvent(state: 'ALARM' | 'OK', at: Date): IncidentInput {
  const event = fixtureJson<Record<string, unknown> & { detail: Record<string, Record<string, unknown>> }>(
    'aws-events/cloudwatch-alarm-state-change.eventbridge.json',
  );
  event.resources = [ALARM_ARN];
  event.time = at.toISOString();
  (event.detail as Record<string, unknown>).alarmName = 'web-5xx';
  event.detail.state = {
    ...event.detail.state,
    value: state,
    timestamp: at.toISOString().replace('Z', '+0000'),
  };
  return parseIncidentInput(event);
}

/** Delivers every scheduled follow-up, moving the clock to its due time, until none is left or `until` says stop. */
async function bake(v: World, until: () => Promise<boolean> | boolean = () => false): Promise<number> {
  let delivered = 0;
  while (v.followUps.length > 0) {
    const next = v.followUps.shift();
    if (!next) break;
    v.clock.now = new Date(Date.parse(next.scheduledAt) + v.settings.followUpSeconds * 1000);
    await v.run({ source: 'follow-up', followUp: next }, next.id);
    delivered += 1;
    if (await until()) break;
  }
  return delivered;
}

describe('early detection through the bake window', () => {
  it('reverts a crash-looping revision from a follow-up check, before Flux’s own health-check timeout', async () => {
    // Prepare: Flux applied the new revision; its pods crash-loop
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing, failed: false });
    const appliedAt = w.clock.now.getTime();

    // Act
    const applied = await w.run(
      w.flux({ reason: 'Progressing', severity: 'info', revision: `main@sha1:${failing}` }),
    );
    const v = w;
    await bake(w, async () => (await v.commitsAfter(failing)).length > 0);

    // Assess
    expect(applied).toMatchObject({ kind: 'recorded', code: 'bake-started' });
    expect(await w.commitsAfter(failing)).toHaveLength(1);
    expect(w.clock.now.getTime() - appliedAt).toBeLessThan(5 * 60_000);
    expect(w.alerts().map((a) => [a.state, a.trigger.source])).toEqual([['reverted', 'follow-up']]);
  });

  it('never reverts a slow, healthy rollout: follow-ups until the bake window ends, then Flux decides', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'progressing', attempted: failing, failed: false });

    // Act
    await w.run(w.flux({ reason: 'Progressing', severity: 'info', revision: `main@sha1:${failing}` }));
    const checks = await bake(w);

    // Assess
    expect(checks).toBeGreaterThanOrEqual(8);
    expect(await w.commitsAfter(failing)).toEqual([]);
    expect(w.sns.messages).toEqual([]);
    const reasons = (await w.store.summary(50)).recentDecisions.map((d) => d.reason);
    expect(reasons[0]).toBe('bake-window-over');
    expect(reasons).not.toContain('confirmed-failure');
  });
});

describe('after Flux’s own health check failed', () => {
  it('a follow-up that finds the revision failing on every check reverts it, without a definitive pod state', async () => {
    // Prepare: the new revision's pods never become ready (no crash loop, no missing image); the
    // follow-ups see it failing but not definitively, so they only check again
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'deadline', attempted: failing, failed: false });
    await w.run(w.flux({ reason: 'Progressing', severity: 'info', revision: `main@sha1:${failing}` }));
    const next = w.followUps.shift();
    if (!next) throw new Error('no follow-up scheduled');
    w.clock.now = new Date(Date.parse(next.scheduledAt) + w.settings.followUpSeconds * 1000);
    const before = await w.run({ source: 'follow-up', followUp: next }, next.id);
    expect(before).toMatchObject({ code: 'not-definitive' });
    expect(await w.commitsAfter(failing)).toEqual([]);

    // Act: Flux reports HealthCheckFailed for it (Ready=False), and the next follow-up runs
    w.deploy({ state: 'deadline', attempted: failing, failed: true });
    const v = w;
    await bake(w, async () => (await v.commitsAfter(failing)).length > 0);

    // Assess: reverted by the follow-up, in one thread
    expect(await w.commitsAfter(failing)).toHaveLength(1);
    expect(w.alerts().map((a) => [a.state, a.trigger.source])).toEqual([['reverted', 'follow-up']]);
    expect(w.alerts()[0]?.decision?.reason).toContain('after Flux reported HealthCheckFailed');
  });
});

describe('a success validation cannot verify at once', () => {
  it('is checked again, and its revision becomes last known good once validation passes', async () => {
    // Prepare: Flux reports success while the pods are still starting (no bake window watches it)
    w = await world();
    const good = w.shas[1] as string;
    w.deploy({ state: 'progressing', attempted: good, failed: false });

    // Act
    const success = await w.run(
      w.flux({ reason: 'ReconciliationSucceeded', severity: 'info', revision: `main@sha1:${good}` }),
    );
    w.deploy({ state: 'healthy', attempted: good, failed: false });
    const checks = await bake(w);

    // Assess
    expect(success).toMatchObject({ kind: 'recorded', code: 'success-not-verified' });
    expect(checks).toBe(1);
    expect((await w.store.loadObject(APPS)).lastKnownGood?.sha).toBe(good);
    expect(w.sns.messages).toEqual([]);
  });

  it('is left to the bake window of its revision when one already watches it: no second chain of checks', async () => {
    // Prepare: the revision was applied (the bake window started), then Flux reports success early
    w = await world();
    const good = w.shas[1] as string;
    w.deploy({ state: 'progressing', attempted: good, failed: false });
    await w.run(w.flux({ reason: 'Progressing', severity: 'info', revision: `main@sha1:${good}` }));

    // Act
    const success = await w.run(
      w.flux({ reason: 'ReconciliationSucceeded', severity: 'info', revision: `main@sha1:${good}` }),
    );

    // Assess: the bake window's one follow-up is all that is scheduled
    expect(success).toMatchObject({ kind: 'ignored', code: 'success-not-verified' });
    expect(w.followUps).toHaveLength(1);
  });
});

describe('after a revert', () => {
  it('resolves the incident in the same thread once Flux applied the revert and validation passes, and records it as last known good', async () => {
    // Prepare: a reverted incident
    w = await world(
      [{ message: 'Bump web to 1.4.3', files: { [`${APP_PATH}/web.yaml`]: 'image: web:1.4.3\n' } }],
      {
        reapplyPullRequest: false,
      },
    );
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    const reverted = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );
    const revert = reverted.revert?.commitSha as string;

    // Act: 48 s later Flux applied the revert and the app is healthy
    w.clock.now = new Date(w.clock.now.getTime() + 48_000);
    w.deploy({ state: 'healthy', attempted: revert, failed: false });
    const recovered = await w.run(
      w.flux({ reason: 'ReconciliationSucceeded', severity: 'info', revision: `main@sha1:${revert}` }),
    );

    // Assess
    expect(recovered).toMatchObject({ kind: 'alerted', code: 'recovered', incidentId: reverted.incidentId });
    const alerts = w.alerts();
    expect(alerts.map((a) => a.state)).toEqual(['reverted', 'recovered']);
    expect(alerts[1]).toMatchObject({ incidentId: reverted.incidentId, timeToRecoverySeconds: 48 });
    // The recovery says what fluxguard did in this incident, not "No change made".
    expect(alerts[1]?.actions.map((x) => x.kind)).toEqual(alerts[0]?.actions.map((x) => x.kind));
    expect(alerts[1]?.actions).toContainEqual(
      expect.objectContaining({ kind: 'revert-commit', url: expect.stringContaining(revert) }),
    );
    const state = await w.store.loadObject(APPS);
    expect(state.lastKnownGood?.sha).toBe(revert);
    expect(state.incidents[0]?.state).toBe('recovered');
  });

  it('makes no new revert when the revert’s own revision fails: a critical alert, and the breaker opens', async () => {
    // Prepare
    w = await world(undefined, { reapplyPullRequest: false });
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    const reverted = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );
    const revert = reverted.revert?.commitSha as string;

    // Act
    w.clock.now = new Date(w.clock.now.getTime() + 6 * 60_000);
    w.deploy({ state: 'crashloop', attempted: revert });
    const outcome = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${revert}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'alerted', code: 'revert-failed' });
    expect(await w.commitsAfter(revert)).toEqual([]);
    expect(w.alerts().map((a) => [a.state, a.severity])).toEqual([
      ['reverted', 'critical'],
      ['not-recovered', 'critical'],
    ]);
    expect((await w.store.loadObject(APPS)).breaker?.open).toBe(true);
  });
});

describe('without a direct revert', () => {
  it('pull-request mode: once the revert pull request is merged and its revision is healthy, the incident resolves in the same thread; a flapping success of the failing revision and a repeat do not', async () => {
    // Prepare: the object asks for pull requests; its rollout fails
    w = await world(undefined, { defaultMode: 'pull-request' });
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    const opened = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );
    expect(opened).toMatchObject({ kind: 'acted', revert: { outcome: 'pull-request-opened' } });

    // Act 1: Flux reports success for the failing revision itself (a flap): no recovery
    w.clock.now = new Date(w.clock.now.getTime() + 30_000);
    w.deploy({ state: 'healthy', attempted: failing, failed: false });
    const flap = await w.run(
      w.flux({ reason: 'ReconciliationSucceeded', severity: 'info', revision: `main@sha1:${failing}` }),
    );

    // Act 2: a person merges the pull request (main fast-forwards to its branch); Flux applies it
    const head = w.github.pulls[0]?.head as string;
    const merged = (await w.repo.git(['rev-parse', `refs/heads/${head}`])).trim();
    await w.repo.git(['update-ref', 'refs/heads/main', merged]);
    w.clock.now = new Date(w.clock.now.getTime() + 270_000);
    w.deploy({ state: 'healthy', attempted: merged, failed: false });
    const success = w.flux({
      reason: 'ReconciliationSucceeded',
      severity: 'info',
      revision: `main@sha1:${merged}`,
    });
    const recovered = await w.run(success);
    const again = await w.run(success);

    // Assess
    expect(flap.code).not.toBe('recovered');
    expect(recovered).toMatchObject({ kind: 'alerted', code: 'recovered', incidentId: opened.incidentId });
    expect(again.code).not.toBe('recovered');
    const alerts = w.alerts();
    expect(alerts.map((a) => [a.state, a.incidentId])).toEqual([
      ['pull-request-opened', opened.incidentId],
      ['recovered', opened.incidentId],
    ]);
    expect(alerts[1]).toMatchObject({ severity: 'info', timeToRecoverySeconds: 300 });
    expect(alerts[1]?.actions).toContainEqual(
      expect.objectContaining({ kind: 'pull-request', url: expect.stringContaining('/pull/') }),
    );
    expect(alerts[1]?.decision?.reason).toContain(
      `recovered at ${merged.slice(0, 7)}, 300 s after the failure`,
    );
    const state = await w.store.loadObject(APPS);
    expect(state.incidents.map((i) => [i.id, i.state])).toEqual([[opened.incidentId, 'recovered']]);
    expect(state.lastKnownGood?.sha).toBe(merged);
    expect(await w.commitsAfter(merged)).toEqual([]);
  });

  it('a fix in flight: the newer commit’s healthy rollout resolves the incident in the same thread', async () => {
    // Prepare: the branch already holds a newer commit changing the same path
    w = await world([
      BUMP_143,
      { message: 'Bump web to 1.4.4', files: { [`${APP_PATH}/web.yaml`]: 'image: web:1.4.4\n' } },
    ]);
    const [, failing, fix] = w.shas as [string, string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    const watching = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Act: Flux applies the fix and it is healthy
    w.clock.now = new Date(w.clock.now.getTime() + 90_000);
    w.deploy({ state: 'healthy', attempted: fix, failed: false });
    const recovered = await w.run(
      w.flux({ reason: 'ReconciliationSucceeded', severity: 'info', revision: `main@sha1:${fix}` }),
    );

    // Assess
    expect(watching).toMatchObject({ kind: 'alerted', code: 'fix-in-flight' });
    expect(recovered).toMatchObject({ kind: 'alerted', code: 'recovered', incidentId: watching.incidentId });
    expect(w.alerts().map((a) => [a.state, a.incidentId])).toEqual([
      ['failing', watching.incidentId],
      ['recovered', watching.incidentId],
    ]);
    expect((await w.store.loadObject(APPS)).incidents[0]?.state).toBe('recovered');
  });
});

describe('without a direct revert: dry run, alert only, alarms', () => {
  it.each([
    ['a dry run', { dryRun: true }, 'reverting'],
    ['alert-only mode', { defaultMode: 'alert-only' as const }, 'alert-only'],
  ])(
    '%s: a fix pushed by a person and healthy on its revision resolves the incident in the same thread',
    async (_, settings, first) => {
      // Prepare
      w = await world(undefined, settings);
      const failing = w.shas[1] as string;
      w.deploy({ state: 'crashloop', attempted: failing });
      const failed = await w.run(
        w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
      );

      // Act: a person pushes the fix; Flux applies it, healthy
      const [fix] = (await w.repo.commit('main', [
        { message: 'Fix web', files: { [`${APP_PATH}/web.yaml`]: 'image: web:1.4.4\n' } },
      ])) as [string];
      w.clock.now = new Date(w.clock.now.getTime() + 120_000);
      w.deploy({ state: 'healthy', attempted: fix, failed: false });
      const recovered = await w.run(
        w.flux({ reason: 'ReconciliationSucceeded', severity: 'info', revision: `main@sha1:${fix}` }),
      );

      // Assess
      expect(recovered).toMatchObject({ kind: 'alerted', code: 'recovered', incidentId: failed.incidentId });
      expect(w.alerts().map((a) => [a.state, a.incidentId])).toEqual([
        [first, failed.incidentId],
        ['recovered', failed.incidentId],
      ]);
      expect(w.alerts()[1]?.timeToRecoverySeconds).toBe(120);
      expect((await w.store.loadObject(APPS)).incidents[0]?.state).toBe('recovered');
    },
  );

  it('an alarm’s incident is not resolved by a healthy rollout, only by its alarm’s OK', async () => {
    // Prepare: alert-only; an alarm fires in the bake window of the revision applied last
    w = await world(undefined, { defaultMode: 'alert-only' }, { tags: TAGS });
    const failing = w.shas[1] as string;
    w.deploy({ state: 'healthy', attempted: failing, failed: false });
    await w.run(w.flux({ reason: 'Progressing', severity: 'info', revision: `main@sha1:${failing}` }));
    w.clock.now = new Date(w.clock.now.getTime() + 3 * 60_000);
    const fired = await w.run(alarmEvent('ALARM', w.clock.now));

    // Act: a fix is healthy, then the alarm goes back to OK
    const [fix] = (await w.repo.commit('main', [
      { message: 'Fix web', files: { [`${APP_PATH}/web.yaml`]: 'image: web:1.4.4\n' } },
    ])) as [string];
    w.clock.now = new Date(w.clock.now.getTime() + 60_000);
    w.deploy({ state: 'healthy', attempted: fix, failed: false });
    const success = await w.run(
      w.flux({ reason: 'ReconciliationSucceeded', severity: 'info', revision: `main@sha1:${fix}` }),
    );
    w.clock.now = new Date(w.clock.now.getTime() + 60_000);
    const ok = await w.run(alarmEvent('OK', w.clock.now));

    // Assess
    expect(fired).toMatchObject({ kind: 'alerted', code: 'mode-alert-only' });
    expect(success).toMatchObject({ kind: 'recorded', code: 'verified-success' });
    expect(ok).toMatchObject({ code: 'alarm-ok', incidentId: fired.incidentId });
    expect(w.alerts().map((a) => a.state)).toEqual(['alert-only', 'recovered']);
  });
});

describe('HelmRelease incidents', () => {
  it('validates the HelmRelease and reverts its Kustomization’s path', async () => {
    // Prepare: Kustomization flux-system/apps applied the HelmRelease whose upgrade to 6.7.1 fails
    w = await world([
      {
        message: 'podinfo 6.7.1',
        files: { [`${APP_PATH}/podinfo.yaml`]: 'chart: podinfo\nversion: 6.7.1\n' },
      },
    ]);
    const failing = w.shas[1] as string;
    w.deploy({ state: 'healthy', attempted: failing });
    w.kube.put(
      helmReleaseApplied('6.7.1'),
      ...app('podinfo', {
        state: 'crashloop',
        health: false,
        owner: {},
        labels: { 'helm.toolkit.fluxcd.io/name': 'podinfo', 'helm.toolkit.fluxcd.io/namespace': 'shop' },
      }),
    );

    // Act
    const outcome = await w.run(
      w.flux({
        kind: 'HelmRelease',
        namespace: 'shop',
        name: 'podinfo',
        reason: 'UpgradeFailed',
        severity: 'error',
        revision: '6.7.1',
      }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'reverted' } });
    const after = await w.commitsAfter(failing);
    expect(after).toHaveLength(1);
    const revert = (after[0] as string).split(' ')[0] as string;
    expect(await w.repo.diffNames(failing, revert)).toEqual([`${APP_PATH}/podinfo.yaml`]);
    expect(w.patches.filter((p) => p.endsWith('requestedAt'))).toEqual([
      'GitRepository/flux-system/flux-system requestedAt',
      'Kustomization/flux-system/apps requestedAt',
      'HelmRelease/shop/podinfo requestedAt',
    ]);
    expect(w.alerts()[0]).toMatchObject({
      target: { kind: 'HelmRelease', namespace: 'shop', name: 'podinfo' },
    });
  });
});

describe('a HelmRelease helm-controller already rolled back', () => {
  it('is reverted in git all the same, and the alert says so', async () => {
    // Prepare: the cluster runs the previous release again (healthy), git still declares 6.7.1
    w = await world([
      {
        message: 'podinfo 6.7.1',
        files: { [`${APP_PATH}/podinfo.yaml`]: 'chart: podinfo\nversion: 6.7.1\n' },
      },
    ]);
    const failing = w.shas[1] as string;
    w.deploy({ state: 'healthy', attempted: failing });
    w.kube.put(
      helmReleaseApplied('6.7.1'),
      ...app('podinfo', {
        state: 'healthy',
        health: false,
        owner: {},
        labels: { 'helm.toolkit.fluxcd.io/name': 'podinfo', 'helm.toolkit.fluxcd.io/namespace': 'shop' },
      }),
    );

    // Act
    const outcome = await w.run(
      w.flux({
        kind: 'HelmRelease',
        namespace: 'shop',
        name: 'podinfo',
        reason: 'RollbackSucceeded',
        severity: 'info',
        revision: '6.7.1',
      }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'reverted' } });
    expect(await w.commitsAfter(failing)).toHaveLength(1);
    expect(w.alerts()[0]?.decision?.reason).toContain('helm-controller already rolled back in the cluster');
  });
});

describe('CloudWatch alarms', () => {
  it('blames the revision applied last for an alarm inside its bake window, and reverts it', async () => {
    // Prepare
    w = await world(undefined, { reapplyPullRequest: false }, { tags: TAGS });
    const failing = w.shas[1] as string;
    w.deploy({ state: 'healthy', attempted: failing, failed: false });
    await w.run(w.flux({ reason: 'Progressing', severity: 'info', revision: `main@sha1:${failing}` }));

    // Act
    w.clock.now = new Date(w.clock.now.getTime() + 3 * 60_000);
    const outcome = await w.run(alarmEvent('ALARM', w.clock.now));

    // Assess
    expect(outcome).toMatchObject({
      kind: 'acted',
      code: 'confirmed-failure',
      revision: `main@sha1:${failing}`,
    });
    expect(await w.commitsAfter(failing)).toHaveLength(1);
    expect(w.alerts()[0]).toMatchObject({
      state: 'reverted',
      trigger: { source: 'alarm', reason: 'web-5xx' },
    });
  });

  it('outside any bake window: "not caused by a deploy", nothing reverted; back to OK resolves the incident', async () => {
    // Prepare
    w = await world(undefined, {}, { tags: TAGS });
    const failing = w.shas[1] as string;
    w.deploy({ state: 'healthy', attempted: failing, failed: false });

    // Act
    const fired = await w.run(alarmEvent('ALARM', w.clock.now));
    w.clock.now = new Date(w.clock.now.getTime() + 5 * 60_000);
    const ok = await w.run(alarmEvent('OK', w.clock.now));

    // Assess
    expect(fired).toMatchObject({ kind: 'alerted', code: 'not-caused-by-deploy' });
    expect(ok).toMatchObject({ code: 'alarm-ok', incidentId: fired.incidentId });
    expect(await w.commitsAfter(failing)).toEqual([]);
    expect(w.alerts().map((a) => a.state)).toEqual(['not-caused-by-deploy', 'recovered']);
  });

  it('ignores an alarm without fluxguard tags', async () => {
    w = await world();
    const outcome = await w.run(alarmEvent('ALARM', w.clock.now));
    expect(outcome).toMatchObject({
      kind: 'ignored',
      code: 'alarm-not-mapped',
      decision: { action: 'ignore', reason: 'alarm-not-mapped' },
    });
    expect(outcome.decision?.detail).toContain('web-5xx');
  });
});
