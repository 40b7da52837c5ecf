import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Environment, SAMPLE_CLUSTER_CONFIG } from './cluster-config.js';
import { substitute } from './flux-substitution.js';
import { type KubeObject, objectRef } from './kube-object.js';
import { kustomizeBuild } from './kustomize.js';

/** The repository root (this file lives in `test/gitops/support/`). */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** Where Flux's own `flux-system` Kustomization points for an environment. */
export function clusterDirectory(environment: Environment): string {
  return `gitops/clusters/${environment}`;
}

/** A Flux Kustomization from a cluster overlay, with what its path builds to. */
export interface BuiltFluxKustomization {
  object: KubeObject;
  /** `spec.path` without the leading `./`, relative to the repository root. */
  path: string;
  /** The objects exactly as `kubectl kustomize` prints them, `${var}` placeholders still in place. */
  raw: KubeObject[];
  /** The same objects after Flux post-build substitution from the sample `cluster-config`. */
  substituted: KubeObject[];
}

/** Everything one environment's cluster overlay makes Flux apply. */
export interface GitopsTree {
  environment: Environment;
  /** The Flux Kustomizations in `gitops/clusters/<env>`. */
  cluster: KubeObject[];
  kustomizations: BuiltFluxKustomization[];
  /** Every object all the Kustomizations apply, substituted. */
  objects: KubeObject[];
}

/** Thrown when a cluster overlay points Flux at something that cannot work. */
export class GitopsTreeError extends Error {
  override readonly name = 'GitopsTreeError';
}

function usesClusterConfig(kustomization: KubeObject): boolean {
  const postBuild = (
    kustomization.spec as { postBuild?: { substituteFrom?: { kind: string; name: string }[] } }
  ).postBuild;
  return (postBuild?.substituteFrom ?? []).some(
    (ref) => ref.kind === 'ConfigMap' && ref.name === 'cluster-config',
  );
}

async function buildFluxKustomization(
  environment: Environment,
  object: KubeObject,
): Promise<BuiltFluxKustomization> {
  const specPath = (object.spec as { path?: unknown }).path;
  if (typeof specPath !== 'string') throw new GitopsTreeError(`${objectRef(object)} has no spec.path`);
  const path = specPath.replace(/^\.\//, '');
  const directory = join(REPO_ROOT, path);
  await access(directory).catch((error: unknown) => {
    throw new GitopsTreeError(`${objectRef(object)} points at ${specPath}, which does not exist`, {
      cause: error,
    });
  });
  const raw = await kustomizeBuild(directory);
  const variables = usesClusterConfig(object) ? SAMPLE_CLUSTER_CONFIG[environment] : {};
  return { object, path, raw, substituted: raw.map((built) => substitute(built, variables)) };
}

const cache = new Map<Environment, Promise<GitopsTree>>();

/** Builds an environment's overlay and every path its Flux Kustomizations point at (memoised per worker). */
export function loadGitopsTree(environment: Environment): Promise<GitopsTree> {
  let tree = cache.get(environment);
  if (!tree) {
    tree = (async () => {
      const cluster = await kustomizeBuild(join(REPO_ROOT, clusterDirectory(environment)));
      const fluxKustomizations = cluster.filter(
        (object) => object.apiVersion === 'kustomize.toolkit.fluxcd.io/v1' && object.kind === 'Kustomization',
      );
      const kustomizations = await Promise.all(
        fluxKustomizations.map((object) => buildFluxKustomization(environment, object)),
      );
      return {
        environment,
        cluster,
        kustomizations,
        objects: kustomizations.flatMap((built) => built.substituted),
      };
    })();
    cache.set(environment, tree);
  }
  return tree;
}
