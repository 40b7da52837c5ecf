// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Flux ${var} placeholders are literal text here, not JavaScript templates.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from './support/cluster-config.js';
import { variablesIn } from './support/flux-substitution.js';
import { loadGitopsTree, REPO_ROOT } from './support/gitops-tree.js';
import {
  checkChartsPinned,
  checkCurrentFluxApis,
  checkImagePolicyMarkers,
  checkImagesPinned,
  checkNamespaceDefaultDeny,
  checkNamespacePodSecurity,
  checkNoSecretData,
  checkProbes,
  checkResources,
  checkRestrictedSecurityContext,
  findImagePolicyMarkers,
} from './support/policies.js';

const trees = await Promise.all(ENVIRONMENTS.map((environment) => loadGitopsTree(environment)));

async function gitopsSourceFiles(directory = join(REPO_ROOT, 'gitops')): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? gitopsSourceFiles(join(directory, entry.name)) : [join(directory, entry.name)],
    ),
  );
  return nested.flat().filter((file) => /\.(ya?ml|json)$/.test(file));
}

const sources = await Promise.all(
  (await gitopsSourceFiles()).map(async (file) => ({
    file: relative(REPO_ROOT, file),
    text: await readFile(file, 'utf8'),
  })),
);
const markers = sources.flatMap(({ file, text }) => findImagePolicyMarkers(file, text));

describe.each(trees)('policies ($environment)', (tree) => {
  const all = [...tree.cluster, ...tree.objects];

  it('every container sets CPU and memory requests and limits', () => {
    expect(checkResources(all)).toEqual([]);
  });

  it('every container has readiness and liveness probes', () => {
    expect(checkProbes(all)).toEqual([]);
  });

  it('every pod runs with a restricted security context', () => {
    expect(checkRestrictedSecurityContext(all)).toEqual([]);
  });

  it('no image is untagged or tagged latest', () => {
    expect(checkImagesPinned(all)).toEqual([]);
  });

  it('every HelmRelease pins an exact chart version', () => {
    expect(checkChartsPinned(all)).toEqual([]);
  });

  it('every namespace has Pod Security labels', () => {
    expect(checkNamespacePodSecurity(all)).toEqual([]);
  });

  it('every namespace has a default-deny NetworkPolicy', () => {
    expect(checkNamespaceDefaultDeny(all)).toEqual([]);
  });

  it('every $imagepolicy marker points at an ImagePolicy that exists', () => {
    expect(markers.length).toBeGreaterThan(0);
    expect(checkImagePolicyMarkers(markers, all)).toEqual([]);
  });

  it('no Secret with data is kept in git', () => {
    expect(checkNoSecretData(all)).toEqual([]);
  });

  it('every Flux object uses the current API version', () => {
    expect(checkCurrentFluxApis(all)).toEqual([]);
  });
});

describe('sources', () => {
  it('use only ${var} names the platform writes into cluster-config', () => {
    const known = new Set([
      'cluster_name',
      'aws_region',
      'vpc_id',
      'vpc_cidr',
      'environment',
      'domain',
      'certificate_arn',
      'log_group_name',
      'fluxguard_webhook_url',
      'fluxguard_alertmanager_url',
    ]);
    const unknown = sources
      .filter(({ file }) => !file.endsWith('.json') && !file.includes('configmap-nginx'))
      .flatMap(({ file, text }) =>
        variablesIn(text)
          .filter((name) => !known.has(name))
          .map((name) => `${file}: ${name}`),
      );
    expect(unknown).toEqual([]);
  });

  it('hold no Secret manifests at all', () => {
    expect(sources.filter(({ text }) => /^kind:\s*Secret\s*$/m.test(text)).map(({ file }) => file)).toEqual(
      [],
    );
  });
});
