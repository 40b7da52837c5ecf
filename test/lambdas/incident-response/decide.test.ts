import { describe, expect, it } from 'vitest';
import { decide } from '../../../lambdas/incident-response/decide.js';
import type { DecisionFacts } from '../../../lambdas/incident-response/decision.js';
import { FAILURE_GUARDS } from '../../../lambdas/incident-response/guards.js';

const SHA = '4f2b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c';
const OLD = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
/** A newer revision: the merged revert pull request, or the fix pushed. */
const NEW = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d';
const NOW = new Date('2026-05-04T12:40:00Z');

/** A confirmed failure of the current revision that every guard lets through. */
function facts(overrides: Partial<DecisionFacts> = {}): DecisionFacts {
  return {
    trigger: 'rollout-failed',
    now: NOW,
    eventAt: '2026-05-04T12:36:00Z',
    staleMinutes: 20,
    mode: 'revert',
    dryRun: false,
    revision: `main@sha1:${SHA}`,
    liveRevision: `main@sha1:${SHA}`,
    verdict: { verdict: 'fail', definitive: false },
    breaker: { open: false, objectReverts: 0, objectMax: 3, clusterReverts: 0, clusterMax: 10 },
    isOwnRevert: false,
    newerCommitInScope: false,
    ledgerPending: false,
    awaitingRecovery: false,
    alarmIncidentOpen: false,
    inBakeWindow: false,
    bakeChecksLeft: false,
    ...overrides,
  };
}

type Row = [string, Partial<DecisionFacts>, string, string, string?];

describe('decide: a failed rollout, guard by guard', () => {
  const rows: Row[] = [
    ['every guard passes → revert', {}, 'revert', 'confirmed-failure', 'reverting'],
    [
      'dry run → still decided revert (the act step only plans)',
      { dryRun: true },
      'revert',
      'confirmed-failure',
      'reverting',
    ],
    [
      'mode pull-request → pull request',
      { mode: 'pull-request' },
      'pull-request',
      'confirmed-failure',
      'failing',
    ],
    ['mode alert-only → alert only', { mode: 'alert-only' }, 'alert-only', 'mode-alert-only', 'alert-only'],
    ['mode off → ignored', { mode: 'off' }, 'ignore', 'mode-off'],
    ['event 21 minutes old → stale, ignored', { eventAt: '2026-05-04T12:19:00Z' }, 'ignore', 'stale'],
    [
      'event exactly 20 minutes old → not stale',
      { eventAt: '2026-05-04T12:20:00Z' },
      'revert',
      'confirmed-failure',
      'reverting',
    ],
    [
      'Flux attempts another revision → not current, ignored',
      { liveRevision: `main@sha1:${OLD}` },
      'ignore',
      'not-current-revision',
    ],
    [
      'live revision given as a short sha of the same commit → current',
      { liveRevision: SHA.slice(0, 7) },
      'revert',
      'confirmed-failure',
      'reverting',
    ],
    [
      'live object unreadable → doubt, alert',
      { liveRevision: undefined },
      'alert-only',
      'live-object-unknown',
      'inconclusive',
    ],
    [
      'the failing revision is our own revert → critical, breaker opens',
      { isOwnRevert: true },
      'alert-only',
      'revert-failed',
      'not-recovered',
    ],
    [
      'validation inconclusive (403, timeouts) → alert, no revert',
      { verdict: { verdict: 'inconclusive', definitive: false } },
      'alert-only',
      'inconclusive',
      'inconclusive',
    ],
    [
      'validation still pending → alert, no revert',
      { verdict: { verdict: 'pending', definitive: false } },
      'alert-only',
      'inconclusive',
      'inconclusive',
    ],
    [
      'no validation → alert, no revert',
      { verdict: undefined },
      'alert-only',
      'inconclusive',
      'inconclusive',
    ],
    [
      'validation passes although Flux failed → alert, no revert',
      { verdict: { verdict: 'pass', definitive: false } },
      'alert-only',
      'not-confirmed',
      'inconclusive',
    ],
    [
      'a newer commit changed the same scope → fix in flight',
      { newerCommitInScope: true },
      'alert-only',
      'fix-in-flight',
      'failing',
    ],
    [
      'a newer commit, but our ledger entry is pending (retry) → revert resumes',
      { newerCommitInScope: true, ledgerPending: true },
      'revert',
      'confirmed-failure',
      'reverting',
    ],
    [
      '3 reverts of this object in 6 h → breaker',
      { breaker: { open: false, objectReverts: 3, objectMax: 3, clusterReverts: 3, clusterMax: 10 } },
      'alert-only',
      'breaker-open',
      'breaker-open',
    ],
    [
      '2 reverts of this object → still allowed',
      { breaker: { open: false, objectReverts: 2, objectMax: 3, clusterReverts: 2, clusterMax: 10 } },
      'revert',
      'confirmed-failure',
      'reverting',
    ],
    [
      '10 reverts in the cluster in 1 h → breaker',
      { breaker: { open: false, objectReverts: 0, objectMax: 3, clusterReverts: 10, clusterMax: 10 } },
      'alert-only',
      'breaker-open',
      'breaker-open',
    ],
    [
      'breaker opened by hand → alert only',
      { breaker: { open: true, objectReverts: 0, objectMax: 3, clusterReverts: 0, clusterMax: 10 } },
      'alert-only',
      'breaker-open',
      'breaker-open',
    ],
    [
      'stale wins over everything after it',
      { eventAt: '2026-05-04T10:00:00Z', isOwnRevert: true, mode: 'alert-only' },
      'ignore',
      'stale',
    ],
    [
      'revert-of-revert wins over doubt',
      { isOwnRevert: true, verdict: undefined },
      'alert-only',
      'revert-failed',
      'not-recovered',
    ],
  ];
  it.each(rows)('%s', (_, overrides, action, reason, alertState) => {
    const decision = decide(facts(overrides));
    expect(decision.action).toBe(action);
    expect(decision.reason).toBe(reason);
    expect(decision.alert?.state).toBe(alertState);
    expect(decision.detail.length).toBeGreaterThan(10);
  });

  it('opens the breaker when the limit is reached and when a revert failed, not when it is already open', () => {
    expect(decide(facts({ isOwnRevert: true })).openBreaker).toBe(true);
    const full = { open: false, objectReverts: 3, objectMax: 3, clusterReverts: 0, clusterMax: 10 };
    expect(decide(facts({ breaker: full })).openBreaker).toBe(true);
    expect(decide(facts({ breaker: { ...full, open: true } })).openBreaker).toBe(false);
  });

  it('checks the guards in the documented order', () => {
    expect(FAILURE_GUARDS.map((g) => g.name)).toEqual([
      'mode-off',
      'stale',
      'current-revision',
      'kustomization-reverted',
      'revert-of-revert',
      'doubt',
      'fix-in-flight',
      'breaker',
      'mode',
    ]);
  });
});

describe('decide: other triggers', () => {
  const rows: Row[] = [
    [
      'build failed → alert, nothing applied',
      { trigger: 'build-failed', verdict: undefined },
      'alert-only',
      'build-failed',
      'failing',
    ],
    [
      'build failed, stale → ignored',
      { trigger: 'build-failed', eventAt: '2026-05-04T10:00:00Z' },
      'ignore',
      'stale',
    ],
    ['another Flux error → alert', { trigger: 'flux-error' }, 'alert-only', 'flux-error', 'failing'],
    [
      'success + validation pass → last known good',
      { trigger: 'succeeded', verdict: { verdict: 'pass', definitive: false } },
      'record-known-good',
      'verified-success',
    ],
    [
      'success + pass while a revert awaits recovery → recovered',
      { trigger: 'succeeded', verdict: { verdict: 'pass', definitive: false }, awaitingRecovery: true },
      'record-known-good',
      'recovered',
      'recovered',
    ],
    [
      'success + pass of a newer revision while an incident awaits a fix (pull request, fix in flight, dry run, alert only) → recovered',
      {
        trigger: 'succeeded',
        verdict: { verdict: 'pass', definitive: false },
        revision: `main@sha1:${NEW}`,
        liveRevision: `main@sha1:${NEW}`,
        awaitingFix: [`main@sha1:${SHA}`],
      },
      'record-known-good',
      'recovered',
      'recovered',
    ],
    [
      'success + pass of the failing revision itself (a flapping report) while an incident awaits a fix → not recovered',
      {
        trigger: 'succeeded',
        verdict: { verdict: 'pass', definitive: false },
        awaitingFix: [`main@sha1:${SHA}`],
      },
      'record-known-good',
      'verified-success',
    ],
    [
      'success + pass of the failing revision given as a short sha → not recovered',
      {
        trigger: 'succeeded',
        verdict: { verdict: 'pass', definitive: false },
        awaitingFix: [SHA.slice(0, 7)],
      },
      'record-known-good',
      'verified-success',
    ],
    [
      'success + pass of a newer revision Flux no longer attempts (a late report) → not recovered',
      {
        trigger: 'succeeded',
        verdict: { verdict: 'pass', definitive: false },
        revision: `main@sha1:${NEW}`,
        liveRevision: `main@sha1:${OLD}`,
        awaitingFix: [`main@sha1:${SHA}`],
      },
      'record-known-good',
      'verified-success',
    ],
    [
      'success + pass of a newer revision, the live object unreadable → not recovered',
      {
        trigger: 'succeeded',
        verdict: { verdict: 'pass', definitive: false },
        revision: `main@sha1:${NEW}`,
        liveRevision: undefined,
        awaitingFix: [`main@sha1:${SHA}`],
      },
      'record-known-good',
      'verified-success',
    ],
    [
      'success + pass of a newer revision, the incident’s failing revision unknown → not recovered',
      {
        trigger: 'succeeded',
        verdict: { verdict: 'pass', definitive: false },
        revision: `main@sha1:${NEW}`,
        liveRevision: `main@sha1:${NEW}`,
        awaitingFix: [''],
      },
      'record-known-good',
      'verified-success',
    ],
    [
      'success of a newer revision, validation inconclusive, while an incident awaits a fix → not recovered',
      {
        trigger: 'succeeded',
        verdict: { verdict: 'inconclusive', definitive: false },
        revision: `main@sha1:${NEW}`,
        liveRevision: `main@sha1:${NEW}`,
        awaitingFix: [`main@sha1:${SHA}`],
      },
      'ignore',
      'success-not-verified',
    ],
    [
      'success + pass of a HelmRelease chart version other than the failing one → recovered',
      {
        trigger: 'succeeded',
        verdict: { verdict: 'pass', definitive: false },
        revision: '6.7.0',
        liveRevision: '6.7.0',
        awaitingFix: ['6.7.1'],
      },
      'record-known-good',
      'recovered',
      'recovered',
    ],
    [
      'success + validation inconclusive, a bake window already watching it → not known good',
      { trigger: 'succeeded', verdict: { verdict: 'inconclusive', definitive: false } },
      'ignore',
      'success-not-verified',
    ],
    [
      'success + validation pending, no bake window watching it → checked again',
      { trigger: 'succeeded', verdict: { verdict: 'pending', definitive: false }, bakeChecksLeft: true },
      'schedule-follow-up',
      'success-not-verified',
    ],
    [
      'applied → bake window starts',
      { trigger: 'applied', verdict: undefined },
      'schedule-follow-up',
      'bake-started',
    ],
    ['applied, mode off → ignored', { trigger: 'applied', mode: 'off' }, 'ignore', 'mode-off'],
    [
      'follow-up: definitive failure → revert early',
      { trigger: 'follow-up', verdict: { verdict: 'fail', definitive: true } },
      'revert',
      'confirmed-failure',
      'reverting',
    ],
    [
      'follow-up: definitive failure, breaker full → alert',
      {
        trigger: 'follow-up',
        verdict: { verdict: 'fail', definitive: true },
        breaker: { open: true, objectReverts: 0, objectMax: 3, clusterReverts: 0, clusterMax: 10 },
      },
      'alert-only',
      'breaker-open',
      'breaker-open',
    ],
    [
      'follow-up: failing but not definitive (slow) → check again',
      { trigger: 'follow-up', verdict: { verdict: 'fail', definitive: false }, bakeChecksLeft: true },
      'schedule-follow-up',
      'not-definitive',
    ],
    [
      'follow-up: failing on every check, not definitive, after Flux itself reported HealthCheckFailed → revert (not early)',
      {
        trigger: 'follow-up',
        verdict: { verdict: 'fail', definitive: false, fluxFailed: true },
        bakeChecksLeft: true,
      },
      'revert',
      'confirmed-failure',
      'reverting',
    ],
    [
      'follow-up: Flux reported HealthCheckFailed but validation still pending → check again',
      {
        trigger: 'follow-up',
        verdict: { verdict: 'pending', definitive: false, fluxFailed: true },
        bakeChecksLeft: true,
      },
      'schedule-follow-up',
      'still-baking',
    ],
    [
      'follow-up: slow rollout at the end of the bake → never failed early',
      { trigger: 'follow-up', verdict: { verdict: 'fail', definitive: false }, bakeChecksLeft: false },
      'ignore',
      'bake-window-over',
    ],
    [
      'follow-up: pending → check again',
      { trigger: 'follow-up', verdict: { verdict: 'pending', definitive: false }, bakeChecksLeft: true },
      'schedule-follow-up',
      'still-baking',
    ],
    [
      'follow-up: pass and Flux ready → baked',
      { trigger: 'follow-up', verdict: { verdict: 'pass', definitive: false, fluxReady: true } },
      'record-known-good',
      'baked',
    ],
    [
      'follow-up: pass and Flux ready while a revert awaits recovery → recovered, and people are told',
      {
        trigger: 'follow-up',
        verdict: { verdict: 'pass', definitive: false, fluxReady: true },
        awaitingRecovery: true,
      },
      'record-known-good',
      'recovered',
      'recovered',
    ],
    [
      'follow-up: pass and Flux ready on a newer revision while an incident awaits a fix → recovered',
      {
        trigger: 'follow-up',
        verdict: { verdict: 'pass', definitive: false, fluxReady: true },
        revision: `main@sha1:${NEW}`,
        liveRevision: `main@sha1:${NEW}`,
        awaitingFix: [`main@sha1:${SHA}`],
      },
      'record-known-good',
      'recovered',
      'recovered',
    ],
    [
      'follow-up: pass and Flux ready on the failing revision itself while an incident awaits a fix → baked, not recovered',
      {
        trigger: 'follow-up',
        verdict: { verdict: 'pass', definitive: false, fluxReady: true },
        awaitingFix: [`main@sha1:${SHA}`],
      },
      'record-known-good',
      'baked',
    ],
    [
      'follow-up: pass, Flux not ready yet → check again',
      {
        trigger: 'follow-up',
        verdict: { verdict: 'pass', definitive: false, fluxReady: false },
        bakeChecksLeft: true,
      },
      'schedule-follow-up',
      'still-baking',
    ],
    [
      'alarm in the bake window → revert the revision applied last',
      { trigger: 'alarm', inBakeWindow: true, verdict: { verdict: 'fail', definitive: true } },
      'revert',
      'confirmed-failure',
      'reverting',
    ],
    [
      'alarm outside the bake window → not caused by a deploy',
      { trigger: 'alarm', inBakeWindow: false },
      'alert-only',
      'not-caused-by-deploy',
      'not-caused-by-deploy',
    ],
    [
      'alarm in the bake window, alert-only mode → alert',
      {
        trigger: 'alarm',
        inBakeWindow: true,
        mode: 'alert-only',
        verdict: { verdict: 'fail', definitive: true },
      },
      'alert-only',
      'mode-alert-only',
      'alert-only',
    ],
    [
      'alarm OK with an open incident → resolved',
      { trigger: 'alarm-ok', alarmIncidentOpen: true },
      'resolve',
      'alarm-ok',
      'recovered',
    ],
    ['alarm OK without an incident → ignored', { trigger: 'alarm-ok' }, 'ignore', 'alarm-ok-no-incident'],
    ['an info event → recorded only', { trigger: 'other' }, 'ignore', 'not-actionable'],
  ];
  it.each(rows)('%s', (_, overrides, action, reason, alertState) => {
    const decision = decide(facts(overrides));
    expect(decision.action).toBe(action);
    expect(decision.reason).toBe(reason);
    expect(decision.alert?.state).toBe(alertState);
  });
});
