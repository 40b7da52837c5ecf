/**
 * GitHub credentials: a token or a GitHub App, read from a secret string, as Octokit options.
 *
 * @module
 */
import { createAppAuth } from '@octokit/auth-app';
import type { OctokitOptions } from '@octokit/core';
import { secretField } from '../aws/index.js';
import { GitHubCredentialsError } from './errors.js';

/** A personal access token or an installation token, used as is. */
export interface TokenCredentials {
  kind: 'token';
  token: string;
}

/** A GitHub App installation: fluxguard mints (and caches) short-lived installation tokens. */
export interface AppCredentials {
  kind: 'app';
  appId: string;
  installationId: number;
  /** The App's PEM private key (PKCS#1 or PKCS#8). */
  privateKey: string;
}

/** Credentials for GitHub, as read from `GITHUB_TOKEN_SECRET_ARN` or the CLI's `GITHUB_TOKEN`. */
export type GitHubCredentials = TokenCredentials | AppCredentials;

function field(object: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) if (object[name] !== undefined && object[name] !== '') return object[name];
  return undefined;
}

/**
 * Reads GitHub credentials from a secret string: a plain token, a JSON `{ "token": … }`, or a
 * GitHub App JSON `{ "appId", "installationId", "privateKey" }` (snake_case accepted too; `\n`
 * escapes in the key are unfolded).
 *
 * @throws {GitHubCredentialsError} when the secret is none of these
 */
export function parseGitHubCredentials(secretString: string, secretId = 'GitHub secret'): GitHubCredentials {
  const trimmed = secretString.trim();
  if (!trimmed.startsWith('{')) {
    if (trimmed === '' || /\s/.test(trimmed)) {
      throw new GitHubCredentialsError(`${secretId} is neither a token nor a JSON object`);
    }
    return { kind: 'token', token: trimmed };
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    throw new GitHubCredentialsError(`${secretId} looks like JSON but does not parse`);
  }
  const appId = field(parsed, 'appId', 'app_id');
  if (appId === undefined) {
    try {
      return { kind: 'token', token: secretField(trimmed, 'token', secretId).trim() };
    } catch (error) {
      throw new GitHubCredentialsError(
        `${secretId} must hold "token", or "appId", "installationId" and "privateKey"`,
        { cause: error },
      );
    }
  }
  const installationId = Number(field(parsed, 'installationId', 'installation_id'));
  const privateKey = field(parsed, 'privateKey', 'private_key');
  if (!/^\d+$/.test(String(appId)) || !Number.isSafeInteger(installationId) || installationId <= 0) {
    throw new GitHubCredentialsError(`${secretId} needs a numeric "appId" and "installationId"`);
  }
  if (typeof privateKey !== 'string' || !privateKey.includes('PRIVATE KEY')) {
    throw new GitHubCredentialsError(`${secretId} needs "privateKey" holding the App's PEM private key`);
  }
  return { kind: 'app', appId: String(appId), installationId, privateKey: privateKey.replace(/\\n/g, '\n') };
}

/**
 * The Octokit options that authenticate with `credentials`. For an App, `@octokit/auth-app` mints
 * an installation token on first use and caches it until shortly before it expires (one hour), so
 * reuse the Octokit instance to reuse the token.
 */
export function octokitAuthOptions(
  credentials: GitHubCredentials,
): Pick<OctokitOptions, 'auth' | 'authStrategy'> {
  if (credentials.kind === 'token') return { auth: credentials.token };
  return {
    authStrategy: createAppAuth,
    auth: {
      appId: credentials.appId,
      privateKey: credentials.privateKey,
      installationId: credentials.installationId,
    },
  };
}
