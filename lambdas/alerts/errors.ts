/**
 * Typed errors of the alerts library.
 *
 * @module
 */

/** Base class of every error the alerts library throws. */
export class AlertError extends Error {
  override name = 'AlertError';
}

/**
 * A message that is not a fluxguard alert notification: not JSON, not an Amazon Q Developer custom
 * notification, no `metadata.additionalContext.alert`, or an alert that does not match
 * {@link AlertSchema}. The message says which, never the body itself.
 */
export class NotAnAlertError extends AlertError {
  override name = 'NotAnAlertError';
}
