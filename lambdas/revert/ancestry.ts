/**
 * Ancestry within a comparison, read from the commits' parents and never from the order GitHub
 * lists them in (chronological, so a side branch merged later interleaves with the main line).
 *
 * @module
 */
import type { CommitInfo } from './github-client.js';

/** How the listed commits relate to the failing commit. */
export interface Ancestry {
  /** The failing commit and its listed ancestors, in list order: the commits a revert undoes. */
  ancestors: CommitInfo[];
  /** The listed commits that have the failing commit as an ancestor, in list order. */
  descendants: CommitInfo[];
  /** Whether `good` is an ancestor of the failing commit (a parent of it or of one of its listed ancestors). */
  goodIsAncestor: boolean;
}

/**
 * Splits the commits of a comparison `good...head` around `failing` by walking parents.
 *
 * @example
 * ```ts
 * const { ancestors, descendants, goodIsAncestor } = ancestryOf(comparison.commits, failing, good);
 * ```
 */
export function ancestryOf(commits: readonly CommitInfo[], failing: string, good: string): Ancestry {
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  const ancestorShas = new Set<string>();
  let goodIsAncestor = false;
  const walk = [failing];
  while (walk.length > 0) {
    const sha = walk.pop() as string;
    const commit = bySha.get(sha);
    if (!commit || ancestorShas.has(sha)) continue;
    ancestorShas.add(sha);
    for (const parent of commit.parents) {
      if (parent === good) goodIsAncestor = true;
      walk.push(parent);
    }
  }
  const children = new Map<string, string[]>();
  for (const c of commits) {
    for (const parent of c.parents) children.set(parent, [...(children.get(parent) ?? []), c.sha]);
  }
  const descendantShas = new Set<string>();
  const down = [...(children.get(failing) ?? [])];
  while (down.length > 0) {
    const sha = down.pop() as string;
    if (descendantShas.has(sha)) continue;
    descendantShas.add(sha);
    down.push(...(children.get(sha) ?? []));
  }
  return {
    ancestors: commits.filter((c) => ancestorShas.has(c.sha)),
    descendants: commits.filter((c) => descendantShas.has(c.sha)),
    goodIsAncestor,
  };
}
