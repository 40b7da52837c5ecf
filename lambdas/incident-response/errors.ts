/** The one error base of the incident-response library. */
export class IncidentResponseError extends Error {
  override name = 'IncidentResponseError';
}

/**
 * Another worker holds the object (its lease, or a pending revert of the same commit that is not
 * yet abandoned). Thrown so the message is retried later; never a second revert.
 */
export class ObjectBusyError extends IncidentResponseError {
  override name = 'ObjectBusyError';
  /** When the holder's lease ends, if known: the message is best delivered again then. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The state table refused or failed a read or write. */
export class StateStoreError extends IncidentResponseError {
  override name = 'StateStoreError';
}

/** An injected crash between two pipeline steps (tests and the crash bench only). */
export class InjectedCrash extends IncidentResponseError {
  override name = 'InjectedCrash';
}
