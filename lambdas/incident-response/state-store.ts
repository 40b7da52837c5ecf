/**
 * What the worker keeps in its state table, as an interface the pipeline uses (so the pipeline is
 * tested with any implementation) and the key layout of the DynamoDB table.
 *
 * @module
 */
import type { AppliedRevision, IncidentRecord, LastKnownGood, LedgerEntry, ObjectRef } from './model.js';

/** Everything about one object, read in one query. */
export interface ObjectState {
  lastKnownGood?: LastKnownGood;
  applied?: AppliedRevision;
  breaker?: { open: boolean; reason?: string; at: string; resetAt?: string };
  incidents: IncidentRecord[];
}

/** One recorded decision (the decision log). */
export interface DecisionRecord {
  at: string;
  /** The queue message (or replay) the decision was made for. */
  messageId: string;
  source: 'flux' | 'alarm' | 'follow-up' | 'alertmanager';
  trigger: string;
  action: string;
  reason: string;
  detail: string;
  revision?: string;
  incidentId?: string;
  verdict?: string;
}

/** The writes that end one message's handling, sent as one request ({@link StateStore.record}). */
export interface RecordWrites {
  incident?: IncidentRecord;
  decision?: DecisionRecord;
  /** Ends the object's lease that `owner` took until `until`. */
  lease?: { owner: string; until: Date };
}

/** The answer of {@link StateStore.beginRevert}. */
export type BeginRevert =
  /** The ledger now holds `pending` for this revert: go ahead (a retry also lands here once the lease expired). */
  | { kind: 'started' }
  /** Already completed earlier: nothing to push again. */
  | { kind: 'done'; entry: LedgerEntry }
  /** Another worker is pushing this revert right now. */
  | { kind: 'busy'; entry: LedgerEntry };

/** A summary of the table for `fluxguard status`. */
export interface StateSummary {
  openIncidents: IncidentRecord[];
  lastKnownGood: Array<{ object: string; lastKnownGood: LastKnownGood }>;
  breakers: Array<{ object: string; open: boolean; reason?: string; at: string }>;
  pendingReverts: LedgerEntry[];
  recentDecisions: Array<DecisionRecord & { object: string }>;
}

/** The worker's state. Every write that guards an action is conditional. */
export interface StateStore {
  loadObject(ref: ObjectRef): Promise<ObjectState>;
  /** Automatic reverts recorded since the given instants, for the object and for its cluster. */
  countReverts(
    ref: ObjectRef,
    since: { object: Date; cluster: Date },
  ): Promise<{ object: number; cluster: number }>;
  /** Writes the ledger entry `pending` unless it exists (or exists pending with an expired lease). */
  beginRevert(entry: LedgerEntry, leaseUntil: Date, now: Date): Promise<BeginRevert>;
  /**
   * Removes a `pending` ledger entry whose revert wrote nothing and may be tried again (the branch
   * kept moving), so the retry need not wait for its lease. A completed entry is left alone.
   */
  abandonRevert(entry: LedgerEntry): Promise<void>;
  /** Completes a pending ledger entry: `pushed(commit)` or `pull-request(url)`. */
  completeRevert(entry: LedgerEntry): Promise<void>;
  /** Counts an incident's automatic revert for the breaker; once per incident, however often it is called. */
  recordRevert(ref: ObjectRef, at: Date, incidentId: string): Promise<void>;
  putIncident(incident: IncidentRecord): Promise<void>;
  putKnownGood(ref: ObjectRef, good: LastKnownGood): Promise<void>;
  putApplied(ref: ObjectRef, applied: AppliedRevision): Promise<void>;
  openBreaker(ref: ObjectRef, reason: string, at: Date): Promise<void>;
  resetBreaker(ref: ObjectRef, at: Date): Promise<void>;
  recordDecision(ref: ObjectRef, decision: DecisionRecord): Promise<void>;
  /**
   * Writes an incident, a decision and the end of the lease together: one request, no conditions
   * (none of them guards an action), so a message's bookkeeping costs one round-trip.
   */
  record(ref: ObjectRef, writes: RecordWrites, now: Date): Promise<void>;
  /**
   * Takes the object's lease, so one message per object is handled at a time whatever its source;
   * `false` when another holds it. The same owner (a redelivered message) takes it again.
   */
  takeLease(ref: ObjectRef, owner: string, until: Date, now: Date): Promise<boolean>;
  /** Who holds the object's lease, and until when (strongly consistent); none: `undefined`. */
  readLease(ref: ObjectRef): Promise<{ owner: string; until: Date } | undefined>;
  releaseLease(ref: ObjectRef, owner: string): Promise<void>;
  summary(limit?: number): Promise<StateSummary>;
}
