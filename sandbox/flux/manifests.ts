/**
 * What a Flux Kustomization builds from one revision of the repository: a small kustomize that
 * follows `resources` (files and directories) through `kustomization.yaml` files read straight from
 * git objects, applies `patches` given as strategic-merge patch files (`- path: <file>`, the patch
 * naming its target by apiVersion, kind, name and namespace), then Flux's post-build variable
 * substitution. The gitops tree uses nothing else; anything else (inline or targeted patches,
 * generators, components) is refused by name rather than half applied.
 *
 * @module
 */
import { posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { GitRepo } from '../github/git-repo.js';
import type { KubeObject } from '../kube-api/fake-kube-api.js';

/** The annotation that turns Flux's post-build substitution off for one object. */
export const SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'metadata', 'patches']);

/** A path the simulator cannot build, with the reason. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Every file of one commit, read with two git calls (trees are immutable, so cached per SHA). */
type Snapshot = { files: Map<string, Buffer>; dirs: Set<string> };
const snapshots = new WeakMap<GitRepo, Map<string, Promise<Snapshot>>>();

async function readSnapshot(repo: GitRepo, sha: string): Promise<Snapshot> {
  const listing = await repo.git(['ls-tree', '-r', '-z', sha]);
  const entries = listing
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      return { id: line.slice(0, tab).split(' ')[2] ?? '', path: line.slice(tab + 1) };
    })
    .filter((e) => /\.ya?ml$/.test(e.path));
  const files = new Map<string, Buffer>();
  const dirs = new Set<string>();
  if (entries.length > 0) {
    const out = await repo.gitBytes(['cat-file', '--batch'], {
      input: `${entries.map((e) => e.id).join('\n')}\n`,
    });
    let at = 0;
    for (const entry of entries) {
      const eol = out.indexOf(10, at);
      const size = Number(out.subarray(at, eol).toString('utf8').split(' ')[2]);
      files.set(entry.path, out.subarray(eol + 1, eol + 1 + size));
      at = eol + 1 + size + 1;
      for (let dir = posix.dirname(entry.path); dir !== '.'; dir = posix.dirname(dir)) dirs.add(dir);
    }
  }
  return { files, dirs };
}

function snapshot(repo: GitRepo, sha: string): Promise<Snapshot> {
  const cache = snapshots.get(repo) ?? new Map<string, Promise<Snapshot>>();
  snapshots.set(repo, cache);
  let found = cache.get(sha);
  if (!found) {
    found = readSnapshot(repo, sha);
    found.catch(() => cache.delete(sha));
    cache.set(sha, found);
  }
  return found;
}

function readYaml(tree: Snapshot, path: string): unknown[] {
  const text = (tree.files.get(path) ?? Buffer.alloc(0)).toString('utf8');
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new ManifestError(`${path}: ${doc.errors[0]?.message}`);
      return doc.toJS() as unknown;
    })
    .filter((value) => value !== null && value !== undefined);
}

function build(tree: Snapshot, dir: string, seen: Set<string>, read?: Set<string>): KubeObject[] {
  if (seen.has(dir)) throw new ManifestError(`${dir}: kustomization cycle`);
  seen.add(dir);
  const file = posix.join(dir, 'kustomization.yaml');
  if (!tree.files.has(file)) {
    throw new ManifestError(`kustomization path not found: ${dir}/kustomization.yaml`);
  }
  read?.add(file);
  const [config] = readYaml(tree, file) as Array<Record<string, unknown>>;
  const unsupported = Object.keys(config ?? {}).filter((key) => !SUPPORTED_FIELDS.has(key));
  if (unsupported.length > 0) {
    throw new ManifestError(`${file}: the simulator builds resources only, not ${unsupported.join(', ')}`);
  }
  const objects: KubeObject[] = [];
  for (const entry of (config?.resources as string[] | undefined) ?? []) {
    const path = posix.normalize(posix.join(dir, entry));
    if (tree.dirs.has(path)) objects.push(...build(tree, path, seen, read));
    else if (tree.files.has(path)) {
      read?.add(path);
      objects.push(...(readYaml(tree, path) as KubeObject[]));
    } else throw new ManifestError(`${file}: resource ${entry} not found`);
  }
  for (const entry of (config?.patches as unknown[] | undefined) ?? []) {
    const { path: relative, ...rest } = (entry ?? {}) as { path?: unknown };
    if (typeof relative !== 'string' || Object.keys(rest).length > 0) {
      throw new ManifestError(
        `${file}: the simulator applies patches given as a path only, not ${Object.keys(rest).join(', ') || 'inline patches'}`,
      );
    }
    const path = posix.normalize(posix.join(dir, relative));
    if (!tree.files.has(path)) throw new ManifestError(`${file}: patch ${relative} not found`);
    read?.add(path);
    for (const patch of readYaml(tree, path) as KubeObject[]) applyPatch(objects, patch, path);
  }
  return objects;
}

type Json = Record<string, unknown>;
const isMap = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A strategic merge patch as kustomize applies one to an object without an OpenAPI schema (a
 * custom resource such as a HelmRelease): maps merge key by key, `null` deletes a key, lists and
 * scalars replace.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(target) || !isMap(patch)) return structuredClone(patch);
  const merged: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = mergePatch(target[key], value);
  }
  return merged;
}

function applyPatch(objects: KubeObject[], patch: KubeObject, path: string): void {
  const namespace = patch.metadata?.namespace;
  const at = objects.findIndex(
    (o) =>
      o.apiVersion === patch.apiVersion &&
      o.kind === patch.kind &&
      o.metadata.name === patch.metadata?.name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (at < 0) {
    throw new ManifestError(`${path}: no resource matches the patch ${objectId(patch)}`);
  }
  objects[at] = mergePatch(objects[at], patch) as KubeObject;
}

/**
 * Flux's `postBuild.substitute`: `${name}`, `${name:=default}` and `${name:-default}` in every
 * string of every object not annotated `kustomize.toolkit.fluxcd.io/substitute: disabled`; an
 * unknown name without a default becomes empty, as envsubst's non-strict mode does.
 */
export function substitute(object: KubeObject, variables: Readonly<Record<string, string>>): KubeObject {
  const annotations = (object.metadata.annotations ?? {}) as Record<string, string>;
  if (annotations[SUBSTITUTE_ANNOTATION] === 'disabled') return object;
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(
        /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[=-]([^}]*))?\}/g,
        (_, name: string, fallback?: string) => variables[name] ?? fallback ?? '',
      );
    }
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    }
    return value;
  };
  return replace(object) as KubeObject;
}

/**
 * The objects a Kustomization with `spec.path` = `path` applies from commit `sha`.
 *
 * @example
 * ```ts
 * const objects = await buildKustomization(repo, sha, './gitops/apps/production', { environment: 'production' });
 * ```
 * @throws {ManifestError} when the path is missing or uses what the simulator does not build
 */
export async function buildKustomization(
  repo: GitRepo,
  sha: string,
  path: string,
  variables: Readonly<Record<string, string>> = {},
): Promise<KubeObject[]> {
  const dir = posix.normalize(path.replace(/^\.\//, '')).replace(/\/+$/, '');
  const objects = build(await snapshot(repo, sha), dir, new Set());
  return objects.map((o) => substitute(o, variables));
}

/**
 * The repository paths a Kustomization with `spec.path` = `path` reads at commit `sha`: its
 * kustomization files, resources and patches, bases outside `path` included.
 *
 * @example
 * ```ts
 * const files = await kustomizationFiles(repo, sha, './gitops/infrastructure/production/controllers');
 * files.has('gitops/infrastructure/base/controllers/aws-load-balancer-controller/helmrelease.yaml'); // true
 * ```
 */
export async function kustomizationFiles(repo: GitRepo, sha: string, path: string): Promise<Set<string>> {
  const dir = posix.normalize(path.replace(/^\.\//, '')).replace(/\/+$/, '');
  const read = new Set<string>();
  build(await snapshot(repo, sha), dir, new Set(), read);
  return read;
}

/** `Kind/namespace/name` (or `Kind/name` for cluster-scoped objects), as Flux lists a change set. */
export function objectId(object: KubeObject): string {
  const ns = object.metadata.namespace;
  return ns ? `${object.kind}/${ns}/${object.metadata.name}` : `${object.kind}/${object.metadata.name}`;
}
