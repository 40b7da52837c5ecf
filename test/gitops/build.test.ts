import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from './support/cluster-config.js';
import { loadGitopsTree, REPO_ROOT } from './support/gitops-tree.js';
import { field } from './support/kube-object.js';
import { KUBECTL_INSTALL_HINT, KubectlMissingError, kustomizeBuild } from './support/kustomize.js';

const trees = await Promise.all(ENVIRONMENTS.map((environment) => loadGitopsTree(environment)));

describe.each(trees)('gitops/clusters/$environment', (tree) => {
  it('builds and holds only the three chained Flux Kustomizations, no Flux components', () => {
    expect(
      tree.cluster.map((object) => `${object.apiVersion} ${object.kind} ${object.metadata.name}`),
    ).toEqual([
      'kustomize.toolkit.fluxcd.io/v1 Kustomization apps',
      'kustomize.toolkit.fluxcd.io/v1 Kustomization infrastructure-configs',
      'kustomize.toolkit.fluxcd.io/v1 Kustomization infrastructure-controllers',
    ]);
  });

  it('chains infrastructure controllers, then configs, then apps with dependsOn', () => {
    const dependsOn = Object.fromEntries(
      tree.cluster.map((object) => [object.metadata.name, field(object, ['spec', 'dependsOn'])]),
    );
    expect(dependsOn).toEqual({
      'infrastructure-controllers': undefined,
      'infrastructure-configs': [{ name: 'infrastructure-controllers' }],
      apps: [{ name: 'infrastructure-configs' }],
    });
  });

  it.each(tree.cluster.map((object) => [object.metadata.name, object] as const))(
    'Kustomization %s syncs from flux-system, prunes, waits, retries, times out and substitutes from cluster-config',
    (_name, kustomization) => {
      expect(kustomization.metadata.namespace).toBe('flux-system');
      expect(kustomization.spec).toMatchObject({
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        prune: true,
        wait: true,
        timeout: expect.stringMatching(/^\d+m$/),
        retryInterval: expect.stringMatching(/^\d+m$/),
        interval: expect.any(String),
        postBuild: { substituteFrom: [{ kind: 'ConfigMap', name: 'cluster-config' }] },
        path: expect.stringMatching(new RegExp(`^\\./gitops/.+/${tree.environment}(/|$)`)),
      });
    },
  );

  it.each(tree.kustomizations.map((built) => [built.path, built] as const))(
    'path %s builds with kubectl kustomize into objects',
    (_path, built) => {
      expect(built.raw.length).toBeGreaterThan(0);
    },
  );
});

describe('kubectl kustomize', () => {
  it('fails with install instructions instead of skipping when kubectl is missing', async () => {
    // Prepare
    const withoutKubectl = { ...process.env, PATH: '/nonexistent' };

    // Act
    const build = kustomizeBuild(join(REPO_ROOT, 'gitops/clusters/staging'), { env: withoutKubectl });

    // Assess
    await expect(build).rejects.toBeInstanceOf(KubectlMissingError);
    await expect(build).rejects.toThrow(KUBECTL_INSTALL_HINT);
  });

  it('fails naming the directory when kustomize rejects it', async () => {
    await expect(kustomizeBuild(join(REPO_ROOT, 'gitops/does-not-exist'))).rejects.toThrow(
      /gitops\/does-not-exist/,
    );
  });
});
