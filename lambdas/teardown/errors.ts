/**
 * The teardown's errors: one base, so a caller can tell a teardown failure from a bug.
 *
 * @module
 */

/** Base of every error the teardown library throws. */
export class TeardownError extends Error {
  override name = 'TeardownError';
}

/** A Kubernetes API request of the teardown failed (anything but a 2xx, or a 404 where "gone" is fine). */
export class KubeApiError extends TeardownError {
  override name = 'KubeApiError';
  /** The HTTP status, when the API server answered. */
  readonly status?: number;
  /** What was asked, e.g. `DELETE /apis/networking.k8s.io/v1/namespaces/shop/ingresses/web`. */
  readonly request: string;

  constructor(request: string, message: string, status?: number, options?: ErrorOptions) {
    super(`${request}: ${message}`, options);
    this.request = request;
    this.status = status;
  }
}

/** The wait ended with AWS resources still there; the message names each of them. */
export class TeardownIncompleteError extends TeardownError {
  override name = 'TeardownIncompleteError';
}
