/**
 * The GitHub calls the revert engine makes, over Octokit, with errors mapped to typed ones that name the permission or the missing object.
 *
 * @module
 */
import {
  DeadlineExceededError,
  GitHubNotFoundError,
  GitHubPermissionError,
  GitHubRequestError,
  GitHubUnavailableError,
  NotFastForwardError,
  ProtectedBranchError,
} from './errors.js';
import type { GitHubOctokitInstance } from './octokit.js';
import type { CompareFile, TreeChange, TreeEntry } from './plan.js';

/** Who wrote a commit: the git author's name, and the GitHub login when GitHub knows it. */
export interface CommitAuthor {
  name: string;
  email?: string;
  login?: string;
}

/** A commit as the engine needs it. */
export interface CommitInfo {
  sha: string;
  message: string;
  treeSha: string;
  parents: string[];
  htmlUrl: string;
  author?: CommitAuthor;
}

/** A comparison `base...head` (three dots: from their merge base). */
export interface Comparison {
  status: 'ahead' | 'behind' | 'identical' | 'diverged';
  totalCommits: number;
  /** The base commit, with its tree. */
  base: CommitInfo;
  /** Commits after the merge base up to head, oldest first (at most 250). */
  commits: CommitInfo[];
  /**
   * Changed files (at most 300: more may exist when there are 300); `undefined` when GitHub left
   * them out (it may, for a large comparison), which makes the list incomplete.
   */
  files: CompareFile[] | undefined;
}

/** A pull request. */
export interface PullRequestInfo {
  number: number;
  url: string;
}

/** The GitHub calls the revert engine makes; {@link OctokitGitHub} implements them with Octokit. */
export interface GitHubGitApi {
  /** The repository as `owner/name`, for messages. */
  readonly fullName: string;
  getBranchHead(branch: string): Promise<string>;
  getCommit(sha: string): Promise<CommitInfo>;
  compare(base: string, head: string): Promise<Comparison>;
  /**
   * `base...branch`, resolving the branch on GitHub's side (no separate ref read). A 404 names
   * what is missing: the repository, the branch, or the base revision.
   */
  compareWithBranch(base: string, branch: string): Promise<Comparison>;
  /**
   * A recursive tree listing; `truncated` when GitHub cut it (over 100,000 entries or 7 MB).
   * `sha` may be a tree SHA or a commit SHA (GitHub lists that commit's tree).
   */
  getTree(sha: string): Promise<{ entries: TreeEntry[]; truncated: boolean }>;
  /** The content of a blob. */
  getBlob(sha: string): Promise<Buffer>;
  createTree(baseTree: string, changes: readonly TreeChange[]): Promise<string>;
  createCommit(message: string, tree: string, parents: readonly string[]): Promise<CommitInfo>;
  /** Moves a branch; `force: false` unless told otherwise. */
  updateBranch(branch: string, sha: string, force?: boolean): Promise<void>;
  /** Creates a branch; `false` when it already exists. */
  createBranch(branch: string, sha: string): Promise<boolean>;
  findOpenPullRequest(head: string, base: string): Promise<PullRequestInfo | undefined>;
  createPullRequest(input: PullRequestInput): Promise<PullRequestInfo>;
}

/** What a new pull request says and where it goes. */
export interface PullRequestInput {
  title: string;
  body: string;
  head: string;
  base: string;
  draft?: boolean;
}

interface ErrorLike {
  status?: number;
  message?: string;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

/** A commit as the REST API lists it (comparisons): git fields under `commit`, the GitHub user beside. */
interface RestCommit {
  sha: string;
  html_url: string;
  author?: { login?: string } | null;
  commit: { message: string; tree: { sha: string }; author?: { name?: string; email?: string } | null };
  parents: { sha: string }[];
}

/** A commit as the Git Data API returns it (get or create a commit). */
interface GitDataCommit {
  sha: string;
  message: string;
  tree: { sha: string };
  parents: { sha: string }[];
  html_url: string;
  author?: { name?: string; email?: string } | null;
}

function authorOf(git: { name?: string; email?: string } | null | undefined, login?: string): CommitAuthor {
  return {
    name: git?.name ?? '',
    ...(git?.email ? { email: git.email } : {}),
    ...(login ? { login } : {}),
  };
}

/** A {@link CommitInfo} from a REST commit (with the author's login when GitHub matched one). */
function commitFromRest(c: RestCommit): CommitInfo {
  return {
    sha: c.sha,
    message: c.commit.message,
    treeSha: c.commit.tree.sha,
    parents: c.parents.map((p) => p.sha),
    htmlUrl: c.html_url,
    author: authorOf(c.commit.author, c.author?.login),
  };
}

/** A {@link CommitInfo} from a Git Data API commit (no login: that API knows only the git identity). */
function commitFromGitData(data: GitDataCommit): CommitInfo {
  return {
    sha: data.sha,
    message: data.message,
    treeSha: data.tree.sha,
    parents: data.parents.map((p) => p.sha),
    htmlUrl: data.html_url,
    author: authorOf(data.author),
  };
}

/** What a call needed, so a 403 can say which permission is missing. */
interface CallContext {
  /** e.g. `read branch main`. */
  action: string;
  /** The fine-grained permission, e.g. `contents: write`. */
  permission: string;
  /** What a 404 means for this call. */
  notFound: string;
}

/**
 * Maps an Octokit error to a typed `GitHubError` whose message names the repository, the
 * action and, for 401/403, the permission it needs.
 */
export function toGitHubError(error: unknown, fullName: string, context: CallContext): Error {
  if ((error as Error | undefined)?.name === 'AbortError') {
    return new DeadlineExceededError(
      `the revert's deadline passed while trying to ${context.action} on ${fullName}: ${(error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  const e = error as ErrorLike;
  if (typeof e?.status !== 'number') return error as Error;
  const data = e.response?.data as { message?: string } | undefined;
  const detail = data?.message ?? e.message ?? '';
  const status = e.status;
  const rateLimited =
    status === 429 || /rate limit/i.test(detail) || e.response?.headers?.['x-ratelimit-remaining'] === '0';
  const options = { cause: error };
  if (rateLimited) {
    return new GitHubUnavailableError(
      `GitHub rate limit on ${fullName} while trying to ${context.action}, and the wait it asks for does not fit the time budget (${status} ${detail})`,
      status,
      options,
    );
  }
  if (
    // Classic branch protection, and repository rulesets ("Repository rule violations found").
    /protected branch|protected ref|repository rule violation/i.test(detail) &&
    (status === 403 || status === 422 || status === 409)
  ) {
    return new ProtectedBranchError(`${fullName}: ${context.action} refused: ${detail}`, status, options);
  }
  if (status === 401) {
    return new GitHubPermissionError(
      `GitHub rejected the credentials (401 ${detail}) while trying to ${context.action} on ${fullName}: the token is invalid or expired`,
      status,
      options,
    );
  }
  if (status === 403) {
    return new GitHubPermissionError(
      `the GitHub token lacks the "${context.permission}" permission on ${fullName}, needed to ${context.action} (403 ${detail})`,
      status,
      options,
    );
  }
  if (status === 404) {
    return new GitHubNotFoundError(`${context.notFound} (404 ${detail})`, status, options);
  }
  if (status === 422 && /not a fast.?forward/i.test(detail)) {
    return new NotFastForwardError(`${fullName}: ${context.action}: ${detail}`, status, options);
  }
  if (status >= 500) {
    return new GitHubUnavailableError(
      `GitHub failed (${status} ${detail}) while trying to ${context.action} on ${fullName}, after retries`,
      status,
      options,
    );
  }
  return new GitHubRequestError(
    `${fullName}: ${context.action} failed (${status} ${detail})`,
    status,
    options,
  );
}

/** {@link GitHubGitApi} over an Octokit instance (see `createGitHubOctokit`), for one repository. */
export class OctokitGitHub implements GitHubGitApi {
  readonly fullName: string;
  readonly #octokit: GitHubOctokitInstance;
  readonly #repo: { owner: string; repo: string };

  constructor(octokit: GitHubOctokitInstance, owner: string, repo: string) {
    this.#octokit = octokit;
    this.#repo = { owner, repo };
    this.fullName = `${owner}/${repo}`;
  }

  async #call<T>(context: CallContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toGitHubError(error, this.fullName, context);
    }
  }

  #read(action: string, notFound?: string): CallContext {
    return {
      action,
      permission: 'contents: read',
      notFound: notFound ?? `repository ${this.fullName} not found, or the token cannot see it`,
    };
  }

  #write(action: string, permission = 'contents: write'): CallContext {
    return {
      action,
      permission,
      notFound: `repository ${this.fullName} not found, or the token cannot see it`,
    };
  }

  async getBranchHead(branch: string): Promise<string> {
    try {
      const { data } = await this.#octokit.rest.git.getRef({ ...this.#repo, ref: `heads/${branch}` });
      return data.object.sha;
    } catch (error) {
      const mapped = toGitHubError(error, this.fullName, this.#read(`read branch ${branch}`));
      if (!(mapped instanceof GitHubNotFoundError)) throw mapped;
      // A 404 means a missing repository or a missing branch; one more read tells which.
      await this.#call(this.#read('read the repository'), () => this.#octokit.rest.repos.get(this.#repo));
      throw new GitHubNotFoundError(`branch "${branch}" not found in ${this.fullName}`, 404, {
        cause: error,
      });
    }
  }

  getCommit(sha: string): Promise<CommitInfo> {
    return this.#call(
      this.#read(`read commit ${sha}`, `commit ${sha} not found in ${this.fullName}`),
      async () => {
        const { data } = await this.#octokit.rest.git.getCommit({ ...this.#repo, commit_sha: sha });
        return commitFromGitData(data);
      },
    );
  }

  compare(base: string, head: string): Promise<Comparison> {
    const action = `compare ${base}...${head}`;
    return this.#call(this.#read(action, `${base} or ${head} not found in ${this.fullName}`), async () => {
      const { data } = await this.#octokit.rest.repos.compareCommitsWithBasehead({
        ...this.#repo,
        basehead: `${base}...${head}`,
      });
      return {
        status: data.status,
        totalCommits: data.total_commits,
        base: commitFromRest(data.base_commit as RestCommit),
        commits: (data.commits as RestCommit[]).map(commitFromRest),
        files: data.files?.map((f) => ({
          filename: f.filename,
          status: f.status,
          sha: f.sha,
          ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
        })),
      };
    });
  }

  async compareWithBranch(base: string, branch: string): Promise<Comparison> {
    try {
      return await this.compare(base, branch);
    } catch (error) {
      if (!(error instanceof GitHubNotFoundError)) throw error;
      // A 404 means a missing repository, branch or base; reading the branch tells which.
      await this.getBranchHead(branch);
      throw new GitHubNotFoundError(`commit ${base} not found in ${this.fullName}`, 404, { cause: error });
    }
  }

  getTree(sha: string): Promise<{ entries: TreeEntry[]; truncated: boolean }> {
    return this.#call(
      this.#read(`read tree ${sha}`, `tree ${sha} not found in ${this.fullName}`),
      async () => {
        const { data } = await this.#octokit.rest.git.getTree({
          ...this.#repo,
          tree_sha: sha,
          recursive: '1',
        });
        // Never `data.sha`: given a commit SHA, GitHub echoes it rather than the tree's.
        return {
          truncated: data.truncated,
          entries: data.tree.map((e) => ({
            path: e.path,
            mode: e.mode,
            type: e.type as TreeEntry['type'],
            sha: e.sha,
          })),
        };
      },
    );
  }

  getBlob(sha: string): Promise<Buffer> {
    return this.#call(
      this.#read(`read blob ${sha}`, `blob ${sha} not found in ${this.fullName}`),
      async () => {
        const { data } = await this.#octokit.rest.git.getBlob({ ...this.#repo, file_sha: sha });
        return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
      },
    );
  }

  createTree(baseTree: string, changes: readonly TreeChange[]): Promise<string> {
    return this.#call(this.#write('create a tree'), async () => {
      const { data } = await this.#octokit.rest.git.createTree({
        ...this.#repo,
        base_tree: baseTree,
        tree: changes.map((c) => ({
          path: c.path,
          mode: c.mode as '100644',
          type: c.type,
          ...(c.content === undefined ? { sha: c.sha } : { content: c.content }),
        })) as { path: string; mode: '100644'; type: 'blob'; sha: string }[],
      });
      return data.sha;
    });
  }

  createCommit(message: string, tree: string, parents: readonly string[]): Promise<CommitInfo> {
    return this.#call(this.#write('create a commit'), async () => {
      const { data } = await this.#octokit.rest.git.createCommit({
        ...this.#repo,
        message,
        tree,
        parents: [...parents],
      });
      return commitFromGitData(data);
    });
  }

  async updateBranch(branch: string, sha: string, force = false): Promise<void> {
    await this.#call(this.#write(`update branch ${branch}`), () =>
      // `heads/<branch>`, not `refs/heads/<branch>` (github/rest-api-description#2746).
      this.#octokit.rest.git.updateRef({ ...this.#repo, ref: `heads/${branch}`, sha, force }),
    );
  }

  async createBranch(branch: string, sha: string): Promise<boolean> {
    try {
      await this.#octokit.rest.git.createRef({ ...this.#repo, ref: `refs/heads/${branch}`, sha });
      return true;
    } catch (error) {
      const mapped = toGitHubError(error, this.fullName, this.#write(`create branch ${branch}`));
      if (
        mapped instanceof GitHubRequestError &&
        mapped.status === 422 &&
        /already exists/i.test(mapped.message)
      ) {
        return false;
      }
      throw mapped;
    }
  }

  findOpenPullRequest(head: string, base: string): Promise<PullRequestInfo | undefined> {
    return this.#call(
      { ...this.#read('list pull requests'), permission: 'pull requests: read' },
      async () => {
        const { data } = await this.#octokit.rest.pulls.list({
          ...this.#repo,
          head: `${this.#repo.owner}:${head}`,
          base,
          state: 'open',
        });
        const first = data[0];
        return first ? { number: first.number, url: first.html_url } : undefined;
      },
    );
  }

  createPullRequest(input: PullRequestInput): Promise<PullRequestInfo> {
    return this.#call(this.#write('open a pull request', 'pull requests: write'), async () => {
      const { data } = await this.#octokit.rest.pulls.create({ ...this.#repo, ...input });
      return { number: data.number, url: data.html_url };
    });
  }
}
