/** The one error base of the incidents library. */
export class IncidentsError extends Error {
  override name = 'IncidentsError';
}

/**
 * A queue message that is none of the known incident inputs (not JSON, an unknown `source` or
 * `version`, or a known one with the wrong shape). The worker logs it with its id and lets it go to
 * the dead-letter queue.
 */
export class UnparseableMessageError extends IncidentsError {
  override name = 'UnparseableMessageError';
}
