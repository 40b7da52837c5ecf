import { afterEach, describe, expect, it } from 'vitest';
import { parseTrailers } from '../../../lambdas/revert/index.js';
import { APP_PATH, TOPIC_ARN, type World, world } from './support/world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('a failed rollout, end to end (fake Kubernetes API, fake GitHub over git, dynalite, captured SNS)', () => {
  it('confirms it, pushes exactly one scoped revert, asks Flux to reconcile, alerts once, then opens the reapply pull request; the same message again does nothing more', async () => {
    // Prepare
    w = await world();
    const [good, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    const message = w.flux({
      reason: 'HealthCheckFailed',
      severity: 'error',
      revision: `main@sha1:${failing}`,
    });

    const alerts = w.deps.alerts;
    const publish = alerts.publish.bind(alerts);
    const github = w.github;
    let pullsWhenAlerted = -1;
    alerts.publish = async (alert) => {
      pullsWhenAlerted = github.pulls.length;
      return publish(alert);
    };

    // Act
    const outcome = await w.run(message, 'm-1');

    // Assess
    expect(outcome).toMatchObject({
      kind: 'acted',
      code: 'confirmed-failure',
      revert: { outcome: 'reverted' },
    });
    const after = await w.commitsAfter(failing);
    expect(after).toHaveLength(1);
    const revert = (after[0] as string).split(' ')[0] as string;
    expect(await w.repo.diffNames(good, revert, [APP_PATH])).toEqual([]);
    expect(await w.repo.diffNames(failing, revert)).toEqual([`${APP_PATH}/web.yaml`]);
    const messageText = await w.repo.git(['log', '-1', '--format=%B', revert]);
    expect(parseTrailers(messageText)).toContainEqual({ key: 'Fluxguard-Revert-Of', value: failing });
    expect(w.patches).toEqual([
      'GitRepository/flux-system/flux-system requestedAt',
      'Kustomization/flux-system/apps requestedAt',
    ]);
    expect(w.github.pulls.map((p) => p.head)).toEqual([`fluxguard/reapply-${failing.slice(0, 7)}-apps`]);
    expect(w.sns.messages).toHaveLength(1);
    expect(w.sns.messages[0]).toMatchObject({
      topicArn: TOPIC_ARN,
      attributes: {
        severity: 'critical',
        cluster: 'prod',
        environment: 'production',
        target: 'Kustomization/flux-system/apps',
        state: 'reverted',
      },
    });
    const [alert] = w.alerts();
    expect(alert).toMatchObject({
      incidentId: outcome.incidentId,
      state: 'reverted',
      revision: { sha: failing, subject: 'Bump web to 1.4.3', author: 'Dev' },
      verdict: { verdict: 'fail' },
    });
    expect(alert?.revision?.compareUrl).toMatch(
      new RegExp(`/acme/gitops/compare/${good.slice(0, 7)}\\.\\.\\.${failing.slice(0, 7)}$`),
    );
    expect(alert?.actions.map((a) => a.kind)).toEqual(['revert-commit', 'reconcile', 'reapply-pull-request']);
    expect(alert?.actions[0]?.url).toContain(revert);
    // The alert went out before the reapply pull request, linking its branch; the incident keeps the pull request.
    const branch = `fluxguard/reapply-${failing.slice(0, 7)}-apps`;
    expect(pullsWhenAlerted).toBe(0);
    expect(alert?.actions[2]?.url).toMatch(new RegExp(`/acme/gitops/compare/main\\.\\.\\.${branch}$`));
    const apps = { cluster: 'prod', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } as const;
    const [incident] = (await w.store.loadObject(apps)).incidents;
    expect(incident?.actions.find((a) => a.kind === 'reapply-pull-request')?.url).toMatch(
      new RegExp(`/acme/gitops/pull/${w.github.pulls[0]?.number}$`),
    );

    // Act: the same message again (a redelivery, or the same event from another queue)
    const again = await w.run(message, 'm-1');

    // Assess
    expect(again.kind).not.toBe('failed');
    expect(await w.commitsAfter(failing)).toHaveLength(1);
    expect(w.sns.messages).toHaveLength(1);
    expect(w.github.pulls).toHaveLength(1);
  });
});
