import { NotFastForwardError, ProtectedBranchError } from './errors.js';
import type { CommitInfo, Comparison, GitHubGitApi } from './github-client.js';
import {
  type CommitSummary,
  formatRevertMessage,
  type IncidentContext,
  pullRequestBody,
  revertSubject,
  shortSha,
  subjectOf,
} from './message.js';
import {
  deltaFromCompare,
  diffTrees,
  type FileDelta,
  indexTree,
  normaliseScope,
  planRevert,
  type TreeChange,
  type TreeEntry,
} from './plan.js';
import type { TimeBudget } from './rate-limits.js';
import { isFluxguardRevert, revertsCommit } from './trailers.js';

/** `direct` pushes to the branch, `pull-request` opens one, `dry-run` writes nothing. */
export type RevertMode = 'direct' | 'pull-request' | 'dry-run';

/** What to revert. */
export interface RevertRequest {
  branch: string;
  /** The commit whose rollout failed (full SHA, or anything GitHub resolves to a commit). */
  failing: string;
  /** The last known good commit; default: the failing commit's first parent. */
  good?: string;
  /** The Kustomization's `spec.path` (or several); empty means the whole repository. */
  scope?: readonly string[];
  /** Default `direct`. */
  mode?: RevertMode;
  incident: IncidentContext;
  /** In `direct` mode, open a pull request when the branch is protected (default true). */
  pullRequestFallback?: boolean;
}

/** What happened. `planned` is the answer of a `dry-run` that would have written. */
export type RevertOutcome =
  | 'reverted'
  | 'pull-request-opened'
  | 'already-reverted'
  | 'nothing-to-revert'
  | 'refused'
  | 'planned';

/** What a revert would write, returned by every run that got as far as planning. */
export interface RevertPlanSummary {
  /** The head the revert commit is (or would be) made on. */
  head: string;
  changes: TreeChange[];
  conflicts: string[];
  message: string;
  /** Whether the revert goes (or would go) to a pull request rather than the branch. */
  pullRequest: boolean;
}

/** The result of {@link RevertEngine.revert}. */
export interface RevertResult {
  outcome: RevertOutcome;
  /** One sentence saying why, for logs and alerts. */
  reason: string;
  repository: string;
  branch: string;
  failing: string;
  good?: string;
  /** The commits undone (oldest first), or that would be. */
  revertedCommits: CommitSummary[];
  /** The revert commit: the new one, or the existing one for `already-reverted`. */
  commitSha?: string;
  commitUrl?: string;
  pullRequestUrl?: string;
  pullRequestNumber?: number;
  pullRequestBranch?: string;
  /** Paths later commits changed again (the reason for a pull request). */
  conflicts: string[];
  plan?: RevertPlanSummary;
  /** Read-plan-write rounds made (more than 1 when the branch moved under the revert). */
  attempts: number;
}

/** Options of {@link RevertEngine}. */
export interface RevertEngineOptions {
  /** How many times a "not a fast forward" answer is met by re-reading the head and redoing (default 3). */
  maxRetries?: number;
  /** The revert's deadline; past it no write starts and the answer is `timed-out`. */
  budget?: TimeBudget;
}

/** The prefix of the branches fluxguard opens pull requests from. */
export const PULL_REQUEST_BRANCH_PREFIX = 'fluxguard/revert-';

/** GitHub's comparison lists at most this many files; with that many, the trees are diffed instead. */
export const COMPARE_FILE_CAP = 300;

type Base = Pick<RevertResult, 'repository' | 'branch' | 'failing'>;

/**
 * The head of a complete comparison: the one listed commit that is no other listed commit's
 * parent (every other commit after the merge base is an ancestor of the head through listed
 * commits), whatever order GitHub lists them in. `undefined` if there is not exactly one.
 */
function tipOf(commits: readonly CommitInfo[]): CommitInfo | undefined {
  const parents = new Set(commits.flatMap((c) => c.parents));
  const tips = commits.filter((c) => !parents.has(c.sha));
  return tips.length === 1 ? tips[0] : undefined;
}

/**
 * Restores a Kustomization's files to the last known good revision with the Git Data API, without
 * a clone: one new tree on top of the head tree, one commit whose parent is the head, and a
 * fast-forward-only branch update. Never reverts a fluxguard revert, and finds its own earlier
 * revert by its `Fluxguard-Revert-Of` trailer, so a retry after a crash is harmless.
 */
export class RevertEngine {
  readonly #github: GitHubGitApi;
  readonly #maxRetries: number;

  constructor(github: GitHubGitApi, { maxRetries = 3 }: RevertEngineOptions = {}) {
    this.#github = github;
    this.#maxRetries = maxRetries;
  }

  /**
   * Reverts (or plans the revert of) the failing commit, and everything after the good revision up
   * to it, within the scope.
   *
   * @throws {GitHubError} subclasses when GitHub refuses or is unavailable (permission, not found, 5xx)
   */
  async revert(request: RevertRequest): Promise<RevertResult> {
    const gh = this.#github;
    const mode = request.mode ?? 'direct';
    const scope = normaliseScope(request.scope ?? []);
    let failing = request.failing.trim().toLowerCase();
    let good = request.good?.trim().toLowerCase();
    const base: Base = { repository: gh.fullName, branch: request.branch, failing };
    const done = (
      outcome: RevertOutcome,
      reason: string,
      extra: Partial<RevertResult> = {},
    ): RevertResult => ({
      ...base,
      failing,
      ...(good ? { good } : {}),
      outcome,
      reason,
      revertedCommits: [],
      conflicts: [],
      attempts: 0,
      ...extra,
    });

    if (good === undefined || !/^[0-9a-f]{40}$/.test(failing)) {
      let commit: CommitInfo;
      try {
        commit = await gh.getCommit(failing);
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 404 || status === 422) {
          // A 404 also means a missing repository or one the token cannot see: reading the branch
          // tells which (and throws), so an incident is never dropped as "nothing to revert".
          if (status === 404) await gh.getBranchHead(request.branch);
          return done('nothing-to-revert', `commit ${failing} is not in ${gh.fullName}`);
        }
        throw error;
      }
      failing = commit.sha;
      if (good === undefined) {
        const parent = commit.parents[0];
        if (parent === undefined)
          return done('refused', `${shortSha(failing)} is a root commit: nothing to go back to`);
        good = parent;
      }
    }
    if (good === failing) return done('nothing-to-revert', 'the failing commit is the good revision');

    // The good tree is read once, in parallel with the first comparison when good is a full SHA
    // (GitHub lists a commit's tree given the commit SHA); a refusal may leave it unused.
    let goodTreeRequest: Promise<Map<string, TreeEntry> | undefined> | undefined;
    let failingDelta: FileDelta | undefined;
    for (let attempt = 1; ; attempt += 1) {
      if (!goodTreeRequest && /^[0-9a-f]{40}$/.test(good)) {
        goodTreeRequest = this.#tree(good);
        // The comparison's error, if any, is the one to report; this one is seen when awaited.
        goodTreeRequest.catch(() => undefined);
      }
      const comparison = await gh.compareWithBranch(good, request.branch);
      // GitHub lists at most 250 commits (the oldest): beyond that the last one listed is not the
      // head, and a revert built on its tree would silently undo the commits after it.
      if (comparison.totalCommits > comparison.commits.length) {
        return done(
          'refused',
          `${comparison.totalCommits} commits lie between ${shortSha(good)} and ${request.branch}, more than the ${comparison.commits.length} GitHub lists in one comparison: too many to revert safely, a human decides`,
          { attempts: attempt },
        );
      }
      const index = comparison.commits.findIndex((c) => c.sha === failing);
      if (index < 0) {
        return done(
          'nothing-to-revert',
          `${shortSha(failing)} is not on ${request.branch} after ${shortSha(good)}`,
          { attempts: attempt },
        );
      }
      const headCommit = tipOf(comparison.commits);
      if (!headCommit) {
        return done(
          'refused',
          `the head of ${request.branch} cannot be told from its comparison with ${shortSha(good)}`,
          {
            attempts: attempt,
          },
        );
      }
      const head = headCommit.sha;
      const reverted = comparison.commits.slice(0, index + 1);
      const revertedCommits = reverted.map((c) => ({ sha: c.sha, subject: subjectOf(c.message) }));
      // Earlier reverts of the failing commit (a retry, or another Kustomization's revert of the
      // same commit): the paths they restored are never restored again (a change relanded after
      // them stays), and when nothing else in the scope is left to restore, the answer is theirs.
      const earlier = comparison.commits.slice(index + 1).filter((c) => revertsCommit(c.message, failing));
      const revertOfRevert = reverted.find((c) => isFluxguardRevert(c.message));
      if (revertOfRevert) {
        return done(
          'refused',
          `${shortSha(revertOfRevert.sha)} is itself a fluxguard revert (Fluxguard-Revert-Of trailer): a human decides whether to undo it`,
          { revertedCommits, attempts: attempt },
        );
      }

      goodTreeRequest ??= this.#tree(comparison.base.treeSha);
      const goodTree = await goodTreeRequest;
      if (!goodTree) {
        return done('refused', `the tree of ${shortSha(good)} is too large for GitHub to list`, {
          attempts: attempt,
        });
      }
      const headTreeSha = headCommit.treeSha;
      const headDelta = await this.#delta(comparison, goodTree, headTreeSha, scope);
      if (!headDelta) return done('refused', `the tree of ${request.branch} is too large for GitHub to list`);
      if (!failingDelta) {
        failingDelta =
          failing === head
            ? headDelta
            : await this.#delta(
                await gh.compare(good, failing),
                goodTree,
                (comparison.commits[index] as CommitInfo).treeSha,
                scope,
              );
      }
      if (!failingDelta)
        return done('refused', `the tree of ${shortSha(failing)} is too large for GitHub to list`);

      let toRestore: FileDelta = failingDelta;
      let coveredBy: CommitInfo | undefined;
      if (earlier.length > 0) {
        const remaining = new Map(failingDelta);
        for (const revert of earlier) {
          const paths = await this.#changedPaths(revert);
          if (!paths) {
            return done(
              'refused',
              `${shortSha(revert.sha)} on ${request.branch} already reverts ${shortSha(failing)}, but what it restored is too large for GitHub to list: a human decides`,
              { revertedCommits, attempts: attempt },
            );
          }
          for (const path of paths) {
            if (remaining.delete(path)) coveredBy ??= revert;
          }
        }
        toRestore = remaining;
      }
      const plan = planRevert(goodTree, toRestore, headDelta);
      if (plan.changes.length === 0 && earlier.length > 0) {
        const revert = coveredBy ?? (earlier.at(-1) as CommitInfo);
        return done(
          'already-reverted',
          `${shortSha(revert.sha)} on ${request.branch} already reverts ${shortSha(failing)}`,
          {
            commitSha: revert.sha,
            commitUrl: revert.htmlUrl,
            revertedCommits,
            attempts: attempt,
          },
        );
      }
      if (plan.changes.length === 0) {
        return done(
          'nothing-to-revert',
          `${scope.length === 0 ? 'the repository' : scope.join(', ')} already matches ${shortSha(good)} on ${request.branch}`,
          { revertedCommits, attempts: attempt },
        );
      }
      const messageInput = {
        commits: revertedCommits,
        good,
        scope,
        incident: request.incident,
        conflicts: plan.conflicts,
      };
      const message = formatRevertMessage(messageInput);
      const toPullRequest = plan.conflicts.length > 0 || mode === 'pull-request';
      const summary: RevertPlanSummary = {
        head,
        changes: plan.changes,
        conflicts: plan.conflicts,
        message,
        pullRequest: toPullRequest,
      };
      const common = { revertedCommits, conflicts: plan.conflicts, plan: summary, attempts: attempt };
      if (mode === 'dry-run') {
        return done(
          'planned',
          `dry run: would ${toPullRequest ? 'open a pull request restoring' : 'restore'} ${plan.changes.length} path(s) on ${request.branch}`,
          common,
        );
      }

      const tree = await gh.createTree(headTreeSha, plan.changes);
      const commit = await gh.createCommit(message, tree, [head]);
      const openPullRequest = async (why: string): Promise<RevertResult> => {
        const prBranch = `${PULL_REQUEST_BRANCH_PREFIX}${shortSha(failing)}`;
        if (!(await gh.createBranch(prBranch, commit.sha))) {
          const existing = await gh.findOpenPullRequest(prBranch, request.branch);
          if (existing) {
            // The branch is named after the failing commit only: the open pull request may be
            // another Kustomization's revert of the same commit, which does not restore this scope.
            const theirs = await this.#tree(await gh.getBranchHead(prBranch));
            const missing = plan.changes
              .filter((c) =>
                c.sha === null ? theirs?.has(c.path) !== false : theirs?.get(c.path)?.sha !== c.sha,
              )
              .map((c) => c.path);
            if (missing.length > 0) {
              return done(
                'refused',
                `${why}, but pull request #${existing.number} from ${prBranch} does not restore ${missing.join(', ')}: a human decides`,
                common,
              );
            }
            return done('pull-request-opened', `${why}; pull request #${existing.number} was already open`, {
              ...common,
              pullRequestUrl: existing.url,
              pullRequestNumber: existing.number,
              pullRequestBranch: prBranch,
            });
          }
          await gh.updateBranch(prBranch, commit.sha, true);
        }
        const pr = await gh.createPullRequest({
          title: revertSubject(revertedCommits, good as string),
          body: pullRequestBody(messageInput),
          head: prBranch,
          base: request.branch,
        });
        return done('pull-request-opened', why, {
          ...common,
          commitSha: commit.sha,
          commitUrl: commit.htmlUrl,
          pullRequestUrl: pr.url,
          pullRequestNumber: pr.number,
          pullRequestBranch: prBranch,
        });
      };

      if (plan.conflicts.length > 0) {
        return openPullRequest(
          `later commits on ${request.branch} also changed ${plan.conflicts.join(', ')}: not pushed, opened a pull request for review`,
        );
      }
      if (mode === 'pull-request') return openPullRequest('pull request requested');
      try {
        await gh.updateBranch(request.branch, commit.sha, false);
      } catch (error) {
        if (error instanceof NotFastForwardError && attempt <= this.#maxRetries) continue;
        if (error instanceof NotFastForwardError) {
          return done(
            'refused',
            `${request.branch} kept moving: ${attempt} attempts were not a fast forward`,
            common,
          );
        }
        if (error instanceof ProtectedBranchError && request.pullRequestFallback !== false) {
          return openPullRequest(
            `${request.branch} is protected (${error.message}): opened a pull request instead`,
          );
        }
        if (error instanceof ProtectedBranchError) {
          return done(
            'refused',
            `${request.branch} is protected and the pull request fallback is off`,
            common,
          );
        }
        throw error;
      }
      return done(
        'reverted',
        `restored ${plan.changes.length} path(s) to ${shortSha(good)} on ${request.branch}`,
        {
          ...common,
          commitSha: commit.sha,
          commitUrl: commit.htmlUrl,
        },
      );
    }
  }

  /** Every path a (single-parent) commit changed, both sides of a rename; `undefined` when too large to list. */
  async #changedPaths(commit: CommitInfo): Promise<string[] | undefined> {
    const parent = commit.parents[0];
    if (parent === undefined) return undefined;
    const comparison = await this.#github.compare(parent, commit.sha);
    if (comparison.status === 'ahead' && comparison.files.length < COMPARE_FILE_CAP) {
      return comparison.files.flatMap((f) => [
        f.filename,
        ...(f.previous_filename ? [f.previous_filename] : []),
      ]);
    }
    const [before, after] = await Promise.all([
      this.#tree(comparison.base.treeSha),
      this.#tree(commit.treeSha),
    ]);
    return before && after ? [...diffTrees(before, after, []).keys()] : undefined;
  }

  /** The good tree, indexed; `undefined` when GitHub truncated the listing. */
  async #tree(treeSha: string): Promise<Map<string, TreeEntry> | undefined> {
    const { entries, truncated } = await this.#github.getTree(treeSha);
    return truncated ? undefined : indexTree(entries);
  }

  /**
   * The delta good → the comparison's head: from its file list when that is complete (the good
   * revision is an ancestor and fewer than 300 files changed), otherwise by diffing the trees.
   */
  async #delta(
    comparison: Comparison,
    goodTree: ReadonlyMap<string, TreeEntry>,
    headTreeSha: string,
    scope: readonly string[],
  ): Promise<FileDelta | undefined> {
    if (comparison.status === 'ahead' && comparison.files.length < COMPARE_FILE_CAP) {
      return deltaFromCompare(comparison.files, scope);
    }
    const headTree = await this.#tree(headTreeSha);
    return headTree ? diffTrees(goodTree, headTree, scope) : undefined;
  }
}
