/**
 * Seeding the GitHub stand-in's repository with a real tree (this project's own `gitops/`), so the
 * simulation reverts the manifests a user deploys, not a toy app.
 *
 * @module
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { GitRepo } from '../github/git-repo.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/**
 * Commits every file under `root/<folder>` (default `gitops`) to `branch` as one commit, at the
 * same paths, and returns its SHA.
 *
 * @example
 * ```ts
 * const repo = await GitRepo.create();
 * const good = await seedRepository(repo, process.cwd());
 * ```
 */
export async function seedRepository(
  repo: GitRepo,
  root: string,
  { folder = 'gitops', branch = 'main', message = 'gitops: the platform and the sample app' } = {},
): Promise<string> {
  const files: Record<string, Buffer> = {};
  for (const path of await filesUnder(join(root, folder))) {
    files[relative(root, path).split(sep).join('/')] = await readFile(path);
  }
  const [sha] = await repo.commit(branch, [{ message, files }]);
  return sha as string;
}
