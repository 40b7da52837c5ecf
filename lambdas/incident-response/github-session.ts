/**
 * One GitHub client per container: credentials read once (a GitHub App's installation token is
 * minted once and reused), the API URL from configuration only, and a Git gateway per repository
 * that refuses any repository on another host before a request is made.
 *
 * @module
 */
import {
  assertRepositoryOnApiHost,
  createGitHubOctokit,
  DEFAULT_GITHUB_API_URL,
  type GitHubCredentials,
  type GitHubOctokitInstance,
  type GitHubOctokitOptions,
  OctokitGitHub,
  parseRepositoryUrl,
  RevertEngine,
  TimeBudget,
  webUrl,
} from '../revert/index.js';
import { type GitGateway, GitHubGitGateway } from './git-gateway.js';

/** Options of {@link GitHubSession}. */
export interface GitHubSessionOptions {
  /** `GITHUB_API_URL` (default `https://api.github.com`). */
  apiUrl?: string;
  /** Reads the credentials (the Lambda: the secret; the CLI: `GITHUB_TOKEN`). Called again when `refresh` says so. */
  credentials: () => Promise<{ key: string; credentials: GitHubCredentials }>;
  /** Client tuning for tests and benchmarks. */
  tuning?: Pick<GitHubOctokitOptions, 'waitUnitMs' | 'pacer' | 'retries' | 'log' | 'requestTimeoutMs'>;
}

/**
 * The GitHub side of the worker, kept for the life of the container.
 *
 * @example
 * ```ts
 * const github = new GitHubSession({ apiUrl, credentials: async () => ({ key, credentials }) });
 * const git = await github.gateway('https://github.com/acme/gitops.git', 60_000);
 * ```
 */
export class GitHubSession {
  readonly #apiUrl: string;
  readonly #options: GitHubSessionOptions;
  #client: { key: string; octokit: GitHubOctokitInstance; budget: TimeBudget } | undefined;

  constructor(options: GitHubSessionOptions) {
    this.#apiUrl = (options.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
    this.#options = options;
  }

  /**
   * The gateway for a GitRepository URL, with `budgetMs` for this invocation's GitHub work.
   *
   * @throws {RepositoryHostError} when the repository is not on the configured GitHub host
   */
  async gateway(repositoryUrl: string, budgetMs = 60_000): Promise<GitGateway> {
    const repository = parseRepositoryUrl(repositoryUrl);
    assertRepositoryOnApiHost(repository, this.#apiUrl);
    const { key, credentials } = await this.#options.credentials();
    if (this.#client?.key !== key) {
      const budget = new TimeBudget(budgetMs);
      this.#client = {
        key,
        budget,
        octokit: createGitHubOctokit({ ...this.#options.tuning, credentials, baseUrl: this.#apiUrl, budget }),
      };
    }
    this.#client.budget.restart(budgetMs);
    const github = new OctokitGitHub(this.#client.octokit, repository.owner, repository.repo);
    return new GitHubGitGateway(
      github,
      new RevertEngine(github, { budget: this.#client.budget }),
      webUrl(repository),
    );
  }
}
