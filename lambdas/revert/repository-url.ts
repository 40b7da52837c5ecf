import { RepositoryUrlError } from './errors.js';

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
 * `owner/name` is taken to be on github.com.
 *
 * @throws {RepositoryUrlError} when the input is none of these
 */
export function parseRepositoryUrl(input: string): RepositoryRef {
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
  if (plain) return build('github.com', plain[1] as string, plain[2] as string, input);
  throw new RepositoryUrlError(`"${input}" does not name a GitHub repository (owner/name or a URL)`);
}

/**
 * The REST API base URL for a web host: `https://api.github.com` for github.com, otherwise the
 * GitHub Enterprise Server convention `https://<host>/api/v3`.
 */
export function apiUrlForHost(host: string): string {
  return host === 'github.com' || host === 'www.github.com'
    ? 'https://api.github.com'
    : `https://${host}/api/v3`;
}

/** The web URL of a repository, used for links in messages. */
export function webUrl(ref: RepositoryRef): string {
  return `https://${ref.host === 'www.github.com' ? 'github.com' : ref.host}/${ref.owner}/${ref.repo}`;
}
