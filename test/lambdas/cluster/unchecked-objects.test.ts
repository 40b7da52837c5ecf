import { describe, expect, it } from 'vitest';
import {
  app,
  gitRepository,
  type HelmReleaseState,
  helmRelease,
  type KubeObject,
  kustomization,
} from '../../../sandbox/index.js';
import { evidenceOf, validationCluster } from './support/validation-cluster.js';

const cluster = validationCluster();

const HELM_LABELS = {
  'helm.toolkit.fluxcd.io/name': 'podinfo',
  'helm.toolkit.fluxcd.io/namespace': 'apps',
};

/** A Kustomization whose inventory holds exactly the given entry ids. */
function kustomizationOf(entries: string[], { failed = false } = {}): KubeObject {
  const ks = kustomization([], { failed }) as KubeObject & {
    status: { inventory: { entries: Array<{ id: string; v: string }> } };
  };
  ks.status.inventory.entries = entries.map((id) => ({ id, v: 'v1' }));
  return ks;
}

/** The HelmRelease apps/podinfo, applied by the Kustomization flux-system/apps, in `state`. */
function podinfoRelease(state: HelmReleaseState = 'deployed', chartVersion = '6.7.1'): KubeObject {
  return helmRelease('podinfo', 'apps', 'podinfo', chartVersion, {
    state,
    appliedBy: { namespace: 'flux-system', name: 'apps' },
  });
}

function podinfoApp(state: 'healthy' | 'crashloop' = 'healthy'): KubeObject[] {
  return app('podinfo', { namespace: 'podinfo', labels: HELM_LABELS, owner: {}, health: false, state });
}

describe('validation never passes what it did not check', () => {
  it('is inconclusive for a failed Kustomization whose inventory holds no workload it can read', async () => {
    // Prepare: the inventory names a HelmRelease that is not in the cluster, and a Job
    cluster.api.put(
      kustomizationOf(
        ['monitoring_kube-prometheus-stack_helm.toolkit.fluxcd.io_HelmRelease', 'shop_migrate_batch_Job'],
        { failed: true },
      ),
      gitRepository(),
    );

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.flux?.ready?.reason).toBe('HealthCheckFailed');
    expect(report.layers.rollout.verdict).toBe('inconclusive');
    expect(report.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'rollout')).toContain('Job/shop/migrate');
  });

  it('is inconclusive when nothing in the inventory can be checked, even while Flux says Ready', async () => {
    // Prepare
    cluster.api.put(kustomizationOf(['_shop__Namespace', 'shop_settings__ConfigMap']), gitRepository());

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.rollout.verdict).toBe('inconclusive');
    expect(report.layers.pods.verdict).toBe('inconclusive');
    expect(report.verdict).toBe('inconclusive');
  });

  it('is inconclusive when every workload passes but Flux reports the Kustomization not Ready', async () => {
    // Prepare: healthy pods now, but Flux's own health check failed (or the build never applied)
    cluster.put(app('web', { health: false }), { failed: true });

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.pods.verdict).toBe('pass');
    expect(report.layers.rollout.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'rollout')).toContain(
      'Kustomization/flux-system/apps status.conditions[Ready]: False HealthCheckFailed',
    );
    expect(report.verdict).toBe('inconclusive');
  });

  it('keeps checking while Flux is still reconciling, and is inconclusive if it never finishes', async () => {
    // Prepare
    const objects = app('web', { health: false });
    const ks = kustomization(objects) as KubeObject & {
      status: { conditions: Array<Record<string, string>> };
    };
    ks.status.conditions = [
      { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: 'Reconciliation in progress' },
    ];
    cluster.api.put(...objects, ks, gitRepository());

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.checks.run).toBe(3);
    expect(report.layers.rollout.checks).toEqual(['pending', 'pending', 'pending']);
    expect(report.verdict).toBe('inconclusive');
  });

  it('passes objects it cannot check only when Flux reports the Kustomization Ready', async () => {
    // Prepare: a Deployment and a Job; the Kustomization is Ready
    const objects = app('web', { health: false });
    const ks = kustomization(objects) as KubeObject & {
      status: { inventory: { entries: Array<{ id: string; v: string }> } };
    };
    ks.status.inventory.entries.push({ id: 'shop_migrate_batch_Job', v: 'v1' });
    cluster.api.put(...objects, ks, gitRepository());

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.verdict).toBe('pass');
    expect(evidenceOf(report, 'rollout')).toContain(
      'not checked by fluxguard, reported healthy by Flux (Ready=True): Job/shop/migrate',
    );
  });

  it('validates a HelmRelease of the inventory through its status and the workloads it labels', async () => {
    // Prepare
    cluster.api.put(
      kustomizationOf(['apps_podinfo_helm.toolkit.fluxcd.io_HelmRelease', '_podinfo__Namespace']),
      gitRepository(),
      podinfoRelease(),
      ...podinfoApp(),
    );

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.verdict).toBe('pass');
    expect(report.releases).toEqual([
      { namespace: 'apps', name: 'podinfo', state: 'pass', lastAttemptedRevision: '6.7.1' },
    ]);
    expect(report.workloads.map((w) => `${w.kind}/${w.namespace}/${w.name}`)).toEqual([
      'Deployment/podinfo/podinfo',
    ]);
    expect(evidenceOf(report, 'rollout')).toContain(
      'HelmRelease/apps/podinfo status.conditions[Ready]: True',
    );
  });

  it('fails a Kustomization whose HelmRelease reports UpgradeFailed', async () => {
    // Prepare
    cluster.api.put(
      kustomizationOf(['apps_podinfo_helm.toolkit.fluxcd.io_HelmRelease'], { failed: true }),
      gitRepository(),
      podinfoRelease('upgrade-failed', '6.7.2'),
      ...podinfoApp(),
    );

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.rollout.verdict).toBe('fail');
    expect(evidenceOf(report, 'rollout')).toContain('False UpgradeFailed');
    expect(evidenceOf(report, 'rollout')).toContain('status.history[0]: 6.7.2 failed');
    expect(report.verdict).toBe('fail');
  });

  it('fails a HelmRelease target whose upgrade failed, and names the Kustomization that applies it', async () => {
    // Prepare
    cluster.api.put(podinfoRelease('upgrade-failed', '6.7.2'), ...podinfoApp());

    // Act
    const report = await validateTargetHelmRelease(cluster);

    // Assess
    expect(report.verdict).toBe('fail');
    expect(report.flux).toMatchObject({
      lastAttemptedRevision: '6.7.2',
      kustomization: { namespace: 'flux-system', name: 'apps' },
    });
  });

  it('keeps a HelmRelease that helm-controller is still upgrading pending', async () => {
    // Prepare
    cluster.api.put(podinfoRelease('upgrading'), ...podinfoApp());

    // Act
    const report = await validateTargetHelmRelease(cluster);

    // Assess
    expect(report.layers.rollout.checks).toEqual(['pending', 'pending', 'pending']);
    expect(report.verdict).toBe('inconclusive');
  });
});

function validateTargetHelmRelease(harness: typeof cluster) {
  return harness.validate({ target: { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' } });
}
