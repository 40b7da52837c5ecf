/**
 * The revert engine: resolve the revisions, plan the restore from one comparison, write one commit
 * (or a pull request), each step its own method.
 *
 * @module
 */
import { ancestryOf } from './ancestry.js';
import { DeadlineExceededError, GitHubError, NotFastForwardError, ProtectedBranchError } from './errors.js';
import type { CommitAuthor, CommitInfo, Comparison, GitHubGitApi } from './github-client.js';
import { type KustomizeScope, kustomizeScope } from './kustomize-scope.js';
import {
  type CommitSummary,
  formatRevertMessage,
  type IncidentContext,
  pullRequestBody,
  type RevertMessageInput,
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
  restrictDelta,
  type TreeChange,
  type TreeEntry,
} from './plan.js';
import type { TimeBudget } from './rate-limits.js';
import { openReapplyPullRequest, type ReapplyRequest, type ReapplyResult } from './reapply.js';
import { isFluxguardRevert, revertsCommit } from './trailers.js';

/** `direct` pushes to the branch, `pull-request` opens one, `dry-run` writes nothing. */
export type RevertMode = 'direct' | 'pull-request' | 'dry-run';

/** An extra change to one file, made in the revert commit itself. */
export interface FileEdit {
  /** Repository path of an existing file (inside the restored set or not). */
  path: string;
  /** The new content from the content the revert commit would otherwise hold; a throw refuses the revert. */
  edit: (content: string) => string;
}

/** What to revert. */
export interface RevertRequest {
  branch: string;
  /** The commit whose rollout failed (full SHA, or anything GitHub resolves to a commit). */
  failing: string;
  /** The last known good commit, an ancestor of the failing one; default: the failing commit's first parent. */
  good?: string;
  /**
   * The Kustomization's `spec.path` (or several): the revert restores every file its kustomize
   * build reads, inside the path or not. Empty (or the repository root) means the whole repository.
   */
  scope?: readonly string[];
  /** Default `direct`. */
  mode?: RevertMode;
  incident: IncidentContext;
  /** In `direct` mode, open a pull request when the branch is protected (default true). */
  pullRequestFallback?: boolean;
  /** Extra file edits made in the same commit (e.g. excluding the bad version in an ImagePolicy). */
  edits?: readonly FileEdit[];
}

/**
 * What happened. `planned` is the answer of a `dry-run` that would have written; `timed-out` means
 * the deadline passed (see {@link RevertResult.writeMayHaveHappened}).
 */
export type RevertOutcome =
  | 'reverted'
  | 'pull-request-opened'
  | 'already-reverted'
  | 'nothing-to-revert'
  | 'refused'
  | 'planned'
  | 'timed-out';

/**
 * Why the engine answered `refused`: one code per refusal path, so callers branch on it rather than
 * on the `reason` sentence. Every `refused` result carries one ({@link RevertResult.refusal}).
 *
 * - `root-commit`: the failing commit has no parent and no good revision was given.
 * - `too-many-commits`: more commits lie between good and the branch than GitHub lists in one
 *   comparison, so neither the head nor the ancestry can be read.
 * - `good-not-ancestor`: good is not an ancestor of the failing commit on the branch.
 * - `head-unknown`: the branch's head cannot be told from the comparison (not exactly one tip).
 * - `revert-of-revert`: a commit the revert would undo (the failing commit or an ancestor after
 *   good, a merge commit's second parent included) carries the `Fluxguard-Revert-Of` trailer.
 * - `tree-too-large`: GitHub truncated the listing of the good, head or failing tree.
 * - `earlier-revert-too-large`: an earlier revert of the failing commit is on the branch, but what it
 *   restored is too large for GitHub to list.
 * - `outside-scope`: nothing the failing range changed is read by the Kustomization's build.
 * - `edit-failed`: a request edit threw, or its file is not in the revert commit.
 * - `branch-kept-moving`: every attempt met "not a fast forward"; transient
 *   ({@link RevertResult.retryable} is set).
 * - `branch-protected`: the branch is protected and the pull request fallback is off.
 * - `pull-request-mismatch`: the revert pull request branch already has an open pull request (another
 *   Kustomization's revert of the same commit) that does not restore this scope.
 */
export type RevertRefusal =
  | 'root-commit'
  | 'too-many-commits'
  | 'good-not-ancestor'
  | 'head-unknown'
  | 'revert-of-revert'
  | 'tree-too-large'
  | 'earlier-revert-too-large'
  | 'outside-scope'
  | 'edit-failed'
  | 'branch-kept-moving'
  | 'branch-protected'
  | 'pull-request-mismatch';

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

/** A reverted commit, for messages and alerts: who changed what, with a link. */
export interface RevertedCommit extends CommitSummary {
  author: CommitAuthor;
  htmlUrl: string;
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
  /** The commits undone (the failing commit and its ancestors after good), or that would be. */
  revertedCommits: RevertedCommit[];
  /** The web comparison good...failing, when both are known. */
  compareUrl?: string;
  /** The revert commit: the new one, or the existing one for `already-reverted`. */
  commitSha?: string;
  commitUrl?: string;
  pullRequestUrl?: string;
  pullRequestNumber?: number;
  pullRequestBranch?: string;
  /** Paths later commits changed again (the reason for a pull request). */
  conflicts: string[];
  /** Remote bases and resources the Kustomization's build reads: not revertable in this repository. */
  notRevertable?: string[];
  plan?: RevertPlanSummary;
  /** Read-plan-write rounds made (more than 1 when the branch moved under the revert). */
  attempts: number;
  /**
   * For `timed-out`: whether a branch or pull request write had started, so the branch may hold
   * the revert (a retry answers `already-reverted` if so).
   */
  writeMayHaveHappened?: boolean;
  /** For `refused` (and only then): which refusal path answered ({@link RevertRefusal}). */
  refusal?: RevertRefusal;
  /**
   * For `refused`: the refusal is transient (the branch kept moving under every attempt, as when
   * several reverts of one repository race), so the same revert later may well succeed. Set exactly
   * when {@link RevertResult.refusal} is `branch-kept-moving`.
   */
  retryable?: boolean;
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

const FULL_SHA = /^[0-9a-f]{40}$/;

/** The fields every result of one request repeats. */
interface ResultIdentity {
  repository: string;
  branch: string;
  failing: string;
  good?: string;
}

/** The failing and good revisions as full SHAs. */
interface Revisions {
  failing: string;
  good: string;
}

/** What the read phase found, and all the write phase needs. */
interface PlannedRevert {
  kind: 'planned';
  /** Remote bases the build reads, which this revert cannot restore. */
  notRevertable: string[];
  head: CommitInfo;
  revertedCommits: RevertedCommit[];
  changes: TreeChange[];
  conflicts: string[];
  messageInput: RevertMessageInput;
  summary: RevertPlanSummary;
}

/** A read phase either plans a revert or ends the request with an answer. */
type PlanStep = PlannedRevert | { kind: 'answer'; result: RevertResult };

/** Builds the answer (other than a refusal) that ends a read phase. */
type Answer = (
  outcome: Exclude<RevertOutcome, 'refused'>,
  reason: string,
  extra?: Partial<RevertResult>,
) => PlanStep;

/** Builds the refusal that ends a read phase. */
type Refuse = (refusal: RevertRefusal, reason: string, extra?: Partial<RevertResult>) => PlanStep;

/** What every answer after the comparison carries. */
type ReadContext = Pick<RevertResult, 'revertedCommits' | 'compareUrl'>;

/** The comparison good...branch once its guards passed. */
interface BranchReading {
  kind: 'read';
  comparison: Comparison;
  /** The listed commits that descend from the failing commit. */
  descendants: CommitInfo[];
  head: CommitInfo;
  failingCommit: CommitInfo;
  context: ReadContext & { revertedCommits: RevertedCommit[] };
}

/** What stays valid across attempts: the branch moving changes neither good nor failing. */
interface AttemptCache {
  goodTree?: Promise<Map<string, TreeEntry> | undefined>;
  failingDelta?: FileDelta;
}

/** Whether a write visible to others (a ref or a pull request) was started in this request. */
interface WriteLog {
  visible: boolean;
}

/** The web comparison URL of two commits of the repository whose commit URL is `commitUrl`. */
function compareUrlOf(commitUrl: string, good: string, failing: string): string | undefined {
  const at = commitUrl.lastIndexOf('/commit/');
  return at < 0 ? undefined : `${commitUrl.slice(0, at)}/compare/${good}...${failing}`;
}

function revertedCommitOf(c: CommitInfo): RevertedCommit {
  return { sha: c.sha, subject: subjectOf(c.message), author: c.author ?? { name: '' }, htmlUrl: c.htmlUrl };
}

/**
 * The head of a complete comparison: the one listed commit that is no other listed commit's
 * parent, whatever order GitHub lists them in. `undefined` if there is not exactly one.
 */
function tipOf(commits: readonly CommitInfo[]): CommitInfo | undefined {
  const parents = new Set(commits.flatMap((c) => c.parents));
  const tips = commits.filter((c) => !parents.has(c.sha));
  return tips.length === 1 ? tips[0] : undefined;
}

/** Whether a comparison's file list is the whole delta: good is an ancestor and GitHub listed every file. */
function completeFiles(
  comparison: Comparison,
): comparison is Comparison & { files: NonNullable<Comparison['files']> } {
  return (
    comparison.status === 'ahead' &&
    comparison.files !== undefined &&
    comparison.files.length < COMPARE_FILE_CAP
  );
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
  readonly #budget: TimeBudget | undefined;

  constructor(github: GitHubGitApi, { maxRetries = 3, budget }: RevertEngineOptions = {}) {
    this.#github = github;
    this.#maxRetries = maxRetries;
    this.#budget = budget;
  }

  /** The repository as `owner/name`. */
  get repository(): string {
    return this.#github.fullName;
  }

  /**
   * Reverts (or plans the revert of) the failing commit, and its ancestors after the good revision,
   * within the scope.
   *
   * @throws {GitHubError} subclasses when GitHub refuses or is unavailable (permission, not found, 5xx)
   */
  async revert(request: RevertRequest): Promise<RevertResult> {
    const identity: ResultIdentity = {
      repository: this.#github.fullName,
      branch: request.branch,
      failing: request.failing.trim().toLowerCase(),
      ...(request.good ? { good: request.good.trim().toLowerCase() } : {}),
    };
    const writes: WriteLog = { visible: false };
    try {
      const revisions = await this.#resolve(identity);
      if ('outcome' in revisions) return revisions;
      Object.assign(identity, revisions);
      const cache: AttemptCache = {};
      for (let attempt = 1; ; attempt += 1) {
        const step = await this.#plan(request, identity, revisions, cache, attempt);
        if (step.kind === 'answer') return step.result;
        if ((request.mode ?? 'direct') === 'dry-run') {
          return this.#answer(identity, 'planned', this.#plannedReason(request, step), step, attempt);
        }
        const written = await this.#write(request, identity, step, attempt, writes);
        if (written !== 'branch-moved') return written;
      }
    } catch (error) {
      const expired = this.#budget !== undefined && this.#budget.remainingMs() === 0;
      if (error instanceof DeadlineExceededError || (expired && error instanceof GitHubError)) {
        return {
          ...identity,
          outcome: 'timed-out',
          reason: `the revert's deadline passed (${(error as Error).message}); ${writes.visible ? 'a write to the branch or a pull request had started and may have happened' : 'nothing was written'}`,
          revertedCommits: [],
          conflicts: [],
          attempts: 0,
          writeMayHaveHappened: writes.visible,
        };
      }
      throw error;
    }
  }

  /**
   * Opens a draft pull request that re-applies a revert's change on top of it (see
   * {@link openReapplyPullRequest}); no write starts past the deadline.
   *
   * @throws {GitHubError} subclasses when GitHub refuses or is unavailable
   */
  openReapplyPullRequest(request: ReapplyRequest): Promise<ReapplyResult> {
    return openReapplyPullRequest(this.#github, request, (action) => this.#beforeWrite(action));
  }

  /** Resolves the failing commit to a full SHA and good to its first parent when not given. */
  async #resolve(identity: ResultIdentity): Promise<Revisions | RevertResult> {
    const gh = this.#github;
    const { good } = identity;
    let failing = identity.failing;
    if (good !== undefined && FULL_SHA.test(failing)) {
      return good === failing
        ? this.#answer(identity, 'nothing-to-revert', 'the failing commit is the good revision')
        : { failing, good };
    }
    let commit: CommitInfo;
    try {
      commit = await gh.getCommit(failing);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== 404 && status !== 422) throw error;
      // A 404 also means a missing repository or one the token cannot see: reading the branch
      // tells which (and throws), so an incident is never dropped as "nothing to revert".
      if (status === 404) await gh.getBranchHead(identity.branch);
      return this.#answer(identity, 'nothing-to-revert', `commit ${failing} is not in ${gh.fullName}`);
    }
    failing = commit.sha;
    const resolvedGood = good ?? commit.parents[0];
    if (resolvedGood === undefined) {
      return this.#refuse(
        { ...identity, failing },
        'root-commit',
        `${shortSha(failing)} is a root commit: nothing to go back to`,
      );
    }
    if (resolvedGood === failing) {
      return this.#answer(
        { ...identity, failing },
        'nothing-to-revert',
        'the failing commit is the good revision',
      );
    }
    return { failing, good: resolvedGood };
  }

  /**
   * Reads the comparison good...branch and plans the restore: the reverted commits are the
   * failing commit's ancestors within it, earlier reverts its descendants carrying the trailer.
   */
  /**
   * Reads the comparison good...branch and applies the guards that need only it: a complete list,
   * the failing commit on the branch, good an ancestor of it, one head, no revert of a revert.
   */
  async #readBranch(
    request: RevertRequest,
    { failing, good }: Revisions,
    cache: AttemptCache,
    answer: Answer,
    refuse: Refuse,
  ): Promise<BranchReading | PlanStep> {
    const gh = this.#github;
    // The good tree is read once, in parallel with the first comparison when good is a full SHA
    // (GitHub lists a commit's tree given the commit SHA); a refusal may leave it unused.
    if (!cache.goodTree && FULL_SHA.test(good)) {
      cache.goodTree = this.#tree(good);
      // The comparison's error, if any, is the one to report; this one is seen when awaited.
      cache.goodTree.catch(() => undefined);
    }
    const comparison = await gh.compareWithBranch(good, request.branch);
    // GitHub lists at most 250 commits (the oldest): beyond that the list is incomplete, so
    // neither the head nor the ancestry can be read from it.
    if (comparison.totalCommits > comparison.commits.length) {
      return refuse(
        'too-many-commits',
        `${comparison.totalCommits} commits lie between ${shortSha(good)} and ${request.branch}, more than the ${comparison.commits.length} GitHub lists in one comparison: too many to revert safely, a human decides`,
      );
    }
    if (!comparison.commits.some((c) => c.sha === failing)) {
      return answer(
        'nothing-to-revert',
        `${shortSha(failing)} is not on ${request.branch} after ${shortSha(good)}`,
      );
    }
    // The base is good as GitHub resolved it: a full SHA even when good was given abbreviated.
    const ancestry = ancestryOf(comparison.commits, failing, comparison.base.sha);
    if (comparison.status !== 'ahead' || !ancestry.goodIsAncestor) {
      return refuse(
        'good-not-ancestor',
        `${shortSha(good)} is not an ancestor of ${shortSha(failing)} on ${request.branch}: restoring it would push content that was never on the branch, a human decides`,
      );
    }
    const headCommit = tipOf(comparison.commits);
    if (!headCommit) {
      return refuse(
        'head-unknown',
        `the head of ${request.branch} cannot be told from its comparison with ${shortSha(good)}`,
      );
    }
    const failingCommit = comparison.commits.find((c) => c.sha === failing) as CommitInfo;
    const revertedCommits = ancestry.ancestors.map(revertedCommitOf);
    const compareUrl = compareUrlOf(failingCommit.htmlUrl, good, failing);
    const context: ReadContext = { revertedCommits, ...(compareUrl ? { compareUrl } : {}) };
    const revertOfRevert = ancestry.ancestors.find((c) => isFluxguardRevert(c.message));
    if (revertOfRevert) {
      return refuse(
        'revert-of-revert',
        `${shortSha(revertOfRevert.sha)} is itself a fluxguard revert (Fluxguard-Revert-Of trailer): a human decides whether to undo it`,
        context,
      );
    }

    return {
      kind: 'read',
      comparison,
      descendants: ancestry.descendants,
      head: headCommit,
      failingCommit,
      context,
    };
  }

  /**
   * Removes from the delta to restore the paths earlier reverts of the failing commit (a retry, or
   * another Kustomization's revert of the same commit) restored: a change relanded after them
   * stays. Answers which revert covered them, or the reason to refuse.
   */
  async #withoutEarlierReverts(
    delta: FileDelta,
    earlier: readonly CommitInfo[],
    request: RevertRequest,
    failing: string,
  ): Promise<{ toRestore: FileDelta; coveredBy?: CommitInfo } | string> {
    const remaining = new Map(delta);
    let coveredBy: CommitInfo | undefined;
    for (const revert of earlier) {
      const paths = await this.#changedPaths(revert);
      if (!paths) {
        return `${shortSha(revert.sha)} on ${request.branch} already reverts ${shortSha(failing)}, but what it restored is too large for GitHub to list: a human decides`;
      }
      for (const path of paths) if (remaining.delete(path)) coveredBy ??= revert;
    }
    return { toRestore: remaining, ...(coveredBy ? { coveredBy } : {}) };
  }

  /**
   * Plans the restore: the deltas good → head and good → failing, restricted to what the scope's
   * build reads, minus what earlier reverts restored, plus the request's edits.
   */
  async #plan(
    request: RevertRequest,
    identity: ResultIdentity,
    revisions: Revisions,
    cache: AttemptCache,
    attempt: number,
  ): Promise<PlanStep> {
    const gh = this.#github;
    const { failing, good } = revisions;
    const answer: Answer = (outcome, reason, extra = {}) => ({
      kind: 'answer',
      result: { ...this.#answer(identity, outcome, reason, undefined, attempt), ...extra },
    });
    const refuse: Refuse = (refusal, reason, extra = {}) => ({
      kind: 'answer',
      result: { ...this.#refuse(identity, refusal, reason, undefined, attempt), ...extra },
    });
    const reading = await this.#readBranch(request, revisions, cache, answer, refuse);
    if (reading.kind !== 'read') return reading;
    const { comparison, descendants, head: headCommit, failingCommit, context } = reading;
    const { revertedCommits } = context;

    cache.goodTree ??= this.#tree(comparison.base.treeSha);
    const goodTree = await cache.goodTree;
    if (!goodTree)
      return refuse(
        'tree-too-large',
        `the tree of ${shortSha(good)} is too large for GitHub to list`,
        context,
      );
    const scope = normaliseScope(request.scope ?? []);
    const headDelta = await this.#delta(comparison, goodTree, headCommit.treeSha);
    if (!headDelta)
      return refuse(
        'tree-too-large',
        `the tree of ${request.branch} is too large for GitHub to list`,
        context,
      );
    cache.failingDelta ??=
      failing === headCommit.sha
        ? headDelta
        : await this.#delta(await gh.compare(good, failing), goodTree, failingCommit.treeSha);
    const failingDelta = cache.failingDelta;
    if (!failingDelta) {
      return refuse(
        'tree-too-large',
        `the tree of ${shortSha(failing)} is too large for GitHub to list`,
        context,
      );
    }
    const resolved = await this.#scopeFiles(scope, goodTree, failingDelta);
    const inScope = (path: string) => resolved === undefined || resolved.files.has(path);
    const scopeInfo = resolved?.remote.length ? { notRevertable: resolved.remote } : {};
    const scopedFailing = restrictDelta(failingDelta, inScope);
    const scopedHead = restrictDelta(headDelta, inScope);
    if (scopedFailing.size === 0 && failingDelta.size > 0) {
      const changed = [...failingDelta.keys()].sort();
      const listed =
        changed.slice(0, 10).join(', ') + (changed.length > 10 ? ` and ${changed.length - 10} more` : '');
      return refuse(
        'outside-scope',
        `${shortSha(good)}..${shortSha(failing)} changed ${listed}, none of it read by the build of ${scope.join(', ')}${resolved?.remote.length ? ` (remote bases, not revertable here: ${resolved.remote.join(', ')})` : ''}: a human decides`,
        { ...context, ...scopeInfo },
      );
    }

    // Earlier reverts of the failing commit: when nothing else in the scope is left to restore,
    // the answer is theirs.
    const earlier = descendants.filter((c) => revertsCommit(c.message, failing));
    const remaining = await this.#withoutEarlierReverts(scopedFailing, earlier, request, failing);
    if (typeof remaining === 'string') return refuse('earlier-revert-too-large', remaining, context);
    const { toRestore, coveredBy } = remaining;
    const plan = planRevert(goodTree, toRestore, scopedHead);
    if (plan.changes.length === 0 && earlier.length > 0) {
      const revert = coveredBy ?? (earlier.at(-1) as CommitInfo);
      return answer(
        'already-reverted',
        `${shortSha(revert.sha)} on ${request.branch} already reverts ${shortSha(failing)}`,
        {
          ...context,
          ...scopeInfo,
          commitSha: revert.sha,
          commitUrl: revert.htmlUrl,
        },
      );
    }
    if (plan.changes.length === 0) {
      return answer(
        'nothing-to-revert',
        `the files ${scope.length === 0 ? 'of the repository' : `the build of ${scope.join(', ')} reads`} already match ${shortSha(good)} on ${request.branch}`,
        { ...context, ...scopeInfo },
      );
    }
    const edited = await this.#applyEdits(request.edits ?? [], plan.changes, goodTree, headDelta);
    if (typeof edited === 'string') return refuse('edit-failed', edited, { ...context, ...scopeInfo });
    const messageInput: RevertMessageInput = {
      commits: revertedCommits,
      good,
      scope,
      incident: request.incident,
      conflicts: plan.conflicts,
      edited: edited.filter((c) => c.content !== undefined).map((c) => c.path),
    };
    const toPullRequest = plan.conflicts.length > 0 || request.mode === 'pull-request';
    return {
      kind: 'planned',
      notRevertable: resolved?.remote ?? [],
      head: headCommit,
      revertedCommits,
      changes: edited,
      conflicts: plan.conflicts,
      messageInput,
      summary: {
        head: headCommit.sha,
        changes: edited,
        conflicts: plan.conflicts,
        message: formatRevertMessage(messageInput),
        pullRequest: toPullRequest,
      },
    };
  }

  /** Writes the revert commit and moves the branch (or opens a pull request); `branch-moved` asks for a new round. */
  async #write(
    request: RevertRequest,
    identity: ResultIdentity,
    planned: PlannedRevert,
    attempt: number,
    writes: WriteLog,
  ): Promise<RevertResult | 'branch-moved'> {
    const gh = this.#github;
    this.#beforeWrite('create the revert commit');
    const tree = await gh.createTree(planned.head.treeSha, planned.changes);
    const commit = await gh.createCommit(planned.summary.message, tree, [planned.head.sha]);
    if (planned.conflicts.length > 0) {
      return this.#openPullRequest(
        request,
        identity,
        planned,
        commit,
        `later commits on ${request.branch} also changed ${planned.conflicts.join(', ')}: not pushed, opened a pull request for review`,
        attempt,
        writes,
      );
    }
    if (request.mode === 'pull-request') {
      return this.#openPullRequest(
        request,
        identity,
        planned,
        commit,
        'pull request requested',
        attempt,
        writes,
      );
    }
    try {
      this.#beforeWrite(`update ${request.branch}`, writes);
      await gh.updateBranch(request.branch, commit.sha, false);
    } catch (error) {
      if (error instanceof NotFastForwardError && attempt <= this.#maxRetries) return 'branch-moved';
      if (error instanceof NotFastForwardError) {
        return this.#refuse(
          identity,
          'branch-kept-moving',
          `${request.branch} kept moving: ${attempt} attempts were not a fast forward`,
          planned,
          attempt,
        );
      }
      if (error instanceof ProtectedBranchError && request.pullRequestFallback !== false) {
        return this.#openPullRequest(
          request,
          identity,
          planned,
          commit,
          `${request.branch} is protected (${error.message}): opened a pull request instead`,
          attempt,
          writes,
        );
      }
      if (error instanceof ProtectedBranchError) {
        return this.#refuse(
          identity,
          'branch-protected',
          `${request.branch} is protected and the pull request fallback is off`,
          planned,
          attempt,
        );
      }
      throw error;
    }
    return {
      ...this.#answer(
        identity,
        'reverted',
        `restored ${planned.changes.length} path(s) to ${shortSha(identity.good ?? '')} on ${request.branch}`,
        planned,
        attempt,
      ),
      commitSha: commit.sha,
      commitUrl: commit.htmlUrl,
    };
  }

  /**
   * Puts the revert commit on `fluxguard/revert-<short failing sha>` and opens a pull request, or
   * finds the one already open there, provided its tree restores this plan too.
   */
  async #openPullRequest(
    request: RevertRequest,
    identity: ResultIdentity,
    planned: PlannedRevert,
    commit: CommitInfo,
    why: string,
    attempt: number,
    writes: WriteLog,
  ): Promise<RevertResult> {
    const gh = this.#github;
    const prBranch = `${PULL_REQUEST_BRANCH_PREFIX}${shortSha(identity.failing)}`;
    const base = this.#answer(identity, 'pull-request-opened', why, planned, attempt);
    this.#beforeWrite(`create branch ${prBranch}`, writes);
    if (!(await gh.createBranch(prBranch, commit.sha))) {
      const existing = await gh.findOpenPullRequest(prBranch, request.branch);
      if (existing) {
        // The branch is named after the failing commit only: the open pull request may be
        // another Kustomization's revert of the same commit, which does not restore this scope.
        const theirs = await this.#tree(await gh.getBranchHead(prBranch));
        const missing = planned.changes
          .filter((c) =>
            c.sha === null ? theirs?.has(c.path) !== false : theirs?.get(c.path)?.sha !== c.sha,
          )
          .filter((c) => c.content === undefined)
          .map((c) => c.path);
        if (missing.length > 0) {
          return this.#refuse(
            identity,
            'pull-request-mismatch',
            `${why}, but pull request #${existing.number} from ${prBranch} does not restore ${missing.join(', ')}: a human decides`,
            planned,
            attempt,
          );
        }
        return {
          ...base,
          reason: `${why}; pull request #${existing.number} was already open`,
          pullRequestUrl: existing.url,
          pullRequestNumber: existing.number,
          pullRequestBranch: prBranch,
        };
      }
      this.#beforeWrite(`update ${prBranch}`, writes);
      await gh.updateBranch(prBranch, commit.sha, true);
    }
    this.#beforeWrite('open the pull request', writes);
    const pr = await gh.createPullRequest({
      title: revertSubject(planned.revertedCommits, identity.good ?? ''),
      body: pullRequestBody(planned.messageInput),
      head: prBranch,
      base: request.branch,
    });
    return {
      ...base,
      commitSha: commit.sha,
      commitUrl: commit.htmlUrl,
      pullRequestUrl: pr.url,
      pullRequestNumber: pr.number,
      pullRequestBranch: prBranch,
    };
  }

  /**
   * Refuses to start a write once the deadline has passed; notes a visible write (a ref or a pull
   * request) as possibly made from the moment it starts.
   */
  #beforeWrite(action: string, writes?: WriteLog): void {
    if (this.#budget && this.#budget.remainingMs() === 0) {
      throw new DeadlineExceededError(`not starting to ${action}: the deadline has passed`);
    }
    if (writes) writes.visible = true;
  }

  #plannedReason(request: RevertRequest, planned: PlannedRevert): string {
    return `dry run: would ${planned.summary.pullRequest ? 'open a pull request restoring' : 'restore'} ${planned.changes.length} path(s) on ${request.branch}`;
  }

  /** A refusal of this request, with its code; `branch-kept-moving` is retryable. */
  #refuse(
    identity: ResultIdentity,
    refusal: RevertRefusal,
    reason: string,
    planned?: PlannedRevert,
    attempts = 0,
  ): RevertResult {
    return {
      ...this.#result(identity, 'refused', reason, planned, attempts),
      refusal,
      ...(refusal === 'branch-kept-moving' ? { retryable: true } : {}),
    };
  }

  /** A result other than a refusal for this request. */
  #answer(
    identity: ResultIdentity,
    outcome: Exclude<RevertOutcome, 'refused'>,
    reason: string,
    planned?: PlannedRevert,
    attempts = 0,
  ): RevertResult {
    return this.#result(identity, outcome, reason, planned, attempts);
  }

  /** A result for this request; with a plan, its commits, conflicts and summary too. */
  #result(
    identity: ResultIdentity,
    outcome: RevertOutcome,
    reason: string,
    planned?: PlannedRevert,
    attempts = 0,
  ): RevertResult {
    const failingCommit = planned?.revertedCommits.find((c) => c.sha === identity.failing);
    const compareUrl =
      failingCommit && identity.good
        ? compareUrlOf(failingCommit.htmlUrl, identity.good, identity.failing)
        : undefined;
    return {
      ...identity,
      outcome,
      reason,
      revertedCommits: planned?.revertedCommits ?? [],
      ...(compareUrl ? { compareUrl } : {}),
      conflicts: planned?.conflicts ?? [],
      ...(planned ? { plan: planned.summary } : {}),
      ...(planned?.notRevertable.length ? { notRevertable: planned.notRevertable } : {}),
      attempts,
    };
  }

  /**
   * The restore changes with the request's edits applied: each edit gets the content the revert
   * commit would otherwise hold at its path (the restored version, or the head's) and its result
   * replaces that path's change. A string is the reason to refuse (an edit threw, or its path is
   * missing or deleted by the revert).
   */
  async #applyEdits(
    edits: readonly FileEdit[],
    restore: readonly TreeChange[],
    goodTree: ReadonlyMap<string, TreeEntry>,
    headDelta: FileDelta,
  ): Promise<TreeChange[] | string> {
    const changes = new Map(restore.map((c) => [c.path, c]));
    for (const { path, edit } of edits) {
      const restored = changes.get(path);
      // The head's version: from the delta when it changed since good, else the good one.
      const atHead = headDelta.has(path) ? headDelta.get(path) : goodTree.get(path);
      const sha = restored ? restored.sha : atHead?.sha;
      if (restored?.content === undefined && (sha === null || sha === undefined)) {
        return `the edit of ${path} cannot be made: the file is not in the revert commit`;
      }
      const before = restored?.content ?? (await this.#github.getBlob(sha as string)).toString('utf8');
      let after: string;
      try {
        after = edit(before);
      } catch (error) {
        return `the edit of ${path} failed: ${(error as Error).message}`;
      }
      if (after === before) continue;
      const mode = restored?.mode ?? goodTree.get(path)?.mode ?? atHead?.mode ?? '100644';
      changes.set(path, { path, mode, type: 'blob', sha: null, content: after });
    }
    return [...changes.values()];
  }

  /**
   * The files the Kustomizations at `scope` build from, at the good and at the failing revision
   * (the failing tree is the good tree with the failing delta applied: no extra listing);
   * `undefined` for the whole repository.
   */
  async #scopeFiles(
    scope: readonly string[],
    goodTree: ReadonlyMap<string, TreeEntry>,
    failingDelta: FileDelta,
  ): Promise<KustomizeScope | undefined> {
    if (scope.length === 0) return undefined;
    const failingTree = new Map(goodTree);
    for (const [path, version] of failingDelta) {
      if (version === null) failingTree.delete(path);
      else
        failingTree.set(path, {
          path,
          mode: version.mode ?? goodTree.get(path)?.mode ?? '100644',
          type: 'blob',
          sha: version.sha,
        });
    }
    const blobs = new Map<string, Promise<string>>();
    const read = (sha: string) => {
      let text = blobs.get(sha);
      if (!text) {
        text = this.#github.getBlob(sha).then((bytes) => bytes.toString('utf8'));
        blobs.set(sha, text);
      }
      return text;
    };
    const scopes = await Promise.all(
      scope.flatMap((root) => [
        kustomizeScope(goodTree, root, read),
        kustomizeScope(failingTree, root, read),
      ]),
    );
    return {
      files: new Set(scopes.flatMap((s) => [...s.files])),
      remote: [...new Set(scopes.flatMap((s) => s.remote))].sort(),
      unreadable: [...new Set(scopes.flatMap((s) => s.unreadable))].sort(),
    };
  }

  /** Every path a (single-parent) commit changed, both sides of a rename; `undefined` when too large to list. */
  async #changedPaths(commit: CommitInfo): Promise<string[] | undefined> {
    const parent = commit.parents[0];
    if (parent === undefined) return undefined;
    const comparison = await this.#github.compare(parent, commit.sha);
    if (completeFiles(comparison)) {
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

  /** A tree (or a commit's tree), indexed by path; `undefined` when GitHub truncated the listing. */
  async #tree(sha: string): Promise<Map<string, TreeEntry> | undefined> {
    const { entries, truncated } = await this.#github.getTree(sha);
    return truncated ? undefined : indexTree(entries);
  }

  /**
   * The whole delta good → the comparison's head: from its file list when that is complete,
   * otherwise by diffing the trees. Only called once good is known to be an ancestor.
   */
  async #delta(
    comparison: Comparison,
    goodTree: ReadonlyMap<string, TreeEntry>,
    headTreeSha: string,
  ): Promise<FileDelta | undefined> {
    if (completeFiles(comparison)) return deltaFromCompare(comparison.files, []);
    const headTree = await this.#tree(headTreeSha);
    return headTree ? diffTrees(goodTree, headTree, []) : undefined;
  }
}
