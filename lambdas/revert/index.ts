/**
 * The git revert engine: restores a Kustomization's files to a good revision through the GitHub
 * Git Data API, or opens a pull request, with loop guards (revert-of-revert trailers, fast-forward
 * updates only).
 *
 * ```ts
 * const engine = await revertEngineFromEnvironment(repository, { env: process.env });
 * const result = await engine.revert({ branch: 'main', failing, good, scope, incident: { id } });
 * ```
 *
 * @module
 */
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
  type CommitInfo,
  type Comparison,
  type GitHubGitApi,
  OctokitGitHub,
  type PullRequestInfo,
  toGitHubError,
} from './github-client.js';
export {
  type CommitSummary,
  formatRevertMessage,
  type IncidentContext,
  pullRequestBody,
  type RevertMessageInput,
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
  PULL_REQUEST_BRANCH_PREFIX,
  RevertEngine,
  type RevertEngineOptions,
  type RevertMode,
  type RevertOutcome,
  type RevertPlanSummary,
  type RevertRequest,
  type RevertResult,
} from './revert-engine.js';
export {
  INCIDENT_TRAILER,
  isFluxguardRevert,
  parseTrailers,
  REVERT_OF_TRAILER,
  revertedShas,
  revertsCommit,
  type Trailer,
} from './trailers.js';
