/**
 * Repository references (GitRepository URLs, owner/name) and the rule that a repository must be on the configured GitHub host.
 *
 * @module
 */
import { GitHubApiUrlError, RepositoryHostError, RepositoryUrlError } from './errors.js';

/** A GitHub repository, on github.com or on a GitHub Enterprise Server host. */
export interface RepositoryRef {
  /** The web host, e.g. `github.com` or `ghe.example.com` (lower case, without port). */
  host: string;
  owner: string;
  repo: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

function build(host: string, owner: string, repo: string, input: string): RepositoryRef {
  const name = repo.endsWith('.git') ? repo.slice(0, -'.git'.length) : repo;
  if (!NAME.test(owner) || !NAME.test(name) || name === '' || name === '.' || name === '..') {
    throw new RepositoryUrlError(`"${input}" does not name a GitHub repository (owner/name)`);
  }
  return { host: host.toLowerCase(), owner, repo: name };
}

/**
 * Parses the URL of a Flux GitRepository (or a plain `owner/name`) into host, owner and repository.
 *
 * Accepts `https://github.com/o/r(.git)`, `http(s)://user@host/o/r`, `ssh://git@host(:port)/o/r(.git)`,
 * scp-like `git@host:o/r.git`, and the same forms on GitHub Enterprise Server hosts. A bare
 * `owner/name` is taken to be on `defaultHost` (github.com unless told otherwise).
 *
 * @throws {RepositoryUrlError} when the input is none of these
 */
export function parseRepositoryUrl(input: string, defaultHost = 'github.com'): RepositoryRef {
  const text = input.trim().replace(/\/+$/, '');
  const scp = text.includes('://') ? null : /^(?:[^@/\s]+@)?([^:/\s]+):\/?([^/\s]+)\/([^/\s]+)$/.exec(text);
  if (scp) return build(scp[1] as string, scp[2] as string, scp[3] as string, input);
  if (text.includes('://')) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new RepositoryUrlError(`"${input}" is not a valid URL`);
    }
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) {
      throw new RepositoryUrlError(`"${input}" uses ${url.protocol} which is not a git transport`);
    }
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (parts.length !== 2) {
      throw new RepositoryUrlError(`"${input}" does not name a GitHub repository (owner/name)`);
    }
    return build(url.hostname, parts[0] as string, parts[1] as string, input);
  }
  const plain = /^([^/\s]+)\/([^/\s]+)$/.exec(text);
  if (plain) return build(defaultHost, plain[1] as string, plain[2] as string, input);
  throw new RepositoryUrlError(`"${input}" does not name a GitHub repository (owner/name or a URL)`);
}

/** The GitHub REST API fluxguard talks to unless `GITHUB_API_URL` names another. */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/**
 * The web host a GitHub REST API URL serves: `github.com` for `https://api.github.com`, the URL's
 * own host for GitHub Enterprise Server (`https://ghe.example.com/api/v3` → `ghe.example.com`).
 *
 * @example gitHubHostOf('https://api.github.com') // 'github.com'
 * @throws {GitHubApiUrlError} when the URL is not http(s) or carries credentials
 */
export function gitHubHostOf(apiUrl: string): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new GitHubApiUrlError(`GitHub API URL "${apiUrl}" is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GitHubApiUrlError(`GitHub API URL "${apiUrl}" must be https`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new GitHubApiUrlError('GitHub API URL must not carry credentials');
  }
  const host = url.hostname.toLowerCase();
  return host === 'api.github.com' ? 'github.com' : host;
}

/**
 * Checks that `repository` lives on the GitHub host `apiUrl` serves, so the credentials meant for
 * that API are never sent elsewhere. The repository comes from cluster data (a GitRepository URL),
 * which anyone able to edit a GitRepository controls; the API URL comes from configuration only.
 *
 * @example assertRepositoryOnApiHost(parseRepositoryUrl('git@github.com:acme/gitops.git'), DEFAULT_GITHUB_API_URL)
 * @throws {RepositoryHostError} when the hosts differ
 */
export function assertRepositoryOnApiHost(repository: RepositoryRef, apiUrl: string): void {
  const expected = gitHubHostOf(apiUrl);
  const actual = repository.host === 'www.github.com' ? 'github.com' : repository.host;
  if (actual !== expected) {
    throw new RepositoryHostError(
      `repository ${repository.owner}/${repository.repo} is on ${repository.host}, but GitHub is configured at ${apiUrl} (${expected}): refused, credentials go only to the configured GitHub`,
    );
  }
}

/** The web URL of a repository, used for links in messages. */
export function webUrl(ref: RepositoryRef): string {
  return `https://${ref.host === 'www.github.com' ? 'github.com' : ref.host}/${ref.owner}/${ref.repo}`;
}
