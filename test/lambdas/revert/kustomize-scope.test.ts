import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRemoteReference, kustomizeScope } from '../../../lambdas/revert/kustomize-scope.js';
import type { TreeEntry } from '../../../lambdas/revert/plan.js';
import { type Harness, harness, revertIn } from './support/harness.js';

let h: (Harness & { shas: string[] }) | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A tree whose blob SHAs are the file contents, so the reader is the identity. */
function treeOf(files: Record<string, string>): Map<string, TreeEntry> {
  return new Map(
    Object.entries(files).map(([path, content]) => [
      path,
      { path, mode: '100644', type: 'blob', sha: content },
    ]),
  );
}
const read = async (sha: string) => sha;

/** Every file of this repository's gitops/apps tree, as the first commit of a scenario. */
async function gitopsApps(): Promise<Record<string, string>> {
  const root = join(import.meta.dirname, '../../..');
  const files: Record<string, string> = {};
  for (const entry of await readdir(join(root, 'gitops/apps'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = await readFile(path, 'utf8');
  }
  return files;
}

const DEPLOYMENT = 'gitops/apps/base/sre-challenge/deployment.yaml';

describe('kustomizeScope', () => {
  it('follows resources into bases outside the path, and every kind of file reference', async () => {
    // Prepare
    const tree = treeOf({
      'apps/prod/kustomization.yaml': [
        'resources:',
        '  - ../base/web',
        '  - extra.yaml',
        '  - https://github.com/acme/shared//deploy?ref=v1',
        '  - github.com/acme/other/base?ref=main',
        'components: [../components/tls]',
        'patches:',
        '  - path: patch-replicas.yaml',
        '  - patch: |-',
        '      - op: replace',
        'patchesStrategicMerge: [psm.yaml]',
        'patchesJson6902:',
        '  - path: json6902.yaml',
        'configMapGenerator:',
        '  - name: cfg',
        '    files: [key=files/app.conf]',
        '    envs: [cfg.env]',
        'secretGenerator:',
        '  - name: s',
        '    files: [secret.txt]',
        'replacements:',
        '  - path: replacement.yaml',
        'crds: [crds/crd.yaml]',
        'configurations: [config/naming.yaml]',
      ].join('\n'),
      'apps/prod/README.md': 'not read by the build',
      'apps/base/web/kustomization.yml': 'resources: [deployment.yaml]\n',
      'apps/base/web/deployment.yaml': 'kind: Deployment',
      'apps/base/web/unused.yaml': 'kind: ConfigMap',
      'apps/components/tls/Kustomization': 'kind: Component\nresources: [cert.yaml]\n',
      'apps/components/tls/cert.yaml': 'kind: Certificate',
      'apps/other/deployment.yaml': 'kind: Deployment',
    });

    // Act
    const scope = await kustomizeScope(tree, 'apps/prod', read);

    // Assess
    expect([...scope.files].sort()).toEqual([
      'apps/base/web/deployment.yaml',
      'apps/base/web/kustomization.yml',
      'apps/components/tls/Kustomization',
      'apps/components/tls/cert.yaml',
      'apps/prod/cfg.env',
      'apps/prod/config/naming.yaml',
      'apps/prod/crds/crd.yaml',
      'apps/prod/extra.yaml',
      'apps/prod/files/app.conf',
      'apps/prod/json6902.yaml',
      'apps/prod/kustomization.yaml',
      'apps/prod/patch-replicas.yaml',
      'apps/prod/psm.yaml',
      'apps/prod/replacement.yaml',
      'apps/prod/secret.txt',
    ]);
    expect(scope.remote).toEqual([
      'https://github.com/acme/shared//deploy?ref=v1',
      'github.com/acme/other/base?ref=main',
    ]);
  });

  it('takes every manifest under a path without a kustomization file, following nested kustomizations', async () => {
    // Prepare
    const tree = treeOf({
      'infra/a.yaml': 'x',
      'infra/sub/b.yml': 'x',
      'infra/sub/c.json': '{}',
      'infra/notes.txt': 'not a manifest',
      'infra/kz/kustomization.yaml': 'resources: [../../shared/d.yaml]\n',
      'infra/kz/ignored.yaml': 'not listed',
      'shared/d.yaml': 'x',
    });

    // Act
    const scope = await kustomizeScope(tree, 'infra', read);

    // Assess
    expect([...scope.files].sort()).toEqual([
      'infra/a.yaml',
      'infra/kz/kustomization.yaml',
      'infra/sub/b.yml',
      'infra/sub/c.json',
      'shared/d.yaml',
    ]);
  });

  it('keeps an unparsable kustomization file in scope and says it could not follow it', async () => {
    // Act
    const scope = await kustomizeScope(treeOf({ 'a/kustomization.yaml': 'resources: [\n' }), 'a', read);

    // Assess
    expect([...scope.files]).toEqual(['a/kustomization.yaml']);
    expect(scope.unreadable).toHaveLength(1);
  });

  it.each([
    ['https://github.com/acme/x//base', true],
    ['git@github.com:acme/x.git//base', true],
    ['github.com/acme/x/base?ref=v1', true],
    ['../base/web', false],
    ['deployment.yaml', false],
  ])('tells a remote reference: %s → %s', (reference, remote) => {
    expect(isRemoteReference(reference)).toBe(remote);
  });
});

describe('a revert in this repository layout (gitops/apps/<env> over gitops/apps/base)', () => {
  it('restores the base deployment when an image update in the base fails the production rollout', async () => {
    // Prepare
    const files = await gitopsApps();
    const good = files[DEPLOYMENT] as string;
    const broken = good.replace(/nginx-unprivileged:[^ ]+/, 'nginx-unprivileged:9.9.9-broken');
    expect(broken).not.toBe(good);
    h = await harness([
      { message: 'Add the apps tree', files },
      { message: 'chore(images): update sre-challenge-app image', files: { [DEPLOYMENT]: broken } },
    ]);
    const [appsAdded, failing] = h.shas as [string, string];

    // Act
    const result = await revertIn(h, failing, { good: appsAdded, scope: ['./gitops/apps/production'] });

    // Assess
    expect(result.outcome).toBe('reverted');
    expect((await h.repo.show('refs/heads/main', DEPLOYMENT)).toString()).toBe(good);
    expect(result.plan?.changes.map((c) => c.path)).toEqual([DEPLOYMENT]);
  });

  it('refuses, naming the changed paths, when the failing range changed nothing the build reads', async () => {
    // Prepare
    const files = await gitopsApps();
    h = await harness([
      { message: 'Add the apps tree', files },
      {
        message: 'Edit staging only',
        files: { 'gitops/apps/staging/kustomization.yaml': 'resources: []\n' },
      },
    ]);
    const [appsAdded, failing] = h.shas as [string, string];

    // Act
    const result = await revertIn(h, failing, { good: appsAdded, scope: ['gitops/apps/production'] });

    // Assess
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'outside-scope' });
    expect(result.reason).toContain('gitops/apps/staging/kustomization.yaml');
    expect(await h.repo.revParse('refs/heads/main')).toBe(failing);
  });

  it('names remote bases as not revertable', async () => {
    // Prepare
    h = await harness([
      {
        message: 'An overlay with a remote base',
        files: {
          'apps/prod/kustomization.yaml':
            'resources:\n  - https://github.com/acme/shared//base?ref=v1\n  - app.yaml\n',
          'apps/prod/app.yaml': 'image: web:1\n',
        },
      },
      { message: 'Break', files: { 'apps/prod/app.yaml': 'image: web:broken\n' } },
    ]);
    const [added, failing] = h.shas as [string, string];

    // Act
    const result = await revertIn(h, failing, { good: added, scope: ['apps/prod'], mode: 'dry-run' });

    // Assess
    expect(result.outcome).toBe('planned');
    expect(result.notRevertable).toEqual(['https://github.com/acme/shared//base?ref=v1']);
  });
});
