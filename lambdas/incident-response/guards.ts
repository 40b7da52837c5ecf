/**
 * The guards: each a named, pure rule that may stop an automatic revert, checked in order. The
 * first that answers decides. They mirror what the most careful peers do before rolling back
 * (Kargo's auto-rollback, ClickHouse's revert bot): current revision only, not stale, never a
 * revert of a revert, doubt is not failure, not already being fixed, a circuit breaker, and the
 * mode the object asks for.
 *
 * @module
 */

import { sameRevision } from '../flux/index.js';
import type { Decision, DecisionFacts } from './decision.js';

/** A guard: a name and a rule that answers a {@link Decision} when it stops the revert. */
export interface Guard {
  name: string;
  check(facts: DecisionFacts): Decision | undefined;
}

const minutesOld = (facts: DecisionFacts): number =>
  (facts.now.getTime() - Date.parse(facts.eventAt)) / 60_000;

/** `fluxguard.io/mode: off`: the object is not guarded at all. */
export const modeOff: Guard = {
  name: 'mode-off',
  check: (f) =>
    f.mode === 'off'
      ? { action: 'ignore', reason: 'mode-off', detail: 'the object is annotated fluxguard.io/mode: off' }
      : undefined,
};

/** A failure older than `STALE_MINUTES` never triggers a revert (nor an alert: it is history). */
export const notStale: Guard = {
  name: 'stale',
  check: (f) => {
    const age = minutesOld(f);
    if (Number.isNaN(age) || age <= f.staleMinutes) return undefined;
    return {
      action: 'ignore',
      reason: 'stale',
      detail: `the event is ${Math.round(age)} minutes old, older than ${f.staleMinutes}: history, not a rollout in progress`,
    };
  },
};

/**
 * Act only on the revision Flux is attempting now. An older one is stale. An unreadable live
 * object is doubt: alert, do nothing.
 */
export const currentRevisionOnly: Guard = {
  name: 'current-revision',
  check: (f) => {
    if (f.liveRevision === undefined) {
      return {
        action: 'alert-only',
        reason: 'live-object-unknown',
        detail:
          'the live object could not be read, so whether this is the revision Flux is applying is unknown',
        alert: { state: 'inconclusive', severity: 'warning' },
      };
    }
    if (f.revision !== undefined && !sameRevision(f.revision, f.liveRevision)) {
      return {
        action: 'ignore',
        reason: 'not-current-revision',
        detail: `Flux is attempting ${f.liveRevision} now, not ${f.revision}`,
      };
    }
    return undefined;
  },
};

/**
 * A HelmRelease failure its Kustomization's incident already answered (the Kustomization's revert
 * reverts the release too): no second thread; the Kustomization's incident watches the recovery.
 */
export const handledByItsKustomization: Guard = {
  name: 'kustomization-reverted',
  check: (f) =>
    f.kustomizationIncident
      ? {
          action: 'ignore',
          reason: 'kustomization-reverted',
          detail: `this failure was already reverted in incident ${f.kustomizationIncident} (the HelmRelease's own, or its Kustomization's), which watches the recovery`,
        }
      : undefined,
};

/** A failure of fluxguard's own revert is never reverted: a person decides, and the breaker opens. */
export const neverRevertARevert: Guard = {
  name: 'revert-of-revert',
  check: (f) =>
    f.isOwnRevert
      ? {
          action: 'alert-only',
          reason: 'revert-failed',
          detail: 'the revert itself failed; a person must decide',
          alert: { state: 'not-recovered', severity: 'critical' },
          openBreaker: true,
        }
      : undefined,
};

/** Only a confirmed `fail` reverts; `inconclusive` and `pending` alert with the evidence. */
export const doubtIsNotFailure: Guard = {
  name: 'doubt',
  check: (f) => {
    const verdict = f.verdict?.verdict;
    if (verdict === 'fail') return undefined;
    if (verdict === 'pass') {
      return {
        action: 'alert-only',
        reason: 'not-confirmed',
        detail: 'Flux reported a failure, but validation passed on the live cluster: nothing to revert',
        alert: { state: 'inconclusive', severity: 'warning' },
      };
    }
    return {
      action: 'alert-only',
      reason: 'inconclusive',
      detail: `validation was ${verdict ?? 'not run'}: doubt is not failure, nothing is reverted`,
      alert: { state: 'inconclusive', severity: 'warning' },
    };
  },
};

/** A newer commit that changed the same scope is a fix in flight: watch it, do not revert. */
export const notAlreadyBeingFixed: Guard = {
  name: 'fix-in-flight',
  check: (f) =>
    f.newerCommitInScope && !f.ledgerPending
      ? {
          action: 'alert-only',
          reason: 'fix-in-flight',
          detail:
            'the branch already holds a newer commit that changes the same files: a fix is in flight, watching its rollout',
          alert: { state: 'failing', severity: 'warning' },
        }
      : undefined,
};

/** At most N automatic reverts per object and per cluster in their windows; or opened by hand. */
export const breakerClosed: Guard = {
  name: 'breaker',
  check: (f) => {
    if (f.ledgerPending) return undefined;
    const b = f.breaker;
    const why = b.open
      ? 'the circuit breaker is open'
      : b.objectReverts >= b.objectMax
        ? `${b.objectReverts} automatic reverts of this object in the window (limit ${b.objectMax})`
        : b.clusterReverts >= b.clusterMax
          ? `${b.clusterReverts} automatic reverts in this cluster in the window (limit ${b.clusterMax})`
          : undefined;
    if (!why) return undefined;
    return {
      action: 'alert-only',
      reason: 'breaker-open',
      detail: `${why}: alert only until \`fluxguard breaker reset\``,
      alert: { state: 'breaker-open', severity: 'critical' },
      openBreaker: !b.open,
    };
  },
};

/** `alert-only` mode: tell people, change nothing. */
export const modeAllowsRevert: Guard = {
  name: 'mode',
  check: (f) =>
    f.mode === 'alert-only'
      ? {
          action: 'alert-only',
          reason: 'mode-alert-only',
          detail: 'the mode is alert-only: confirmed failure, nothing reverted',
          alert: { state: 'alert-only', severity: 'critical' },
        }
      : undefined,
};

/** Checked before validation: they need nothing but the event and the live object. */
export const PRE_VALIDATION_GUARDS: readonly Guard[] = [
  modeOff,
  notStale,
  currentRevisionOnly,
  handledByItsKustomization,
];

/** Every guard a confirmed failure passes before a revert, in order. */
export const FAILURE_GUARDS: readonly Guard[] = [
  modeOff,
  notStale,
  currentRevisionOnly,
  handledByItsKustomization,
  neverRevertARevert,
  doubtIsNotFailure,
  notAlreadyBeingFixed,
  breakerClosed,
  modeAllowsRevert,
];

/** The first guard's answer, or `undefined` when every guard lets the revert through. */
export function firstBlocking(guards: readonly Guard[], facts: DecisionFacts): Decision | undefined {
  for (const guard of guards) {
    const decision = guard.check(facts);
    if (decision) return decision;
  }
  return undefined;
}
