/**
 * The stories `fluxguard simulate` plays, each with the checks that say it went as it must. The
 * checks read the timeline's kinds and data and the repository, never the wording.
 *
 * @module
 */
import { parse } from 'yaml';
import { MODE_ANNOTATION } from '../../lambdas/incident-response/index.js';
import {
  SIMULATED_CLUSTER,
  type SimulationRun,
  type SimulationWorld,
  type Story,
  type StoryCheck,
} from './simulation.js';
import type { TimelineStep } from './timeline.js';

const GOOD = '1.30.1-alpine';
const POLICY_FILE = 'gitops/apps/base/image-automation/imagepolicy.yaml';
/** The sample app's Kustomization timeout (gitops/clusters/production/apps.yaml). */
const FLUX_TIMEOUT_MS = 5 * 60_000;

const rev = (sha: string) => `main@sha1:${sha}`;
const dataOf = (step: TimelineStep | undefined, key: string) => String(step?.data[key] ?? '');

/** The revision of the first image automation push of the run. */
function badRevision(run: SimulationRun, nth = 0): string {
  return rev(dataOf(run.timeline.find('image-update')[nth], 'sha'));
}

function revertOf(run: SimulationRun, failing: string): TimelineStep | undefined {
  return run.timeline.find('revert-pushed').find((s) => s.data.failing === failing);
}

/** The story starts once the good revision is last known good: Flux applied it and validation passed. */
async function goodRevisionKnown(world: SimulationWorld): Promise<void> {
  await world.waitFor('decision', { action: 'record-known-good' });
}

/** Exactly one revert was pushed, and it reverts the image automation's push. */
const ONE_REVERT: StoryCheck = {
  name: 'fluxguard pushed exactly one revert, of it',
  holds: (r) => r.timeline.find('revert-pushed').length === 1 && revertOf(r, badRevision(r)) !== undefined,
};

/**
 * After a bad image was reverted: healthy on the revert, one thread ending `recovered`, and the
 * next image automation pass keeps the good tag.
 */
const RECOVERY_CHECKS: readonly StoryCheck[] = [
  {
    name: 'the cluster is healthy again on the revert',
    holds: (r) =>
      r.timeline.first('healthy', { revision: rev(dataOf(revertOf(r, badRevision(r)), 'commit')) }) !==
      undefined,
  },
  {
    name: 'the incident resolved in the same thread (failing or reverted, then recovered)',
    holds: (r) => {
      const recovered = r.alerts.find((a) => a.state === 'recovered');
      return (
        !!recovered && r.alerts.some((a) => a.incidentId === recovered.incidentId && a.state === 'reverted')
      );
    },
  },
  {
    name: 'the next image automation pass keeps the good tag',
    holds: (r) =>
      r.timeline.find('note').some((s) => s.data.tag === GOOD) &&
      r.timeline.find('image-update').length === 1,
  },
];

/** Checks of a bad image that fluxguard reverts before Flux's own timeout, and the recovery. */
function revertedEarly(tag: string): StoryCheck[] {
  return [
    {
      name: 'the image update was applied',
      holds: (r) => r.timeline.first('applied', { revision: badRevision(r) }) !== undefined,
    },
    ONE_REVERT,
    {
      name: "the revert was pushed before Flux's own health-check timeout",
      holds: (r) => {
        const applied = r.timeline.first('applied', { revision: badRevision(r) });
        const revert = revertOf(r, badRevision(r));
        return !!applied && !!revert && revert.atMs - applied.atMs < FLUX_TIMEOUT_MS;
      },
    },
    {
      name: 'Flux never reported HealthCheckFailed for the bad revision (its health check was canceled by the revert)',
      holds: (r) => r.timeline.find('health-check-failed', { revision: badRevision(r) }).length === 0,
    },
    {
      name: `the revert commit excludes ${tag} in the ImagePolicy`,
      // The range applies to the version the policy extracts (`1.30.2`), not to the tag.
      holds: async (r) =>
        new RegExp(`!=${tag.replace(/-alpine$/, '').replaceAll('.', '\\.')}(?=[\\s"']|$)`, 'm').test(
          await r.fileAtHead(POLICY_FILE),
        ),
    },
    {
      name: 'a reapply pull request was opened',
      holds: (r) => r.timeline.first('pull-request', { kind: 'reapply-pull-request' }) !== undefined,
    },
    {
      name: 'fluxguard asked Flux to reconcile the GitRepository and the Kustomization',
      holds: (r) => {
        const revert = revertOf(r, badRevision(r));
        const after = r.timeline.find('reconcile-requested').filter((s) => revert && s.atMs >= revert.atMs);
        return (
          after.some((s) => s.data.kind === 'GitRepository') &&
          after.some((s) => s.data.kind === 'Kustomization')
        );
      },
    },
    ...RECOVERY_CHECKS,
  ];
}

/** A bad image pushed by image automation, reverted before Flux's timeout, recovered. */
function badImageStory(
  name: string,
  tag: string,
  behaviour: 'crashloop' | 'imagepull',
  summary: string,
): Story {
  return {
    name,
    summary,
    images: { [tag]: behaviour },
    async play(world) {
      await goodRevisionKnown(world);
      const bad = await world.imageUpdate([GOOD, tag]);
      if (!bad) throw new Error('image automation did not push the new tag');
      const revert = await world.waitFor('revert-pushed', { failing: rev(bad) }, { limitMs: 15 * 60_000 });
      await world.waitFor('healthy', { revision: rev(String(revert.data.commit)) });
      // Recovery is judged by the checks below, not waited for without end: a story whose
      // incident never resolves must still finish and say so.
      await world.waitFor('alert', { state: 'recovered' }, { limitMs: 10 * 60_000 }).catch(() => undefined);
      // The automation's next run: the ImagePolicy now excludes the bad version.
      await world.imageUpdate([GOOD, tag]);
    },
    checks: revertedEarly(tag),
  };
}

const UNHEALTHY = '1.30.4-alpine';

/**
 * A tag whose `/health` answers 500: the pods run but never become ready, which is no definitive
 * failure (a slow rollout looks the same), so nothing is reverted early. Flux's own health check
 * fails at its timeout; while the Deployment is still within its progress deadline validation is
 * inconclusive (an alert, no revert), and the next follow-up that finds it failing on every check
 * reverts it, with the failing probe as evidence.
 */
const health500: Story = {
  name: 'health-500',
  summary:
    "image automation commits a tag whose /health answers 500: never ready, but no definitive pod failure, so nothing is reverted early; after Flux's own HealthCheckFailed a follow-up confirms the failure and fluxguard reverts; the cluster recovers",
  images: { [UNHEALTHY]: 'health-500' },
  async play(world) {
    await goodRevisionKnown(world);
    const bad = await world.imageUpdate([GOOD, UNHEALTHY]);
    if (!bad) throw new Error('image automation did not push the new tag');
    const revert = await world.waitFor('revert-pushed', { failing: rev(bad) }, { limitMs: 20 * 60_000 });
    await world.waitFor('healthy', { revision: rev(String(revert.data.commit)) });
    await world.waitFor('alert', { state: 'recovered' }, { limitMs: 10 * 60_000 }).catch(() => undefined);
    await world.imageUpdate([GOOD, UNHEALTHY]);
  },
  checks: [
    {
      name: 'Flux reported HealthCheckFailed for the bad revision at its timeout',
      holds: (r) => r.timeline.find('health-check-failed', { revision: badRevision(r) }).length > 0,
    },
    {
      name: "nothing was reverted before Flux's own health check failed (never ready is not a definitive failure)",
      holds: (r) => {
        const failed = r.timeline.first('health-check-failed', { revision: badRevision(r) });
        const revert = revertOf(r, badRevision(r));
        return !!failed && !!revert && revert.atMs >= failed.atMs;
      },
    },
    {
      name: "the revert came within 2 minutes of Flux's HealthCheckFailed (a follow-up confirmed it; Flux's retry was not awaited)",
      holds: (r) => {
        const failed = r.timeline.first('health-check-failed', { revision: badRevision(r) });
        const revert = revertOf(r, badRevision(r));
        return !!failed && !!revert && revert.atMs - failed.atMs < 2 * 60_000;
      },
    },
    ONE_REVERT,
    {
      name: 'the alert gives the failing /health probe as evidence',
      holds: (r) =>
        r.alerts.some(
          (a) => a.state === 'reverted' && (a.verdict?.evidence ?? []).some((e) => /\b500\b/.test(e)),
        ),
    },
    {
      name: `the revert commit excludes ${UNHEALTHY} in the ImagePolicy`,
      holds: async (r) => /!=1\.30\.4(?=[\s"']|$)/m.test(await r.fileAtHead(POLICY_FILE)),
    },
    ...RECOVERY_CHECKS,
  ],
};

/** Validation cannot read pods (403): fluxguard alerts with the evidence and reverts nothing. */
const inconclusive: Story = {
  name: 'inconclusive-403',
  summary:
    "the guard's RBAC cannot list pods (403): validation is inconclusive, fluxguard alerts and reverts nothing; Flux reports HealthCheckFailed on its own",
  images: { '1.30.2-alpine': 'crashloop' },
  async play(world) {
    await goodRevisionKnown(world);
    world.kube.faults.push(({ method, path }) =>
      method === 'GET' && /\/pods$/.test(path)
        ? {
            status: 403,
            message:
              'pods is forbidden: User "fluxguard-guard" cannot list resource "pods" in API group "" in the namespace "sre-challenge"',
          }
        : undefined,
    );
    world.timeline.add('story', 'fault', 'the Kubernetes API now answers 403 to the guard on pods');
    const bad = await world.imageUpdate([GOOD, '1.30.2-alpine']);
    await world.waitFor('health-check-failed', { revision: rev(bad ?? '') }, { limitMs: 15 * 60_000 });
    await world.waitFor('alert', { state: 'inconclusive' });
  },
  checks: [
    { name: 'nothing was reverted', holds: (r) => r.timeline.find('revert-pushed').length === 0 },
    {
      name: 'people were alerted that validation was inconclusive',
      holds: (r) => r.alerts.some((a) => a.state === 'inconclusive'),
    },
    {
      name: 'Flux reported HealthCheckFailed on its own',
      holds: (r) => r.timeline.find('health-check-failed').length > 0,
    },
    {
      name: 'the branch holds no fluxguard commit',
      holds: (r) => !r.gitLog.some((l) => / Revert /.test(` ${l.slice(8)}`)),
    },
  ],
};

/** Three bad pushes are reverted; the fourth finds the breaker open: alert only. */
const breaker: Story = {
  name: 'breaker',
  summary:
    'image automation pushes a crash-looping tag four times; fluxguard reverts three, then its breaker opens and it only alerts',
  images: {
    '1.30.2-alpine': 'crashloop',
    '1.30.3-alpine': 'crashloop',
    '1.30.4-alpine': 'crashloop',
    '1.30.5-alpine': 'crashloop',
  },
  async play(world) {
    await goodRevisionKnown(world);
    for (const tag of ['1.30.2-alpine', '1.30.3-alpine', '1.30.4-alpine']) {
      const since = world.clock.elapsedMs();
      const bad = await world.imageUpdate([GOOD, tag]);
      if (!bad) throw new Error(`image automation did not push ${tag}`);
      const revert = await world.waitFor('revert-pushed', { failing: rev(bad) }, { limitMs: 15 * 60_000 });
      await world.waitFor('healthy', { revision: rev(String(revert.data.commit)) });
      await world.waitFor('alert', { state: 'recovered' }, { since });
    }
    await world.imageUpdate([GOOD, '1.30.5-alpine']);
    await world.waitFor('alert', { state: 'breaker-open' }, { limitMs: 15 * 60_000 });
  },
  checks: [
    { name: 'three reverts were pushed', holds: (r) => r.timeline.find('revert-pushed').length === 3 },
    {
      name: 'the breaker opened with an alert',
      holds: (r) => r.alerts.some((a) => a.state === 'breaker-open'),
    },
    {
      name: 'the fourth bad revision was not reverted',
      holds: (r) => revertOf(r, badRevision(r, 3)) === undefined,
    },
  ],
};

/**
 * A release whose pods stay Ready while its `/health` probe fails: Flux reports success, and the
 * PrometheusRule's alert (after its `for: 2m`) reaches the webhook through Alertmanager inside the
 * bake window: fluxguard reverts it.
 */
const prometheus: Story = {
  name: 'prometheus-alert',
  summary:
    "a tag whose pods stay Ready but whose /health probe fails; Flux reports success, the PrometheusRule's alert fires inside the bake window and fluxguard reverts it",
  images: { '1.30.6-alpine': 'ready' },
  async play(world) {
    await goodRevisionKnown(world);
    const bad = await world.imageUpdate([GOOD, '1.30.6-alpine']);
    if (!bad) throw new Error('image automation did not push the new tag');
    const healthy = await world.waitFor('healthy', { revision: rev(bad) });
    // The blackbox probe fails from the first scrape; the rule's `for: 2m` then fires it.
    await world.clock.sleep(Math.max(0, healthy.atMs + 2 * 60_000 - world.clock.elapsedMs()));
    const startsAt = new Date(world.clock.now().getTime() - 2 * 60_000).toISOString();
    const labels = {
      alertname: 'SreChallengeHealthProbeFailing',
      cluster: SIMULATED_CLUSTER.name,
      fluxguard: 'true',
      severity: 'critical',
      namespace: 'sre-challenge',
      deployment: 'sre-challenge-app',
      kustomization: 'apps',
      kustomization_namespace: 'flux-system',
    };
    await world.alertmanager({
      version: '4',
      groupKey: '{}/{fluxguard="true"}:{alertname="SreChallengeHealthProbeFailing"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'fluxguard',
      groupLabels: { alertname: labels.alertname },
      commonLabels: labels,
      commonAnnotations: { summary: 'sre-challenge-app /health fails from the blackbox probe' },
      externalURL: 'http://alertmanager.monitoring.svc:9093',
      notification_reason: 'first notification',
      alerts: [
        {
          status: 'firing',
          labels,
          annotations: { summary: 'sre-challenge-app /health fails from the blackbox probe' },
          startsAt,
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus.monitoring.svc:9090/graph?g0.expr=probe_success',
          fingerprint: 'c4f1a2b3d4e5f607',
        },
      ],
    });
    const revert = await world.waitFor('revert-pushed', { failing: rev(bad) }, { limitMs: 10 * 60_000 });
    await world.waitFor('healthy', { revision: rev(String(revert.data.commit)) });
  },
  checks: [
    {
      name: 'Flux reported the bad revision healthy',
      holds: (r) => r.timeline.first('healthy', { revision: badRevision(r) }) !== undefined,
    },
    {
      name: 'the webhook queued the Alertmanager notification',
      holds: (r) => r.timeline.find('event-posted', { reason: 'alertmanager', status: 202 }).length === 1,
    },
    {
      name: 'fluxguard reverted the revision the alert blamed',
      holds: (r) => revertOf(r, badRevision(r)) !== undefined,
    },
    {
      name: 'the cluster is healthy on the revert',
      holds: (r) =>
        r.timeline.first('healthy', { revision: rev(dataOf(revertOf(r, badRevision(r)), 'commit')) }) !==
        undefined,
    },
    { name: 'people were alerted of the revert', holds: (r) => r.alerts.some((a) => a.state === 'reverted') },
  ],
};

/** The HelmRelease the Helm story upgrades, and the Kustomization that applies it. */
const RELEASE = 'kube-system/aws-load-balancer-controller';
const RELEASE_FILE = 'gitops/infrastructure/base/controllers/aws-load-balancer-controller/helmrelease.yaml';
const CONTROLLERS = 'flux-system/infrastructure-controllers';
const GOOD_CHART = '1.16.0';
const BAD_CHART = '1.17.0';
/** The controller version chart 1.17.0 ships: its image tag. */
const BAD_APP = 'v2.17.0';
/** helm-controller's ten-minute timeout (the HelmRelease's `spec.timeout`) and then a retry in flight. */
const HELM_LIMIT_MS = 30 * 60_000;
/** Helm's timeout, the worker's confirmation and a margin: no revert by then, none is coming. */
const REVERT_LIMIT_MS = 15 * 60_000;
const KUSTOMIZATION = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;

const CONTROLLERS_FILE = 'gitops/clusters/production/infrastructure-controllers.yaml';

/** The chart bump's revision. */
function bumpRevision(r: SimulationRun): string {
  return rev(dataOf(r.timeline.first('push'), 'sha'));
}

/** The revert the worker pushed for the chart bump, found by its `Fluxguard-Revert-Of` trailer. */
function helmRevert(r: SimulationRun): TimelineStep | undefined {
  return revertOf(r, bumpRevision(r));
}

/** The step after `from` of a kind (and data). */
function after(
  r: SimulationRun,
  from: TimelineStep | undefined,
  kind: TimelineStep['kind'],
  data: TimelineStep['data'],
) {
  return from ? r.timeline.find(kind, data).filter((s) => s.atMs >= from.atMs) : [];
}

/** The checks of the Helm story, each named for what must have happened. */
const helmChecks: StoryCheck[] = [
  {
    name: 'the chart bump was applied and helm-controller started the upgrade to it',
    holds: (r) =>
      r.timeline.first('applied', { revision: bumpRevision(r) }) !== undefined &&
      r.timeline.first('helm-action', { release: RELEASE, action: 'upgrade', chartVersion: BAD_CHART }) !==
        undefined,
  },
  {
    name: "helm-controller's upgrade failed and its remediation rolled the release back; both events reached the webhook",
    holds: (r) =>
      r.timeline.first('helm-action', { release: RELEASE, action: 'upgrade', outcome: 'failed' }) !==
        undefined &&
      r.timeline.first('helm-action', { release: RELEASE, action: 'rollback', outcome: 'succeeded' }) !==
        undefined &&
      r.timeline.first('event-posted', { kind: 'HelmRelease', reason: 'UpgradeFailed', status: 202 }) !==
        undefined &&
      r.timeline.first('event-posted', { kind: 'HelmRelease', reason: 'RollbackSucceeded', status: 202 }) !==
        undefined,
  },
  {
    name: 'fluxguard pushed exactly one revert, of the chart bump',
    holds: (r) => r.timeline.find('revert-pushed').length === 1 && helmRevert(r) !== undefined,
  },
  {
    name: 'the revert restores the HelmRelease file and touches only files the Kustomization builds from',
    holds: async (r) => {
      const revert = helmRevert(r);
      if (!revert) return false;
      const commit = String(revert.data.commit);
      const bump = bumpRevision(r).slice(bumpRevision(r).indexOf(':') + 1);
      const manifest = parse(await r.fileAt(commit, CONTROLLERS_FILE)) as { spec?: { path?: string } };
      const scope = await r.buildFiles(String(manifest.spec?.path), bump);
      const changed = await r.changedFiles(commit);
      const good = dataOf(r.timeline.first('seeded'), 'sha');
      return (
        changed.includes(RELEASE_FILE) &&
        changed.every((file) => scope.has(file)) &&
        (await r.fileAt(commit, RELEASE_FILE)) === (await r.fileAt(good, RELEASE_FILE))
      );
    },
  },
  {
    name: 'fluxguard asked Flux to reconcile the GitRepository and the Kustomization after the revert',
    holds: (r) => {
      const requested = after(r, helmRevert(r), 'reconcile-requested', {});
      return (
        requested.some((s) => s.data.kind === 'GitRepository') &&
        requested.some((s) => s.data.kind === 'Kustomization' && s.data.name === CONTROLLERS.split('/')[1])
      );
    },
  },
  {
    name: `the HelmRelease reconciled to chart ${GOOD_CHART} after the revert, and the Kustomization is healthy on the revert`,
    holds: (r) => {
      const revert = helmRevert(r);
      const settled = after(r, revert, 'helm-action', {
        release: RELEASE,
        outcome: 'succeeded',
        chartVersion: GOOD_CHART,
      });
      return (
        settled.some((s) => s.data.action === 'in-sync' || s.data.action === 'upgrade') &&
        r.timeline.first('healthy', {
          revision: rev(dataOf(revert, 'commit')),
          kustomization: CONTROLLERS,
        }) !== undefined
      );
    },
  },
  {
    name: 'every alert is in the thread of the incident that reverted the bump (no second thread for the same failure)',
    holds: (r) => {
      const reverted = r.alerts.find((a) => a.state === 'reverted');
      return !!reverted && r.alerts.every((a) => a.incidentId === reverted.incidentId);
    },
  },
  {
    name: 'the incident resolved in the same thread: reverted, then recovered, never not-recovered',
    holds: (r) => {
      const reverted = r.alerts.find((a) => a.state === 'reverted');
      const thread = r.alerts.filter((a) => a.incidentId === reverted?.incidentId).map((a) => a.state);
      return !!reverted && thread.includes('recovered') && !thread.includes('not-recovered');
    },
  },
];

/**
 * A chart bump of a HelmRelease the `infrastructure-controllers` Kustomization applies, pushed by
 * Renovate once the good revision is known; with `kustomizationOff` an operator has annotated the
 * Kustomization `fluxguard.io/mode: off` first, so only helm-controller's own events can make
 * fluxguard act. The waits give up quietly: the checks say what did not happen.
 */
async function playChartBump(world: SimulationWorld, { kustomizationOff }: { kustomizationOff: boolean }) {
  await world.waitFor('decision', { action: 'record-known-good', target: `HelmRelease/${RELEASE}` });
  await world.waitFor('decision', { action: 'record-known-good', target: `Kustomization/${CONTROLLERS}` });
  if (kustomizationOff) {
    const [namespace, name] = CONTROLLERS.split('/') as [string, string];
    const live = world.kube.object(KUSTOMIZATION, namespace, name);
    if (!live) throw new Error(`no Kustomization ${CONTROLLERS}`);
    live.metadata.annotations = { ...(live.metadata.annotations ?? {}), [MODE_ANNOTATION]: 'off' };
    world.kube.put(live);
    world.timeline.add(
      'story',
      'note',
      `kubectl annotate kustomization ${name} -n ${namespace} ${MODE_ANNOTATION}=off`,
      {
        mode: 'off',
      },
    );
  }
  const head = await world.repo.revParse('refs/heads/main');
  const before = (await world.repo.show(head, RELEASE_FILE)).toString('utf8');
  const after = before.replace(`version: "${GOOD_CHART}"`, `version: "${BAD_CHART}"`);
  if (after === before) throw new Error(`${RELEASE_FILE} does not pin chart version ${GOOD_CHART}`);
  const bad = await world.push(
    `chore(deps): update helm release aws-load-balancer-controller to v${BAD_CHART}`,
    { [RELEASE_FILE]: after },
    { name: 'renovate[bot]', email: '29139614+renovate[bot]@users.noreply.github.com' },
  );
  const revert = await world
    .waitFor('revert-pushed', { failing: rev(bad) }, { limitMs: REVERT_LIMIT_MS })
    .catch(() => undefined);
  if (!revert) return;
  await world
    .waitFor(
      'healthy',
      { revision: rev(String(revert.data.commit)), kustomization: CONTROLLERS },
      { limitMs: HELM_LIMIT_MS },
    )
    .catch(() => undefined);
  // The worker's bake follow-ups (every 20 s) see the recovery within a minute of it; three
  // minutes is ample, and a story whose incident never resolves still ends soon and says so.
  await world
    .waitFor('alert', { state: 'recovered' }, { limitMs: 3 * 60_000, since: revert.atMs })
    .catch(() => undefined);
}

/**
 * The chart bump with fluxguard guarding the Kustomization (as installed): its bake follow-ups see
 * the release's pods crash-loop and revert the bump long before Helm's timeout; helm-controller
 * applies the revert once the upgrade in flight has failed and been rolled back.
 */
const helmUpgrade: Story = {
  name: 'helm-upgrade-failure',
  summary: `a commit bumps the aws-load-balancer-controller chart to ${BAD_CHART}; its pods crash-loop, helm-controller's upgrade fails and it rolls back; fluxguard reverts the bump in git and the release settles on ${GOOD_CHART}`,
  images: { [BAD_APP]: 'crashloop' },
  kustomizations: ['infrastructure-controllers'],
  play: (world) => playChartBump(world, { kustomizationOff: false }),
  checks: helmChecks,
};

/**
 * The same bump with the Kustomization annotated `fluxguard.io/mode: off`: only helm-controller's
 * `UpgradeFailed` and `RollbackSucceeded` can make fluxguard act, mapping the HelmRelease to the
 * Kustomization that applied it.
 */
const helmEvents: Story = {
  name: 'helm-release-events',
  summary: `the same chart bump with the Kustomization annotated fluxguard.io/mode: off: fluxguard acts on helm-controller's UpgradeFailed and RollbackSucceeded, reverts the bump in the Kustomization's scope and asks Flux to reconcile the HelmRelease too`,
  images: { [BAD_APP]: 'crashloop' },
  kustomizations: ['infrastructure-controllers'],
  play: (world) => playChartBump(world, { kustomizationOff: true }),
  checks: [
    ...helmChecks.slice(0, 4),
    {
      name: 'fluxguard asked Flux to reconcile the GitRepository, the Kustomization and the HelmRelease after the revert',
      holds: (r) => {
        const requested = after(r, helmRevert(r), 'reconcile-requested', {});
        return ['GitRepository', 'Kustomization', 'HelmRelease'].every((kind) =>
          requested.some((s) => s.data.kind === kind),
        );
      },
    },
    {
      name: 'the revert was decided for the HelmRelease (its incident, its alert)',
      holds: (r) => r.alerts.some((a) => a.state === 'reverted' && a.target.kind === 'HelmRelease'),
    },
    ...helmChecks.slice(5),
  ],
};

/** Every story, by name; the first is the default. */
export const STORIES: Record<string, Story> = {
  'image-crashloop': badImageStory(
    'image-crashloop',
    '1.30.2-alpine',
    'crashloop',
    'image automation commits a tag that crash-loops; fluxguard reverts it before Flux times out, and the cluster recovers',
  ),
  'missing-image': badImageStory(
    'missing-image',
    '1.30.3-alpine',
    'imagepull',
    'image automation commits a tag the registry does not have (ImagePullBackOff); reverted early, recovered',
  ),
  'health-500': health500,
  'inconclusive-403': inconclusive,
  breaker,
  'prometheus-alert': prometheus,
  'helm-upgrade-failure': helmUpgrade,
  'helm-release-events': helmEvents,
};

/** The story `fluxguard simulate` plays without `--story`. */
export const DEFAULT_STORY = 'image-crashloop';
