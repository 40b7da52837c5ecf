/**
 * What the worker decides, and the facts it decides from. Plain data.
 *
 * @module
 */
import type { AlertSeverity, AlertState } from '../alerts/index.js';
import type { Mode } from './model.js';

/** What happened, as far as deciding goes. */
export type TriggerKind =
  /** A Flux event saying the rollout failed (HealthCheckFailed, UpgradeFailed, ...). */
  | 'rollout-failed'
  /** Flux could not build or fetch: nothing was applied. */
  | 'build-failed'
  /** Any other Flux error (prune, drift, configuration). */
  | 'flux-error'
  /** Flux reported the revision applied and healthy. */
  | 'succeeded'
  /** Flux started applying a new revision (the bake window starts). */
  | 'applied'
  /** A follow-up check of a revision in its bake window. */
  | 'follow-up'
  /** An alarm went to ALARM. */
  | 'alarm'
  /** An alarm went back to OK. */
  | 'alarm-ok'
  /** Anything else: recorded, never acted on. */
  | 'other';

/** Validation's conclusion, as the decision needs it. */
export interface VerdictFacts {
  verdict: 'pass' | 'fail' | 'inconclusive' | 'pending';
  /** A failure seen only from definitive pod states (crash loops, missing images, ...): may act early. */
  definitive: boolean;
  /** Flux's own Ready condition for the object is True. */
  fluxReady?: boolean;
  /**
   * Flux itself has reported this revision failed: the live object's Ready condition is False
   * with `HealthCheckFailed` while it attempts the revision validated. A failure confirmed then
   * is no longer early, so a follow-up may act on it without a definitive pod state.
   */
  fluxFailed?: boolean;
}

/** The breaker's counts in their windows. */
export interface BreakerFacts {
  /** Opened by hand, by a failed revert, or by a revert that did not recover. */
  open: boolean;
  objectReverts: number;
  objectMax: number;
  clusterReverts: number;
  clusterMax: number;
}

/** Everything {@link decide} looks at. */
export interface DecisionFacts {
  trigger: TriggerKind;
  now: Date;
  /** When the trigger happened (ISO 8601). */
  eventAt: string;
  staleMinutes: number;
  mode: Mode;
  dryRun: boolean;
  /** The revision the trigger is about. */
  revision?: string;
  /** The live object's `status.lastAttemptedRevision`; `undefined` when it could not be read. */
  liveRevision?: string;
  verdict?: VerdictFacts;
  breaker: BreakerFacts;
  /** The revision is fluxguard's own revert commit of an open incident (it failed too). */
  isOwnRevert: boolean;
  /** The branch holds a newer commit, not fluxguard's, that changed the same scope. */
  newerCommitInScope: boolean;
  /** A revert of this revision is already in the ledger (a retry): the guards that protect against a second revert are moot. */
  ledgerPending: boolean;
  /** An open incident fluxguard reverted awaits recovery (a success of another revision resolves it). */
  awaitingRecovery: boolean;
  /**
   * The failing revisions of the open incidents that wait for a fix by people, not for a revert
   * fluxguard pushed: a revert pull request, a fix in flight, a dry run, alert-only mode, the
   * breaker, doubt. A verified success resolves them only as {@link fixedBy} says.
   */
  awaitingFix?: readonly string[];
  /** An open incident exists for the alarm (alarm-ok resolves it). */
  alarmIncidentOpen: boolean;
  /**
   * For a HelmRelease: the incident of the Kustomization that applies it, when that one is already
   * reverting or reverted (its revert reverts this release too, and its follow-ups watch it).
   */
  kustomizationIncident?: string;
  /** The alarm fired within the bake window of the revision applied last. */
  inBakeWindow: boolean;
  /**
   * A follow-up check is still due within the bake window after this one; for a success, no bake
   * window already watches its revision, so an unverified success can start one.
   */
  bakeChecksLeft: boolean;
}

/** What the worker does. */
export type DecisionAction =
  /** Push a revert to the branch. */
  | 'revert'
  /** Open a pull request with the revert. */
  | 'pull-request'
  /** Tell people; change nothing. */
  | 'alert-only'
  /** Record the revision as last known good (and resolve a recovering incident). */
  | 'record-known-good'
  /** Schedule the next follow-up check. */
  | 'schedule-follow-up'
  /** Resolve the open incident (an alarm back to OK). */
  | 'resolve'
  /** Record the decision; do nothing else. */
  | 'ignore';

/** A decision, with the named rule that made it. */
export interface Decision {
  action: DecisionAction;
  /** The rule or guard behind it (`stale`, `breaker-open`, `confirmed-failure`, ...): a metric dimension. */
  reason: string;
  /** One sentence for people. */
  detail: string;
  /** The alert to publish, if any. */
  alert?: { state: AlertState; severity: AlertSeverity };
  /** Open the object's breaker (a revert failed, or did not recover). */
  openBreaker?: boolean;
}
