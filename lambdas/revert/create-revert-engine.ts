import { SecretReader } from '../aws/secrets.js';
import { parseGitHubCredentials } from './github-auth.js';
import { OctokitGitHub } from './github-client.js';
import { createGitHubOctokit, type GitHubOctokitInstance } from './octokit.js';
import { TimeBudget } from './rate-limits.js';
import { apiUrlForHost, type RepositoryRef } from './repository-url.js';
import { RevertEngine } from './revert-engine.js';

/** Options of {@link revertEngineFromEnvironment}. */
export interface EnvironmentOptions {
  env?: NodeJS.ProcessEnv;
  reader?: SecretReader;
  /** Time rate-limit waits may take in this invocation (e.g. the Lambda's remaining time minus a margin). */
  budgetMs?: number;
}

const clients = new Map<string, { octokit: GitHubOctokitInstance; budget: TimeBudget }>();
let defaultReader: SecretReader | undefined;

/**
 * A {@link RevertEngine} for `repository`, authenticated from the secret named by
 * `GITHUB_TOKEN_SECRET_ARN` (a token, or a GitHub App JSON) and talking to `GITHUB_API_URL`
 * (default: derived from the repository host, `https://api.github.com` for github.com).
 *
 * The Octokit client is kept per secret value and API URL for the life of the container, so a
 * GitHub App's installation token is minted once and reused until it nears expiry; a rotated
 * secret gets a new client once the secret cache (60 s) expires.
 */
export async function revertEngineFromEnvironment(
  repository: RepositoryRef,
  { env = process.env, reader, budgetMs = 60_000 }: EnvironmentOptions = {},
): Promise<RevertEngine> {
  const arn = env.GITHUB_TOKEN_SECRET_ARN;
  if (!arn) throw new Error('GITHUB_TOKEN_SECRET_ARN is not set');
  defaultReader ??= reader ?? new SecretReader();
  const secret = (await (reader ?? defaultReader).read(arn)) as string;
  const baseUrl = env.GITHUB_API_URL ?? apiUrlForHost(repository.host);
  const key = `${baseUrl}\n${secret}`;
  let client = clients.get(key);
  if (!client) {
    const budget = new TimeBudget(budgetMs);
    const octokit = createGitHubOctokit({
      credentials: parseGitHubCredentials(secret, arn),
      baseUrl,
      budget,
    });
    client = { octokit, budget };
    clients.clear();
    clients.set(key, client);
  }
  client.budget.restart(budgetMs);
  return new RevertEngine(new OctokitGitHub(client.octokit, repository.owner, repository.repo));
}
