/**
 * The one way the Lambda and the CLI build a {@link RevertEngine}: credentials (given, or read from
 * a secret), the configured API URL, and the time the revert may take.
 *
 * @module
 */
import { type GitHubCredentials, parseGitHubCredentials } from './github-auth.js';
import { OctokitGitHub } from './github-client.js';
import { createGitHubOctokit, type GitHubOctokitInstance, type GitHubOctokitOptions } from './octokit.js';
import { TimeBudget } from './rate-limits.js';
import { assertRepositoryOnApiHost, DEFAULT_GITHUB_API_URL, type RepositoryRef } from './repository-url.js';
import { RevertEngine } from './revert-engine.js';

/** Reads a secret string by ARN; `SecretReader` from the aws library fits. */
export interface SecretStringReader {
  read(secretId: string): Promise<string | undefined>;
}

/** Where the GitHub credentials come from: given as they are, or read from a secret. */
export type CredentialsSource =
  | { credentials: GitHubCredentials }
  | { secret: { reader: SecretStringReader; arn: string } };

/** Options of {@link createRevertEngine}. */
export type CreateRevertEngineOptions = CredentialsSource & {
  /** The repository to revert in, e.g. `parseRepositoryUrl(gitRepository.spec.url)`. */
  repository: RepositoryRef;
  /**
   * The GitHub REST API, from configuration (`GITHUB_API_URL`) and never from cluster data:
   * `https://api.github.com` (default) or a GitHub Enterprise Server `https://<host>/api/v3`.
   */
  apiUrl?: string;
  /**
   * Milliseconds the revert may take, rate-limit waits included (e.g. the invocation's remaining
   * time minus a margin). Past it no request starts, one in flight is aborted, and the engine
   * answers `timed-out`. Default 60 s.
   */
  budgetMs?: number;
  /** Client-side timeout of each GitHub request (default 10 s); a timed-out read is retried like a 5xx. */
  requestTimeoutMs?: number;
  /** Client tuning for tests and benchmarks (wait unit, write pacer, retries). */
  tuning?: Pick<GitHubOctokitOptions, 'waitUnitMs' | 'pacer' | 'retries' | 'log'>;
};

interface CachedClient {
  octokit: GitHubOctokitInstance;
  budget: TimeBudget;
}

let cached: { key: string; client: CachedClient } | undefined;

async function credentialsOf(
  source: CredentialsSource,
): Promise<{ key: string; credentials: GitHubCredentials }> {
  if ('credentials' in source) {
    return { key: JSON.stringify(source.credentials), credentials: source.credentials };
  }
  const { reader, arn } = source.secret;
  const value = await reader.read(arn);
  return { key: `${arn}\n${value ?? ''}`, credentials: parseGitHubCredentials(value ?? '', arn) };
}

/**
 * A {@link RevertEngine} for one repository. The repository must be on the GitHub host the API URL
 * serves: a GitRepository URL naming any other host is refused before any request, so the token
 * (or a GitHub App's JWT) goes only where configuration says.
 *
 * The Octokit client is kept per API URL and credentials for the life of the process, so a GitHub
 * App's installation token is minted once and reused until it nears expiry; a rotated secret gets
 * a new client once the secret reader's cache expires. Each call restarts the client's time budget.
 *
 * @example
 * ```ts
 * const engine = await createRevertEngine({
 *   repository: parseRepositoryUrl(gitRepository.spec.url),
 *   apiUrl: config.githubApiUrl,
 *   secret: { reader, arn: config.githubTokenSecretArn },
 *   budgetMs: context.getRemainingTimeInMillis() - 5_000,
 * });
 * const result = await engine.revert({ branch: 'main', failing, scope, incident: { id } });
 * ```
 * @throws {RepositoryHostError} when the repository is on another host than the API's
 * @throws {GitHubApiUrlError} when the API URL is not an http(s) URL without credentials
 * @throws {GitHubCredentialsError} when the secret holds neither a token nor a GitHub App
 */
export async function createRevertEngine(options: CreateRevertEngineOptions): Promise<RevertEngine> {
  const apiUrl = (options.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  assertRepositoryOnApiHost(options.repository, apiUrl);
  const budgetMs = options.budgetMs ?? 60_000;
  const { key: credentialsKey, credentials } = await credentialsOf(options);
  const key = JSON.stringify([apiUrl, credentialsKey, options.requestTimeoutMs, options.tuning?.waitUnitMs]);
  let client = cached?.key === key ? cached.client : undefined;
  if (!client) {
    const budget = new TimeBudget(budgetMs);
    const octokit = createGitHubOctokit({
      ...options.tuning,
      credentials,
      baseUrl: apiUrl,
      budget,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    });
    client = { octokit, budget };
    cached = { key, client };
  }
  client.budget.restart(budgetMs);
  return new RevertEngine(
    new OctokitGitHub(client.octokit, options.repository.owner, options.repository.repo),
    { budget: client.budget },
  );
}
