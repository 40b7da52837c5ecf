/**
 * Typed errors of the revert engine. Each names what went wrong in words an operator can act on;
 * the CLI and the incident worker map them to exit codes and alert text.
 *
 * @module
 */

/** Base class of every error the revert library throws. */
export class RevertError extends Error {
  override name = 'RevertError';
}

/** Base class: GitHub answered in a way the engine cannot work around. */
export class GitHubError extends RevertError {
  override name = 'GitHubError';
  /** The HTTP status GitHub answered, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/** 401 or 403: the credentials are wrong or lack a permission; the message says which. */
export class GitHubPermissionError extends GitHubError {
  override name = 'GitHubPermissionError';
}

/** 404: the repository, branch or commit does not exist, or the token cannot see it. */
export class GitHubNotFoundError extends GitHubError {
  override name = 'GitHubNotFoundError';
}

/** 5xx after retries, or a rate limit whose wait does not fit the time budget. */
export class GitHubUnavailableError extends GitHubError {
  override name = 'GitHubUnavailableError';
}

/** 422 "Update is not a fast forward": the branch moved between read and update. */
export class NotFastForwardError extends GitHubError {
  override name = 'NotFastForwardError';
}

/** The branch is protected and GitHub refused the direct update. */
export class ProtectedBranchError extends GitHubError {
  override name = 'ProtectedBranchError';
}

/** Any other 4xx that the engine does not expect (e.g. 422 "Validation Failed"). */
export class GitHubRequestError extends GitHubError {
  override name = 'GitHubRequestError';
}

/** A repository URL or `owner/name` that cannot be parsed. */
export class RepositoryUrlError extends RevertError {
  override name = 'RepositoryUrlError';
}

/** The GitHub credentials secret holds neither a token nor a GitHub App definition. */
export class GitHubCredentialsError extends RevertError {
  override name = 'GitHubCredentialsError';
}

/**
 * The repository is not on the GitHub host the API URL is configured for. Credentials are sent only
 * to the configured API, so such a repository is refused before any request.
 */
export class RepositoryHostError extends RevertError {
  override name = 'RepositoryHostError';
}

/** The API URL configured for GitHub is not an http(s) URL without credentials. */
export class GitHubApiUrlError extends RevertError {
  override name = 'GitHubApiUrlError';
}

/**
 * The revert's deadline passed: no request is started after it, and one in flight is aborted.
 * A kind of unavailability: GitHub did not answer within the time there was.
 */
export class DeadlineExceededError extends GitHubUnavailableError {
  override name = 'DeadlineExceededError';
}
