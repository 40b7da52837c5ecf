import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from './support/cluster-config.js';
import { loadGitopsTree } from './support/gitops-tree.js';
import { objectRef } from './support/kube-object.js';
import { validateObject } from './support/schema-validation.js';

const trees = await Promise.all(ENVIRONMENTS.map((environment) => loadGitopsTree(environment)));

describe.each(trees)('schemas ($environment)', (tree) => {
  it.each([...tree.cluster, ...tree.objects].map((object) => [objectRef(object), object] as const))(
    '%s is valid against its schema',
    (_ref, object) => {
      expect(validateObject(object)).toEqual([]);
    },
  );
});

describe('schema validation', () => {
  it('rejects a HelmRelease field the v2 API does not have', () => {
    // Prepare
    const release = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'x', namespace: 'y' },
      spec: {
        interval: '5m',
        chart: { spec: { chart: 'c', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'r' } } },
        valuesFile: 'typo.yaml',
      },
    };

    // Act
    const problems = validateObject(release);

    // Assess
    expect(problems.join('\n')).toMatch(/valuesFile/);
  });

  it('rejects a Deployment whose container has no image name type', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 42 }] } } },
    };
    expect(validateObject(deployment)).not.toEqual([]);
  });

  it('rejects an ImagePolicy with two policies', () => {
    const policy = {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImagePolicy',
      metadata: { name: 'x', namespace: 'flux-system' },
      spec: { imageRepositoryRef: { name: 'x' }, policy: { semver: { range: '1.x' }, alphabetical: {} } },
    };
    expect(validateObject(policy)).toContain('spec.policy: exactly one policy must be set');
  });

  it('reports a kind that has no registered schema instead of passing it', () => {
    expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual(
      ['no schema is registered for example.com/v1 Widget'],
    );
  });
});
