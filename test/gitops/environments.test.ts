import { describe, expect, it } from 'vitest';
import { loadGitopsTree } from './support/gitops-tree.js';
import { type KubeObject, objectRef } from './support/kube-object.js';

const [staging, production] = await Promise.all([loadGitopsTree('staging'), loadGitopsTree('production')]);

/** Flattens an object into `path = value` leaves so two builds can be compared field by field. */
function leaves(value: unknown, path = ''): Map<string, string> {
  const result = new Map<string, string>();
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      for (const [leaf, leafValue] of leaves(child, path ? `${path}.${key}` : key))
        result.set(leaf, leafValue);
    }
  } else {
    result.set(path, JSON.stringify(value));
  }
  return result;
}

/** Every `ref path` whose value differs between two sets of objects, ignoring the environment's own name. */
function differences(left: readonly KubeObject[], right: readonly KubeObject[]): string[] {
  const index = (objects: readonly KubeObject[], environment: string) =>
    new Map(
      objects.flatMap((object) =>
        [...leaves(object)].map(([path, value]) => [
          `${objectRef(object)} ${path}`,
          value.replaceAll(environment, '<env>'),
        ]),
      ),
    );
  const a = index(left, 'staging');
  const b = index(right, 'production');
  return [...new Set([...a.keys(), ...b.keys()])].filter((key) => a.get(key) !== b.get(key)).sort();
}

const PROMETHEUS = 'HelmRelease/monitoring/kube-prometheus-stack spec.values';

describe('staging and production', () => {
  it('differ in git only in replicas and retention, before cluster-config is substituted', () => {
    // Act
    const changed = differences(
      staging.kustomizations.flatMap((built) => built.raw),
      production.kustomizations.flatMap((built) => built.raw),
    );

    // Assess
    expect(changed).toEqual([
      `${PROMETHEUS}.alertmanager.alertmanagerSpec.replicas`,
      `${PROMETHEUS}.prometheus.prometheusSpec.replicas`,
      `${PROMETHEUS}.prometheus.prometheusSpec.retention`,
      `${PROMETHEUS}.prometheus.prometheusSpec.retentionSize`,
      `${PROMETHEUS}.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage`,
    ]);
  });

  it('point their cluster overlays at their own paths and are otherwise identical', () => {
    expect(differences(staging.cluster, production.cluster)).toEqual([]);
  });

  it('keep longer retention and more replicas in production', () => {
    const spec = (objects: readonly KubeObject[]) =>
      objects.find((object) => objectRef(object) === 'HelmRelease/monitoring/kube-prometheus-stack')?.spec;
    expect(spec(staging.objects)).toMatchObject({
      values: { prometheus: { prometheusSpec: { retention: '7d', replicas: 1 } } },
    });
    expect(spec(production.objects)).toMatchObject({
      values: { prometheus: { prometheusSpec: { retention: '30d', replicas: 2 } } },
    });
  });

  it('get their hosts from cluster-config, so each cluster serves <region>.<domain>', () => {
    const host = (objects: readonly KubeObject[]) =>
      JSON.stringify(
        objects.find((object) => objectRef(object) === 'Ingress/sre-challenge/sre-challenge-app'),
      );
    expect(host(staging.objects)).toContain('"host":"eu-west-1.staging.fluxguard.example.com"');
    expect(host(production.objects)).toContain('"host":"us-east-1.fluxguard.example.com"');
  });
});
