/**
 * Pure revert planning: which paths to restore, from tree listings and comparison file lists.
 * No I/O here; the engine feeds it what the GitHub adapter read.
 *
 * @module
 */

/** One entry of a recursive git tree listing (`GET /git/trees/{sha}?recursive=1`). */
export interface TreeEntry {
  path: string;
  /** `100644`, `100755`, `120000` (symlink), `160000` (submodule) or `040000` (tree). */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

/** The version of a path on one side of a diff; `mode` is unknown when it came from a comparison. */
export interface FileVersion {
  sha: string;
  mode?: string;
}

/**
 * The paths (in scope) that differ from the good revision, each with its version on the other side,
 * or `null` where the path does not exist there.
 */
export type FileDelta = ReadonlyMap<string, FileVersion | null>;

/** One entry of `files[]` in a comparison (`GET /compare/{base}...{head}`). */
export interface CompareFile {
  filename: string;
  status: string;
  sha?: string | null;
  previous_filename?: string;
}

/**
 * One entry of the tree to create on top of the head tree; `sha: null` deletes the path, and
 * `content` (with `sha: null`) writes new text there.
 */
export interface TreeChange {
  path: string;
  mode: string;
  type: 'blob' | 'commit';
  sha: string | null;
  content?: string;
}

/** What a revert would change. */
export interface RevertPlan {
  /** Tree entries restoring every path the failing range changed (conflicting ones included). */
  changes: TreeChange[];
  /** Paths that later commits changed again: a revert of them would discard later work. */
  conflicts: string[];
  /** Paths the failing range changed that the head already has at their good version. */
  alreadyGood: string[];
}

/**
 * Normalises Kustomization `spec.path` values into repository paths: `./apps/prod/` → `apps/prod`.
 * A scope naming the repository root (`.`, `./`, `/`, empty) means the whole repository and yields
 * `[]`; paths nested under another scope path are dropped.
 */
export function normaliseScope(paths: readonly string[]): string[] {
  // `..` is resolved and clamped at the root, as Flux joins `spec.path` to the source root.
  const cleaned = paths.map((p) => {
    const parts: string[] = [];
    for (const part of p.trim().replace(/\\/g, '/').split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '' && part !== '.') parts.push(part);
    }
    return parts.join('/');
  });
  if (cleaned.length === 0 || cleaned.includes('')) return [];
  const unique = [...new Set(cleaned)].sort();
  return unique.filter((p) => !unique.some((other) => other !== p && p.startsWith(`${other}/`)));
}

/** Whether `path` is inside the scope (an empty scope is the whole repository). */
export function inScope(path: string, scope: readonly string[]): boolean {
  return scope.length === 0 || scope.some((s) => path === s || path.startsWith(`${s}/`));
}

/**
 * The delta of a comparison's file list, restricted to the scope. A rename becomes the deletion of
 * the old path plus the new path; a removal maps the path to `null`.
 */
export function deltaFromCompare(files: readonly CompareFile[], scope: readonly string[]): FileDelta {
  const delta = new Map<string, FileVersion | null>();
  for (const file of files) {
    if (file.status === 'unchanged') continue;
    if (file.status === 'renamed' && file.previous_filename && inScope(file.previous_filename, scope)) {
      delta.set(file.previous_filename, null);
    }
    if (!inScope(file.filename, scope)) continue;
    if (file.status === 'removed') delta.set(file.filename, null);
    else delta.set(file.filename, { sha: file.sha ?? '' });
  }
  return delta;
}

/** The part of a delta whose paths `includes` accepts. */
export function restrictDelta(delta: FileDelta, includes: (path: string) => boolean): FileDelta {
  return new Map([...delta].filter(([path]) => includes(path)));
}

/** Indexes the file entries (blobs, symlinks, submodules; not trees) of a recursive listing by path. */
export function indexTree(entries: readonly TreeEntry[]): Map<string, TreeEntry> {
  return new Map(entries.filter((e) => e.type !== 'tree').map((e) => [e.path, e]));
}

/** The delta between two recursive tree listings, restricted to the scope (mode changes included). */
export function diffTrees(
  from: ReadonlyMap<string, TreeEntry>,
  to: ReadonlyMap<string, TreeEntry>,
  scope: readonly string[],
): FileDelta {
  const delta = new Map<string, FileVersion | null>();
  for (const [path, entry] of to) {
    if (!inScope(path, scope)) continue;
    const before = from.get(path);
    if (!before || before.sha !== entry.sha || before.mode !== entry.mode) {
      delta.set(path, { sha: entry.sha, mode: entry.mode });
    }
  }
  for (const path of from.keys()) {
    if (inScope(path, scope) && !to.has(path)) delta.set(path, null);
  }
  return delta;
}

function same(a: FileVersion | null, b: FileVersion | null): boolean {
  if (a === null || b === null) return a === b;
  return a.sha === b.sha && (a.mode === undefined || b.mode === undefined || a.mode === b.mode);
}

/**
 * Plans the revert of the failing range on top of the head.
 *
 * For each path the failing range changed (its delta from good): when the head has no difference
 * from good there, nothing is needed; when the head still has the failing version, the path is set
 * back to its good version (deleted when good did not have it); otherwise a later commit changed it
 * again, which is a conflict: the path is still restored in the plan, but the engine will not push
 * it and opens a pull request instead.
 *
 * @param good the good revision's files, from {@link indexTree}
 * @param failing the delta good → failing commit, in scope
 * @param head the delta good → branch head, in scope
 */
export function planRevert(
  good: ReadonlyMap<string, TreeEntry>,
  failing: FileDelta,
  head: FileDelta,
): RevertPlan {
  const plan: RevertPlan = { changes: [], conflicts: [], alreadyGood: [] };
  for (const path of [...failing.keys()].sort()) {
    if (!head.has(path)) {
      plan.alreadyGood.push(path);
      continue;
    }
    const atHead = head.get(path) ?? null;
    if (!same(atHead, failing.get(path) ?? null)) plan.conflicts.push(path);
    const restore = good.get(path);
    if (restore) {
      plan.changes.push({
        path,
        mode: restore.mode,
        type: restore.type === 'commit' ? 'commit' : 'blob',
        sha: restore.sha,
      });
    } else if (atHead !== null) {
      plan.changes.push({ path, mode: atHead.mode ?? '100644', type: 'blob', sha: null });
    }
  }
  return plan;
}
