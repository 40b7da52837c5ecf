/**
 * The reapply pull request: after a revert, a draft pull request whose one commit puts the
 * reverted change back on top of the revert, so fixing forward starts from one click.
 *
 * @module
 */
import type { GitHubGitApi } from './github-client.js';
import { type IncidentContext, reapplyBody, reapplyMessage, reapplySubject, shortSha } from './message.js';
import { indexTree, type TreeChange } from './plan.js';
import type { RevertResult } from './revert-engine.js';

/** The prefix of the branches reapply pull requests are opened from. */
export const REAPPLY_BRANCH_PREFIX = 'fluxguard/reapply-';

/**
 * The branch a revert's reapply pull request is opened from: `fluxguard/reapply-<short failing
 * sha>`, then `-<Kustomization name>` when the revert was scoped to a Kustomization. One commit that
 * breaks two Kustomizations is reverted once per Kustomization's path, and each revert gets its own
 * reapply pull request (a shared one would put back only the first one's path).
 *
 * @example
 * reapplyBranch('9f1c2b7e4d…', 'flux-system/apps'); // 'fluxguard/reapply-9f1c2b7-apps'
 */
export function reapplyBranch(failing: string, kustomization?: string): string {
  const name = kustomization
    ?.split('/')
    .at(-1)
    ?.replace(/[^A-Za-z0-9._-]/g, '-');
  return `${REAPPLY_BRANCH_PREFIX}${shortSha(failing)}${name ? `-${name}` : ''}`;
}

/** Input of {@link openReapplyPullRequest}. */
export interface ReapplyRequest {
  /** The result of the revert to undo: `reverted` or `already-reverted`, with its commit. */
  revert: RevertResult;
  /** The branch the pull request targets (the branch Flux follows). */
  branch: string;
  incident: IncidentContext;
}

/** What {@link openReapplyPullRequest} did. */
export interface ReapplyResult {
  outcome: 'pull-request-opened' | 'already-open' | 'refused';
  reason: string;
  /** `fluxguard/reapply-<short failing sha>-<Kustomization name>` ({@link reapplyBranch}). */
  pullRequestBranch: string;
  pullRequestUrl?: string;
  pullRequestNumber?: number;
  /** The reapply commit, when this call made it. */
  commitSha?: string;
}

/**
 * The paths the revert restored. A fresh revert's plan lists them (its edits, such as an
 * ImagePolicy exclusion, are kept out: the reapply keeps them); for `already-reverted` they are
 * the paths the revert commit changed.
 */
async function restoredPaths(
  github: GitHubGitApi,
  revert: RevertResult,
  revertSha: string,
): Promise<string[]> {
  if (revert.plan) return revert.plan.changes.filter((c) => c.content === undefined).map((c) => c.path);
  const commit = await github.getCommit(revertSha);
  const parent = commit.parents[0] as string;
  const comparison = await github.compare(parent, revertSha);
  return (comparison.files ?? []).flatMap((f) => [
    f.filename,
    ...(f.previous_filename ? [f.previous_filename] : []),
  ]);
}

/**
 * Opens a draft pull request on `fluxguard/reapply-<short failing sha>` whose commit sets the
 * paths the revert restored back to their failing-revision content, on top of the revert commit,
 * and mentions the reverted change's author. Idempotent: an open pull request from that branch is
 * returned as is, and an existing branch is reused.
 *
 * @param beforeWrite called before each write; throws to stop (the engine's deadline)
 */
export async function openReapplyPullRequest(
  github: GitHubGitApi,
  { revert, branch, incident }: ReapplyRequest,
  beforeWrite: (action: string) => void = () => undefined,
): Promise<ReapplyResult> {
  const pullRequestBranch = reapplyBranch(revert.failing, incident.kustomization);
  const revertSha = revert.commitSha;
  if ((revert.outcome !== 'reverted' && revert.outcome !== 'already-reverted') || !revertSha) {
    return {
      outcome: 'refused',
      reason: `nothing to reapply: the revert answered ${revert.outcome}, not a revert commit on ${branch}`,
      pullRequestBranch,
    };
  }
  const existing = await github.findOpenPullRequest(pullRequestBranch, branch);
  if (existing) {
    return {
      outcome: 'already-open',
      reason: `pull request #${existing.number} already reapplies ${shortSha(revert.failing)}`,
      pullRequestBranch,
      pullRequestUrl: existing.url,
      pullRequestNumber: existing.number,
    };
  }
  const [failingCommit, revertCommit, paths] = await Promise.all([
    github.getCommit(revert.failing),
    github.getCommit(revertSha),
    restoredPaths(github, revert, revertSha),
  ]);
  const [failingListing, revertListing] = await Promise.all([
    github.getTree(failingCommit.treeSha),
    github.getTree(revertCommit.treeSha),
  ]);
  if (failingListing.truncated || revertListing.truncated) {
    return { outcome: 'refused', reason: 'the trees are too large for GitHub to list', pullRequestBranch };
  }
  const atFailing = indexTree(failingListing.entries);
  const atRevert = indexTree(revertListing.entries);
  const changes: TreeChange[] = [];
  for (const path of [...new Set(paths)].sort()) {
    const entry = atFailing.get(path);
    if (entry) {
      changes.push({
        path,
        mode: entry.mode,
        type: entry.type === 'commit' ? 'commit' : 'blob',
        sha: entry.sha,
      });
    } else if (atRevert.has(path)) {
      changes.push({ path, mode: atRevert.get(path)?.mode ?? '100644', type: 'blob', sha: null });
    }
  }
  const reverted = revert.revertedCommits;
  const input = { reverted, failing: revert.failing, revertSha, incident };
  beforeWrite('create the reapply commit');
  const tree = await github.createTree(revertCommit.treeSha, changes);
  const commit = await github.createCommit(reapplyMessage(input), tree, [revertSha]);
  beforeWrite(`create branch ${pullRequestBranch}`);
  if (!(await github.createBranch(pullRequestBranch, commit.sha))) {
    // A crash after the branch and before the pull request: the branch holds an earlier reapply.
    beforeWrite(`update ${pullRequestBranch}`);
    await github.updateBranch(pullRequestBranch, commit.sha, true);
  }
  beforeWrite('open the reapply pull request');
  const pr = await github.createPullRequest({
    title: reapplySubject(reverted),
    body: reapplyBody(input),
    head: pullRequestBranch,
    base: branch,
    draft: true,
  });
  return {
    outcome: 'pull-request-opened',
    reason: `opened draft pull request #${pr.number} reapplying ${shortSha(revert.failing)} on top of ${shortSha(revertSha)}`,
    pullRequestBranch,
    pullRequestUrl: pr.url,
    pullRequestNumber: pr.number,
    commitSha: commit.sha,
  };
}
