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
}

/** The state table refused or failed a read or write. */
export class StateStoreError extends IncidentResponseError {
  override name = 'StateStoreError';
}

/** An injected crash between two pipeline steps (tests and the crash bench only). */
export class InjectedCrash extends IncidentResponseError {
  override name = 'InjectedCrash';
}
