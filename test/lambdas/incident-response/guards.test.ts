import { afterEach, describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../../lambdas/incident-response/index.js';
import { APP_PATH, BUMP, type World, world } from './support/world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const APPS: ObjectRef = { cluster: 'prod', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' };

const bump = (version: string) => ({
  message: `Bump web to ${version}`,
  files: {
    [`${APP_PATH}/web.yaml`]: `image: ghcr.io/acme/shop-web:${version} # {"$imagepolicy": "flux-system:web"}\n`,
  },
});

describe('the guards, end to end', () => {
  it('reverts three failing rollouts of one object, then stops at the breaker: alert-only until reset', async () => {
    // Prepare
    w = await world([BUMP], { reapplyPullRequest: false });
    const outcomes = [];

    // Act: four rollouts fail one after another, 10 minutes apart
    for (const [i, version] of ['1.4.3', '1.4.4', '1.4.5', '1.4.6'].entries()) {
      const failing =
        i === 0 ? (w.shas[1] as string) : ((await w.repo.commit('main', [bump(version)]))[0] as string);
      w.clock.now = new Date(Date.parse('2026-05-04T12:36:00Z') + i * 10 * 60_000);
      w.deploy({ state: 'crashloop', attempted: failing });
      outcomes.push(
        await w.run(
          w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
        ),
      );
    }

    // Assess
    expect(outcomes.map((o) => o.code)).toEqual([
      'confirmed-failure',
      'confirmed-failure',
      'confirmed-failure',
      'breaker-open',
    ]);
    const log = await w.repo.git(['log', '--format=%s', 'main']);
    expect(log.split('\n').filter((l) => l.startsWith('Revert'))).toHaveLength(3);
    expect((await w.store.loadObject(APPS)).breaker).toMatchObject({ open: true });
    expect(w.alerts().map((a) => a.state)).toEqual(['reverted', 'reverted', 'reverted', 'breaker-open']);
    expect(w.alerts()[3]?.nextSteps.join('\n')).toContain(
      'fluxguard breaker reset Kustomization/flux-system/apps',
    );
  });

  it('alerts with the evidence and reverts nothing when validation is inconclusive (403 on pods)', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    w.kube.faults.push(({ path }) =>
      path.includes('/pods') ? { status: 403, message: 'pods is forbidden' } : undefined,
    );

    // Act
    const outcome = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'alerted', code: 'inconclusive' });
    expect(await w.commitsAfter(failing)).toEqual([]);
    const [alert] = w.alerts();
    expect(alert).toMatchObject({ state: 'inconclusive', verdict: { verdict: 'inconclusive' } });
    expect(alert?.verdict?.evidence.join('\n')).toContain('403');
    expect(w.patches).toEqual([]);
  });

  it('takes no action on a stale event and records why', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    const message = w.flux({
      reason: 'HealthCheckFailed',
      severity: 'error',
      revision: `main@sha1:${failing}`,
    });
    w.clock.now = new Date(w.clock.now.getTime() + 21 * 60_000);

    // Act
    const outcome = await w.run(message);

    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', code: 'stale' });
    expect(await w.commitsAfter(failing)).toEqual([]);
    expect(w.sns.messages).toEqual([]);
    const summary = await w.store.summary();
    expect(summary.recentDecisions).toMatchObject([
      { action: 'ignore', reason: 'stale', object: 'prod/Kustomization/flux-system/apps' },
    ]);
  });

  it('does not revert when a newer commit already changes the same path: a fix is in flight', async () => {
    // Prepare
    w = await world([BUMP, bump('1.4.4')]);
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });

    // Act
    const outcome = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'alerted', code: 'fix-in-flight' });
    expect(await w.commitsAfter(failing)).toHaveLength(1);
    expect(w.alerts().map((a) => a.state)).toEqual(['failing']);
  });

  it('ignores a failure of a revision Flux no longer attempts', async () => {
    // Prepare
    w = await world([BUMP, bump('1.4.4')]);
    const [, older, current] = w.shas as [string, string, string];
    w.deploy({ state: 'crashloop', attempted: current });

    // Act
    const outcome = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${older}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', code: 'not-current-revision' });
    expect(w.sns.messages).toEqual([]);
  });

  it('plans and alerts "would revert" in dry-run mode, writing nothing to git or the cluster', async () => {
    // Prepare
    w = await world([BUMP], { dryRun: true });
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });

    // Act
    const outcome = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'planned' } });
    expect(await w.commitsAfter(failing)).toEqual([]);
    expect(w.patches).toEqual([]);
    expect(w.alerts()).toMatchObject([{ state: 'reverting', dryRun: true }]);
  });

  it('opens a revert pull request instead when the object asks for pull-request mode', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    const ks = w.kube.objects({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' })[0];
    if (ks) {
      ks.metadata.annotations = { 'fluxguard.io/mode': 'pull-request' };
      w.kube.put(ks);
    }

    // Act
    const outcome = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'pull-request-opened' } });
    expect(await w.commitsAfter(failing)).toEqual([]);
    expect(w.github.pulls.map((p) => p.head)).toEqual([`fluxguard/revert-${failing.slice(0, 7)}`]);
    expect(w.alerts().map((a) => a.state)).toEqual(['pull-request-opened']);
  });
});

describe('when the revert engine refuses', () => {
  it('a revert of a revert: no commit, a critical alert saying the revert itself failed with the engine’s reason, the breaker opens, next steps as commands', async () => {
    // Prepare: the failing revision is a fluxguard revert (pushed by `fluxguard revert`, not by an open incident)
    w = await world([BUMP], { reapplyPullRequest: false });
    const bumped = w.shas[1] as string;
    const [failing] = (await w.repo.commit('main', [
      {
        message: `Revert "Bump web to 1.4.3"\n\nFluxguard-Revert-Of: ${bumped}\n`,
        files: {
          [`${APP_PATH}/web.yaml`]:
            'image: ghcr.io/acme/shop-web:1.4.2 # {"$imagepolicy": "flux-system:web"}\n',
        },
      },
    ])) as [string];
    w.deploy({ state: 'crashloop', attempted: failing });

    // Act
    const outcome = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({
      kind: 'alerted',
      code: 'revert-failed',
      revert: { outcome: 'refused', refusal: 'revert-of-revert' },
    });
    expect(await w.commitsAfter(failing)).toEqual([]);
    const [alert] = w.alerts();
    expect(alert).toMatchObject({ state: 'not-recovered', severity: 'critical' });
    expect(alert?.decision?.reason).toContain('the revert itself failed; a person must decide');
    expect(alert?.decision?.reason).toContain(outcome.revert?.reason);
    expect(alert?.actions.map((a) => a.label).join('\n')).toContain(
      `the revert engine refused: ${outcome.revert?.reason}`,
    );
    expect(alert?.nextSteps).toContain(
      `Re-enable automatic reverts once a person decided: npx fluxguard breaker reset Kustomization/flux-system/apps`,
    );
    expect(alert?.nextSteps).toContain(
      `Inspect the commits a revert would undo: git log --stat ${bumped.slice(0, 7)}..${failing.slice(0, 7)}`,
    );
    const state = await w.store.loadObject(APPS);
    expect(state.breaker?.open).toBe(true);
    expect(state.incidents.map((i) => i.state)).toEqual(['failed']);
    expect((await w.store.summary()).recentDecisions).toMatchObject([
      { action: 'alert-only', reason: 'revert-failed' },
    ]);
  });

  it('a revert of a revert merged from a side branch: the commits the worker read do not show it, the engine’s refusal code does', async () => {
    // Prepare: a fluxguard revert made on a side branch is merged into main; the merge commit
    // fails. The worker reads the merge commit only (good is its first parent); the engine's
    // comparison also lists the merge's second parent, the revert.
    w = await world([BUMP], { reapplyPullRequest: false });
    const bumped = w.shas[1] as string;
    await w.repo.git(['update-ref', 'refs/heads/side', bumped]);
    const [sideRevert] = (await w.repo.commit('side', [
      {
        message: `Revert "Bump web to 1.4.3"\n\nFluxguard-Revert-Of: ${bumped}\n`,
        files: {
          [`${APP_PATH}/web.yaml`]:
            'image: ghcr.io/acme/shop-web:1.4.2 # {"$imagepolicy": "flux-system:web"}\n',
        },
      },
    ])) as [string];
    const tree = (await w.repo.git(['rev-parse', `${sideRevert}^{tree}`])).trim();
    const failing = (
      await w.repo.git([
        'commit-tree',
        tree,
        '-p',
        bumped,
        '-p',
        sideRevert,
        '-m',
        'Merge pull request #9 from acme/side',
      ])
    ).trim();
    await w.repo.git(['update-ref', 'refs/heads/main', failing, bumped]);
    w.deploy({ state: 'crashloop', attempted: failing });
    // The engine's sentence is not what the worker reads: without the trailer's name in it, the
    // refusal is still a revert of a revert.
    const git = w.deps.git;
    w.deps.git = async (url) => {
      const gateway = await git(url);
      const revert = gateway.revert.bind(gateway);
      gateway.revert = async (request) => {
        const result = await revert(request);
        return { ...result, reason: result.reason.replace(/ \(Fluxguard-Revert-Of trailer\)/, '') };
      };
      return gateway;
    };

    // Act
    const outcome = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({
      kind: 'alerted',
      code: 'revert-failed',
      revert: { outcome: 'refused', refusal: 'revert-of-revert' },
    });
    expect(outcome.revert?.reason).toContain(`${sideRevert.slice(0, 7)} is itself a fluxguard revert`);
    expect(outcome.revert?.reason).not.toContain('Fluxguard-Revert-Of');
    expect(await w.commitsAfter(failing)).toEqual([]);
    expect(w.alerts()).toMatchObject([{ state: 'not-recovered', severity: 'critical' }]);
    expect((await w.store.loadObject(APPS)).breaker?.open).toBe(true);
  });

  it('any other refusal: a critical alert that states the engine’s reason in what fluxguard did; the breaker stays closed', async () => {
    // Prepare: the engine refuses (as it does when good is not an ancestor of the failing commit)
    w = await world([BUMP], { reapplyPullRequest: false });
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    const reason = `${w.shas[0]?.slice(0, 7)} is not an ancestor of ${failing.slice(0, 7)} on main: restoring it would push content that was never on the branch, a human decides`;
    const git = w.deps.git;
    w.deps.git = async (url) => {
      const gateway = await git(url);
      gateway.revert = async (request) => ({
        outcome: 'refused',
        refusal: 'good-not-ancestor',
        reason,
        repository: gateway.repository,
        branch: request.branch,
        failing: request.failing,
        revertedCommits: [],
        conflicts: [],
        attempts: 1,
      });
      return gateway;
    };

    // Act
    const outcome = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'alerted', code: 'revert-refused' });
    const [alert] = w.alerts();
    expect(alert).toMatchObject({ state: 'failing', severity: 'critical' });
    expect(alert?.decision?.reason).toContain(reason);
    expect(alert?.decision?.reason).not.toContain('reverting in git');
    expect(alert?.actions).toEqual([
      { kind: 'none', label: `No change made: the revert engine refused: ${reason}` },
    ]);
    expect(alert?.nextSteps.join('\n')).toContain('git log --stat');
    expect((await w.store.loadObject(APPS)).breaker?.open).not.toBe(true);
  });
});

describe('every decision not to act is recorded with its reason', () => {
  it('a Flux event about an object that is not a rollout: in the decision log of that object, and a decision in the outcome (the log line)', async () => {
    // Prepare
    w = await world();

    // Act
    const outcome = await w.run(
      w.flux({ kind: 'GitRepository', name: 'flux-system', reason: 'NewArtifact', severity: 'info' }),
    );

    // Assess
    expect(outcome).toMatchObject({
      kind: 'ignored',
      code: 'not-a-rollout',
      decision: { action: 'ignore', reason: 'not-a-rollout' },
    });
    expect(outcome.decision?.detail).toContain('GitRepository flux-system/flux-system');
    expect((await w.store.summary()).recentDecisions).toMatchObject([
      { action: 'ignore', reason: 'not-a-rollout', object: 'prod/GitRepository/flux-system/flux-system' },
    ]);
  });

  it('an object annotated fluxguard.io/mode: off: the failure is ignored and the decision recorded', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    w.deploy({ state: 'crashloop', attempted: failing });
    const ks = w.kube.objects({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' })[0];
    if (ks) {
      ks.metadata.annotations = { 'fluxguard.io/mode': 'off' };
      w.kube.put(ks);
    }

    // Act
    const outcome = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', code: 'mode-off', decision: { reason: 'mode-off' } });
    expect(w.sns.messages).toEqual([]);
    expect((await w.store.summary()).recentDecisions).toMatchObject([
      { action: 'ignore', reason: 'mode-off', object: 'prod/Kustomization/flux-system/apps' },
    ]);
  });
});
