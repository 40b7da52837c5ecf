/**
 * The git revert engine: restores the files a Flux Kustomization builds from to a good revision
 * through the GitHub Git Data API (no clone), directly or as a pull request, with loop guards
 * (revert-of-revert trailers, fast-forward updates only) and a deadline.
 *
 * The API the incident worker uses, kept stable:
 *
 * - {@link createRevertEngine}`({ repository, apiUrl, secret | credentials, budgetMs })` builds the
 *   engine. The API URL comes from configuration (`GITHUB_API_URL`); a repository on another host
 *   is refused (`RepositoryHostError`) before any request.
 * - `engine.revert(request)` with {@link RevertRequest}: `branch`, `failing`, `good` (an ancestor of
 *   the failing commit, else `refused`), `scope` (the Kustomization `spec.path`: the revert covers
 *   every file its kustomize build reads), `mode`, `incident` (written to the `Fluxguard-Incident`
 *   trailer), and `edits` (extra file edits in the same commit, e.g. excluding the bad version in
 *   an ImagePolicy; a throwing edit refuses the revert).
 * - {@link RevertResult}: `outcome` (`reverted`, `pull-request-opened`, `already-reverted`,
 *   `nothing-to-revert`, `refused` with its {@link RevertRefusal} code in `refusal` (and
 *   `retryable` for `branch-kept-moving`), `planned`, `timed-out` with `writeMayHaveHappened`), `reason`,
 *   `revertedCommits` (sha, subject, author name and login, html URL) and `compareUrl`, all from the
 *   comparison the revert made, `commitSha`/`commitUrl`, the pull request, and `notRevertable`
 *   remote bases. A retry after a crash between the push and the caller's record answers
 *   `already-reverted` with the pushed commit, found by its `Fluxguard-Revert-Of` trailer.
 * - `engine.openReapplyPullRequest({ revert, branch, incident })`: a draft pull request on
 *   `fluxguard/reapply-<short sha>-<Kustomization>` that re-applies the reverted change on top of the revert and
 *   mentions its author; an open one is returned as is.
 *
 * @example
 * ```ts
 * const engine = await createRevertEngine({
 *   repository: parseRepositoryUrl(gitRepository.spec.url),
 *   apiUrl: config.githubApiUrl,
 *   secret: { reader, arn: config.githubTokenSecretArn },
 *   budgetMs: context.getRemainingTimeInMillis() - 5_000,
 * });
 * const result = await engine.revert({ branch: 'main', failing, good, scope: [path], incident: { id } });
 * if (result.outcome === 'reverted') await engine.openReapplyPullRequest({ revert: result, branch: 'main', incident: { id } });
 * ```
 *
 * @module
 */

export { type Ancestry, ancestryOf } from './ancestry.js';
export {
  type CreateRevertEngineOptions,
  type CredentialsSource,
  createRevertEngine,
  type SecretStringReader,
} from './create-revert-engine.js';
export {
  DeadlineExceededError,
  GitHubApiUrlError,
  GitHubCredentialsError,
  GitHubError,
  GitHubNotFoundError,
  GitHubPermissionError,
  GitHubRequestError,
  GitHubUnavailableError,
  NotFastForwardError,
  ProtectedBranchError,
  RepositoryHostError,
  RepositoryUrlError,
  RevertError,
} from './errors.js';
export {
  type AppCredentials,
  type GitHubCredentials,
  octokitAuthOptions,
  parseGitHubCredentials,
  type TokenCredentials,
} from './github-auth.js';
export {
  type CommitAuthor,
  type CommitInfo,
  type Comparison,
  type GitHubGitApi,
  OctokitGitHub,
  type PullRequestInfo,
  type PullRequestInput,
  toGitHubError,
} from './github-client.js';
export {
  type BlobReader,
  isRemoteReference,
  joinPath,
  KUSTOMIZATION_FILE_NAMES,
  type KustomizeScope,
  kustomizeScope,
  referencesOf,
} from './kustomize-scope.js';
export {
  type AuthoredCommit,
  type CommitSummary,
  formatRevertMessage,
  type IncidentContext,
  mentionOf,
  pullRequestBody,
  type ReapplyMessageInput,
  type RevertMessageInput,
  reapplyBody,
  reapplyMessage,
  reapplySubject,
  revertBody,
  revertSubject,
  shortSha,
  subjectOf,
} from './message.js';
export {
  createGitHubOctokit,
  GITHUB_REQUEST_TIMEOUT_MS,
  GitHubOctokit,
  type GitHubOctokitInstance,
  type GitHubOctokitOptions,
} from './octokit.js';
export {
  type CompareFile,
  deltaFromCompare,
  diffTrees,
  type FileDelta,
  type FileVersion,
  indexTree,
  inScope,
  normaliseScope,
  planRevert,
  type RevertPlan,
  restrictDelta,
  type TreeChange,
  type TreeEntry,
} from './plan.js';
export {
  ConcurrencyLimiter,
  RetryLimiter,
  TimeBudget,
  WritePacer,
  type WritePacerOptions,
} from './rate-limits.js';
export {
  openReapplyPullRequest,
  REAPPLY_BRANCH_PREFIX,
  type ReapplyRequest,
  type ReapplyResult,
  reapplyBranch,
} from './reapply.js';
export {
  assertRepositoryOnApiHost,
  DEFAULT_GITHUB_API_URL,
  gitHubHostOf,
  parseRepositoryUrl,
  type RepositoryRef,
  webUrl,
} from './repository-url.js';
export { type Fetch, fetchWithTimeouts } from './request-timeouts.js';
export {
  COMPARE_FILE_CAP,
  type FileEdit,
  PULL_REQUEST_BRANCH_PREFIX,
  RevertEngine,
  type RevertEngineOptions,
  type RevertedCommit,
  type RevertMode,
  type RevertOutcome,
  type RevertPlanSummary,
  type RevertRefusal,
  type RevertRequest,
  type RevertResult,
} from './revert-engine.js';
export {
  INCIDENT_TRAILER,
  isFluxguardRevert,
  parseTrailers,
  REAPPLY_OF_TRAILER,
  REVERT_OF_TRAILER,
  revertedShas,
  revertsCommit,
  type Trailer,
} from './trailers.js';
