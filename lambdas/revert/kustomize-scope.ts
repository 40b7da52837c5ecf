/**
 * The revert scope of a Flux Kustomization: every file its kustomize build reads at one revision,
 * inside `spec.path` or not (a base in `../base/app` is part of it), read from a git tree listing
 * and the kustomization files' contents. Pure apart from the blob reader it is given.
 *
 * @module
 */
import { parse } from 'yaml';
import type { TreeEntry } from './plan.js';

/** The names kustomize looks for in a directory, in its order. */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** The extensions of the manifests Flux picks up in a directory without a kustomization file. */
const MANIFEST = /\.(ya?ml|json)$/i;

/** Reads the text of a blob by SHA (the Git Data API, cached by the caller). */
export type BlobReader = (sha: string) => Promise<string>;

/** The files one Kustomization's build reads at one revision. */
export interface KustomizeScope {
  /** Repository paths of every local file the build reads (kustomization files included). */
  files: Set<string>;
  /** Remote bases and resources (URLs, `github.com/...`): read by the build, not revertable here. */
  remote: string[];
  /** Kustomization files that did not parse, with why: their references could not be followed. */
  unreadable: string[];
}

/** Joins a kustomization-relative reference onto its directory; `..` is clamped at the root. */
export function joinPath(dir: string, reference: string): string {
  const parts: string[] = [];
  for (const part of `${dir}/${reference}`.replace(/\\/g, '/').split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return parts.join('/');
}

/**
 * Whether a reference names something outside the repository: a URL, an scp-like git address, or
 * a go-getter style `github.com/owner/repo/...` path, as kustomize accepts for remote bases.
 */
export function isRemoteReference(reference: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(reference) ||
    /^[^/\s]+@[^/\s:]+:/.test(reference) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//i.test(reference) ||
    /\?ref=|\?version=/.test(reference)
  );
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function objects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}

/** The `path` of each object entry (patches, patchesJson6902, replacements). */
function paths(value: unknown): string[] {
  return objects(value).flatMap((entry) => strings(entry.path));
}

/** The files of configMapGenerator / secretGenerator entries: `files` (`key=path` or `path`), `envs`, `env`. */
function generatorFiles(value: unknown): string[] {
  return objects(value).flatMap((generator) => [
    ...strings(generator.files).map((file) => file.slice(file.indexOf('=') + 1)),
    ...strings(generator.envs),
    ...strings(generator.env),
  ]);
}

/** Strategic merge patches are file paths or inline YAML; only the paths are files. */
function patchFiles(value: unknown): string[] {
  return strings(value).filter((entry) => !entry.includes('\n'));
}

/**
 * The references a kustomization makes, split into those that may be directories (resources,
 * components, bases: followed into their own kustomization) and those that are files.
 */
export function referencesOf(kustomization: Record<string, unknown>): { dirs: string[]; files: string[] } {
  return {
    dirs: [
      ...strings(kustomization.resources),
      ...strings(kustomization.components),
      ...strings(kustomization.bases),
    ],
    files: [
      ...paths(kustomization.patches),
      ...patchFiles(kustomization.patchesStrategicMerge),
      ...paths(kustomization.patchesJson6902),
      ...generatorFiles(kustomization.configMapGenerator),
      ...generatorFiles(kustomization.secretGenerator),
      ...paths(kustomization.replacements),
      ...strings(kustomization.crds),
      ...strings(kustomization.configurations),
      ...strings(kustomization.transformers),
      ...strings(kustomization.generators),
      ...strings(kustomization.validators),
    ],
  };
}

/**
 * Resolves the files a Flux Kustomization with `spec.path` = `root` reads in the revision whose
 * files `tree` lists. A directory with a kustomization file contributes that file and everything
 * it references, followed recursively (directories into their own kustomization); a directory
 * without one contributes every manifest under it, as Flux generates its kustomization, except
 * that a subdirectory with its own kustomization file is followed as a kustomization.
 *
 * @example
 * ```ts
 * const scope = await kustomizeScope(indexTree(entries), 'gitops/apps/production', readBlob);
 * scope.files.has('gitops/apps/base/sre-challenge/deployment.yaml'); // true
 * ```
 */
export async function kustomizeScope(
  tree: ReadonlyMap<string, TreeEntry>,
  root: string,
  readBlob: BlobReader,
): Promise<KustomizeScope> {
  const scope: KustomizeScope = { files: new Set(), remote: [], unreadable: [] };
  const visited = new Set<string>();
  const allPaths = [...tree.keys()];
  const isDir = (dir: string) => dir === '' || allPaths.some((p) => p.startsWith(`${dir}/`));
  const under = (dir: string) => (dir === '' ? allPaths : allPaths.filter((p) => p.startsWith(`${dir}/`)));
  const kustomizationIn = (dir: string) =>
    KUSTOMIZATION_FILE_NAMES.map((name) => (dir === '' ? name : `${dir}/${name}`)).find((p) => tree.has(p));

  const visit = async (dir: string): Promise<void> => {
    if (visited.has(dir)) return;
    visited.add(dir);
    const file = kustomizationIn(dir);
    if (!file) {
      await visitGenerated(dir);
      return;
    }
    scope.files.add(file);
    let parsed: unknown;
    try {
      parsed = parse(await readBlob((tree.get(file) as TreeEntry).sha));
    } catch (error) {
      scope.unreadable.push(`${file}: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const { dirs, files } = referencesOf(parsed as Record<string, unknown>);
    const follow: string[] = [];
    for (const reference of [...dirs, ...files]) {
      if (isRemoteReference(reference)) {
        scope.remote.push(reference);
        continue;
      }
      const path = joinPath(dir, reference);
      if (dirs.includes(reference) && !tree.has(path) && isDir(path)) follow.push(path);
      else scope.files.add(path);
    }
    await Promise.all(follow.map(visit));
  };

  const visitGenerated = async (dir: string): Promise<void> => {
    const nested = new Set<string>();
    for (const path of under(dir)) {
      const parent = path.slice(0, path.lastIndexOf('/'));
      // The nearest directory between dir and the file that has its own kustomization file.
      let owner: string | undefined;
      for (let d = parent; d.length > dir.length; d = d.slice(0, Math.max(0, d.lastIndexOf('/')))) {
        if (kustomizationIn(d)) owner = d;
      }
      if (owner) nested.add(owner);
      else if (MANIFEST.test(path)) scope.files.add(path);
    }
    await Promise.all([...nested].map(visit));
  };

  await visit(root);
  return scope;
}
