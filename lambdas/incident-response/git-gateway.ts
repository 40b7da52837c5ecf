/**
 * The worker's view of the Git repository: who changed what (the commits a revert would undo, their
 * authors, the compare link), whether a newer commit already changes the same scope, the revert
 * itself, and the reapply pull request. Built on the revert library's GitHub client and engine.
 *
 * @module
 */
import {
  type CommitInfo,
  type GitHubGitApi,
  type IncidentContext,
  inScope,
  isFluxguardRevert,
  normaliseScope,
  type RevertEngine,
  type RevertRequest,
  type RevertResult,
  revertsCommit,
  shortSha,
  subjectOf,
} from '../revert/index.js';
import { changedMarkers, hasSemverPolicy } from './image-policy.js';

/** A commit as alerts show it. */
export interface CommitFacts {
  sha: string;
  subject: string;
  author?: string;
  authorLogin?: string;
  url?: string;
  /** The commit carries a `Fluxguard-Revert-Of` trailer: it is itself a fluxguard revert. */
  fluxguardRevert?: boolean;
}

/** What the worker learns from the repository before deciding. */
export interface GitFacts {
  /** The revert target: the last known good revision when it is an ancestor of the failing commit, else its first parent. */
  good: string;
  goodSource: 'last-known-good' | 'first-parent';
  /** The commits a revert undoes, oldest first; the last is the failing commit. */
  commits: CommitFacts[];
  /** `https://<host>/<owner>/<repo>/compare/<good>...<failing>` */
  compareUrl: string;
  /** Newer commits on the branch (not fluxguard's reverts of this commit) while the scope changed since. */
  newerInScope: CommitFacts[];
  /** The branch already holds a fluxguard revert of the failing commit. */
  alreadyReverted: boolean;
}

/** What an image automation commit changed: the policy, the bad tag, and the policy's file. */
export interface ImageUpdateFacts {
  policy: { namespace: string; name: string };
  tag: string;
  /** The file in the repository holding that ImagePolicy with a semver range; absent when none was found. */
  policyFile?: string;
}

/**
 * What {@link GitGateway.openReapplyPullRequest} did: `opened` (or found open), `nothing-to-reapply`
 * (the revert it was given made no revert commit), or `refused` (the revert library would not make
 * the reapply commit, e.g. the trees are too large for GitHub to list), each with its reason.
 */
export type ReapplyAnswer =
  | { outcome: 'opened'; url: string; number: number; reason: string }
  | { outcome: 'nothing-to-reapply'; reason: string }
  | { outcome: 'refused'; reason: string };

/** What the pipeline asks of one repository. */
export interface GitGateway {
  readonly repository: string;
  /** The web URL of the repository (`https://github.com/acme/gitops`). */
  readonly webUrl: string;
  inspect(request: {
    branch: string;
    failing: string;
    lastKnownGood?: string;
    scope: string;
  }): Promise<GitFacts>;
  revert(request: RevertRequest): Promise<RevertResult>;
  /**
   * The image updates the range good..failing made (the `$imagepolicy` markers on changed lines),
   * each with the repository file of its semver ImagePolicy when there is one.
   */
  imageUpdates(request: { good: string; failing: string }): Promise<ImageUpdateFacts[]>;
  /**
   * Opens a draft pull request on `fluxguard/reapply-<short sha>` that puts the reverted change back
   * on top of the revert (the revert library's reapply), so fixing forward starts from one click.
   * `revert` is the engine's result when this invocation made the revert; after a crash the ledger
   * only knows the revert commit, and the reverted paths are read from it. A refusal is answered,
   * not thrown, and told apart from nothing to reapply; GitHub errors throw.
   */
  openReapplyPullRequest(request: {
    branch: string;
    revert?: RevertResult;
    revertCommit: string;
    failing: string;
    incident: IncidentContext;
  }): Promise<ReapplyAnswer>;
}

function commitFacts(c: CommitInfo): CommitFacts {
  const facts: CommitFacts = { sha: c.sha, subject: subjectOf(c.message), url: c.htmlUrl };
  if (c.author?.name) facts.author = c.author.name;
  if (c.author?.login) facts.authorLogin = c.author.login;
  if (isFluxguardRevert(c.message)) facts.fluxguardRevert = true;
  return facts;
}

/** The {@link GitGateway} over the revert library's GitHub client and engine. */
export class GitHubGitGateway implements GitGateway {
  readonly repository: string;
  readonly webUrl: string;
  readonly #github: GitHubGitApi;
  readonly #engine: RevertEngine;

  constructor(github: GitHubGitApi, engine: RevertEngine, webUrl: string) {
    this.#github = github;
    this.#engine = engine;
    this.repository = github.fullName;
    this.webUrl = webUrl.replace(/\/+$/, '');
  }

  async inspect({
    branch,
    failing,
    lastKnownGood,
    scope,
  }: {
    branch: string;
    failing: string;
    lastKnownGood?: string;
    scope: string;
  }): Promise<GitFacts> {
    const paths = normaliseScope([scope]);
    const later = this.#github.compareWithBranch(failing, branch);
    later.catch(() => undefined);
    let good: string | undefined;
    let goodSource: GitFacts['goodSource'] = 'first-parent';
    let commits: CommitFacts[] = [];
    if (lastKnownGood && lastKnownGood !== failing) {
      const range = await this.#github.compare(lastKnownGood, failing);
      if (range.status === 'ahead' && range.totalCommits === range.commits.length) {
        good = range.base.sha;
        goodSource = 'last-known-good';
        commits = range.commits.map(commitFacts);
      }
    }
    const after = await later;
    if (!good) {
      // The comparison failing...branch already carries the failing commit (its base), with its
      // parents and author: no request of its own.
      const commit = after.base.sha === failing ? after.base : await this.#github.getCommit(failing);
      good = commit.parents[0] ?? commit.sha;
      commits = [commitFacts(commit)];
    }
    const newer = after.commits.filter((c) => c.sha !== failing);
    const ours = newer.filter((c) => isFluxguardRevert(c.message) && revertsCommit(c.message, failing));
    const others = newer.filter((c) => !ours.includes(c));
    const scopeChanged = (after.files ?? []).some(
      (f) =>
        inScope(f.filename, paths) ||
        (f.previous_filename !== undefined && inScope(f.previous_filename, paths)),
    );
    const filesUnknown = after.files === undefined;
    return {
      good,
      goodSource,
      commits,
      compareUrl: `${this.webUrl}/compare/${shortSha(good)}...${shortSha(failing)}`,
      newerInScope: others.length > 0 && (scopeChanged || filesUnknown) ? others.map(commitFacts) : [],
      alreadyReverted: ours.length > 0,
    };
  }

  revert(request: RevertRequest): Promise<RevertResult> {
    return this.#engine.revert(request);
  }

  async imageUpdates({ good, failing }: { good: string; failing: string }): Promise<ImageUpdateFacts[]> {
    const gh = this.#github;
    const text = async (sha: string) => (await gh.getBlob(sha)).toString('utf8');
    const [range, before, after] = await Promise.all([
      gh.compare(good, failing),
      gh.getTree(good),
      gh.getTree(failing),
    ]);
    const beforeFiles = new Map(before.entries.map((e) => [e.path, e.sha]));
    const updates = new Map<string, ImageUpdateFacts>();
    for (const file of range.files ?? []) {
      if (file.status === 'removed' || !file.sha || !/\.ya?ml$/.test(file.filename)) continue;
      const old = beforeFiles.get(file.previous_filename ?? file.filename);
      const markers = changedMarkers(old ? await text(old) : '', await text(file.sha));
      for (const m of markers) {
        if (!m.tag) continue;
        updates.set(`${m.policy.namespace}/${m.policy.name}`, { policy: m.policy, tag: m.tag });
      }
    }
    if (updates.size === 0) return [];
    // The policy's file: YAML files that mention ImagePolicy, policy-named files first.
    const candidates = after.entries
      .filter((e) => e.type === 'blob' && /\.ya?ml$/.test(e.path))
      .sort((a, b) => Number(/polic/i.test(b.path)) - Number(/polic/i.test(a.path)))
      .slice(0, 50);
    const pending = new Set(updates.keys());
    for (const entry of candidates) {
      if (pending.size === 0) break;
      const content = await text(entry.sha);
      if (!content.includes('ImagePolicy')) continue;
      for (const key of [...pending]) {
        const update = updates.get(key) as ImageUpdateFacts;
        if (hasSemverPolicy(content, update.policy.name)) {
          update.policyFile = entry.path;
          pending.delete(key);
        }
      }
    }
    return [...updates.values()];
  }

  async openReapplyPullRequest(request: {
    branch: string;
    revert?: RevertResult;
    revertCommit: string;
    failing: string;
    incident: IncidentContext;
  }): Promise<ReapplyAnswer> {
    const revert: RevertResult = request.revert ?? {
      outcome: 'already-reverted',
      reason: `the ledger records revert commit ${shortSha(request.revertCommit)}`,
      repository: '',
      branch: request.branch,
      failing: request.failing,
      revertedCommits: [],
      conflicts: [],
      attempts: 0,
      commitSha: request.revertCommit,
    };
    // The library refuses a result that is not a revert commit too: that is nothing to reapply.
    if ((revert.outcome !== 'reverted' && revert.outcome !== 'already-reverted') || !revert.commitSha) {
      return {
        outcome: 'nothing-to-reapply',
        reason: `the revert answered ${revert.outcome}, not a revert commit on ${request.branch}`,
      };
    }
    const result = await this.#engine.openReapplyPullRequest({
      revert,
      branch: request.branch,
      incident: request.incident,
    });
    if (
      result.outcome === 'refused' ||
      result.pullRequestUrl === undefined ||
      result.pullRequestNumber === undefined
    ) {
      return { outcome: 'refused', reason: result.reason };
    }
    return {
      outcome: 'opened',
      url: result.pullRequestUrl,
      number: result.pullRequestNumber,
      reason: result.reason,
    };
  }
}
