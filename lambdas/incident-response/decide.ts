/**
 * The decision: a pure function of the facts. Every outcome, including each decision not to act,
 * comes with a named reason that is recorded and counted.
 *
 * @module
 */
import { sameRevision } from '../flux/index.js';
import type { Decision, DecisionFacts } from './decision.js';
import { FAILURE_GUARDS, firstBlocking, modeOff, notStale } from './guards.js';

/**
 * Whether a verified success of `revision` (Flux success or Ready, and validation passed) fixes an
 * incident that failed at `failing` without a revert fluxguard pushed. Fail closed: only another
 * revision than the failing one (a success of the failing revision itself is a flap, not a fix),
 * and only the revision Flux attempts now (a late report of an older one fixes nothing); any of
 * the three unknown, no.
 */
export function fixedBy(
  failing: string,
  revision: string | undefined,
  liveRevision: string | undefined,
): boolean {
  if (!failing || !revision || !liveRevision) return false;
  return !sameRevision(failing, revision) && sameRevision(revision, liveRevision);
}

/** Whether this trigger's revision fixes one of the incidents that wait for a fix by people. */
function fixesAnIncident(facts: DecisionFacts): boolean {
  return (facts.awaitingFix ?? []).some((failing) => fixedBy(failing, facts.revision, facts.liveRevision));
}

const RECOVERED = { state: 'recovered', severity: 'info' } as const;

/**
 * The decision for a verified healthy revision that resolves an incident: fluxguard's revert
 * awaiting recovery, else an incident that waits for a fix by people; `undefined` when it resolves
 * none. `detail` says, for each, how the health was verified.
 */
function recovery(facts: DecisionFacts, detail: { revert: string; fix: string }): Decision | undefined {
  const why = facts.awaitingRecovery ? detail.revert : fixesAnIncident(facts) ? detail.fix : undefined;
  if (why === undefined) return undefined;
  return { action: 'record-known-good', reason: 'recovered', detail: why, alert: { ...RECOVERED } };
}

function failure(facts: DecisionFacts): Decision {
  const blocked = firstBlocking(FAILURE_GUARDS, facts);
  if (blocked) return blocked;
  const early =
    facts.trigger !== 'follow-up'
      ? ''
      : facts.verdict?.definitive
        ? ' before Flux’s own timeout (definitive pod failure)'
        : ' by a follow-up check after Flux reported HealthCheckFailed';
  if (facts.mode === 'pull-request') {
    return {
      action: 'pull-request',
      reason: 'confirmed-failure',
      detail: `confirmed failure${early}: opening a revert pull request (mode pull-request)`,
      alert: { state: 'failing', severity: 'critical' },
    };
  }
  return {
    action: 'revert',
    reason: 'confirmed-failure',
    detail: `confirmed failure${early}: ${facts.dryRun ? 'would revert (dry run)' : 'reverting in git'}`,
    alert: { state: 'reverting', severity: 'critical' },
  };
}

function succeeded(facts: DecisionFacts): Decision {
  if (facts.verdict?.verdict !== 'pass' && facts.bakeChecksLeft) {
    return {
      action: 'schedule-follow-up',
      reason: 'success-not-verified',
      detail: `Flux reported success but validation was ${facts.verdict?.verdict ?? 'not run'}: checking again before recording it as last known good`,
    };
  }
  if (facts.verdict?.verdict !== 'pass') {
    return {
      action: 'ignore',
      reason: 'success-not-verified',
      detail: `Flux reported success but validation was ${facts.verdict?.verdict ?? 'not run'}: not recorded as last known good`,
    };
  }
  const recovered = recovery(facts, {
    revert: 'Flux applied the revert and validation passed: recovered',
    fix: 'Flux reported success for a newer revision than the failing one and validation passed (the revert pull request merged, or a fix pushed): recovered',
  });
  if (recovered) return recovered;
  return {
    action: 'record-known-good',
    reason: 'verified-success',
    detail: 'Flux reported success and validation passed: last known good',
  };
}

function followUp(facts: DecisionFacts): Decision {
  const verdict = facts.verdict;
  // Before Flux's own timeout only a definitive pod state may fail a rollout (a slow one is not
  // failed early); once Flux itself reported HealthCheckFailed, a failure on every check is enough.
  if (verdict?.verdict === 'fail' && (verdict.definitive || verdict.fluxFailed)) return failure(facts);
  if (verdict?.verdict === 'pass' && verdict.fluxReady) {
    const recovered = recovery(facts, {
      revert: 'the revert is healthy and Flux reports it ready: recovered',
      fix: 'a newer revision than the failing one is healthy and Flux reports it ready (the revert pull request merged, or a fix pushed): recovered',
    });
    if (recovered) return recovered;
    return {
      action: 'record-known-good',
      reason: 'baked',
      detail: 'the new revision is healthy and Flux reports it ready',
    };
  }
  if (facts.bakeChecksLeft) {
    return {
      action: 'schedule-follow-up',
      reason: verdict?.verdict === 'fail' ? 'not-definitive' : 'still-baking',
      detail:
        verdict?.verdict === 'fail'
          ? 'failing, but not from a definitive pod state: a slow rollout is never failed early; checking again'
          : `validation ${verdict?.verdict ?? 'not run'}: checking again within the bake window`,
    };
  }
  return {
    action: 'ignore',
    reason: 'bake-window-over',
    detail: 'the bake window is over: Flux’s own health check decides from here',
  };
}

/**
 * Decides what to do about one trigger.
 *
 * @example
 * ```ts
 * const decision = decide({ trigger: 'rollout-failed', verdict: { verdict: 'fail', definitive: false }, ... });
 * decision.action; // 'revert' when every guard lets it through
 * ```
 */
export function decide(facts: DecisionFacts): Decision {
  switch (facts.trigger) {
    case 'rollout-failed':
      return failure(facts);
    case 'build-failed':
      return (
        modeOff.check(facts) ??
        notStale.check(facts) ?? {
          action: 'alert-only',
          reason: 'build-failed',
          detail: 'Flux could not build the revision: nothing was applied, nothing to revert',
          alert: { state: 'failing', severity: 'warning' },
        }
      );
    case 'flux-error':
      return (
        modeOff.check(facts) ??
        notStale.check(facts) ?? {
          action: 'alert-only',
          reason: 'flux-error',
          detail: 'Flux reported an error that is not a failed rollout: alert, never revert',
          alert: { state: 'failing', severity: 'warning' },
        }
      );
    case 'succeeded':
      return modeOff.check(facts) ?? succeeded(facts);
    case 'applied':
      return (
        modeOff.check(facts) ?? {
          action: 'schedule-follow-up',
          reason: 'bake-started',
          detail: 'a new revision was applied: checking it through the bake window',
        }
      );
    case 'follow-up':
      return modeOff.check(facts) ?? followUp(facts);
    case 'alarm':
      if (!facts.inBakeWindow) {
        return (
          modeOff.check(facts) ?? {
            action: 'alert-only',
            reason: 'not-caused-by-deploy',
            detail: 'the alarm fired outside the bake window of any revision: not caused by a deploy',
            alert: { state: 'not-caused-by-deploy', severity: 'warning' },
          }
        );
      }
      return failure(facts);
    case 'alarm-ok':
      return facts.alarmIncidentOpen
        ? {
            action: 'resolve',
            reason: 'alarm-ok',
            detail: 'the alarm is back to OK',
            alert: { state: 'recovered', severity: 'info' },
          }
        : {
            action: 'ignore',
            reason: 'alarm-ok-no-incident',
            detail: 'the alarm is back to OK; no open incident',
          };
    default:
      return {
        action: 'ignore',
        reason: 'not-actionable',
        detail: 'an event fluxguard records but does not act on',
      };
  }
}
