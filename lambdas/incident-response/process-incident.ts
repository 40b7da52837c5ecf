/**
 * The incident pipeline: resolve the object → take its lease → load context → guards → validate →
 * decide (pure) → act (ledger pending → revert or pull request → ledger done and count → reconcile)
 * → alert → record → reapply pull request → record. It returns an {@link IncidentOutcome} for every
 * expected case; logging and metrics are the caller's (see `observe.ts`), and all I/O goes through
 * the injected gateways. The object's lease makes one message per object run at a time, whatever
 * its queue; the reapply pull request comes after the alert, which links its branch, so people hear
 * of the revert without waiting for it.
 *
 * Every step can be repeated after a crash: the incident id is derived from the failing revision,
 * the ledger is written `pending` before the push (a conditional write) and completed after, and a
 * retry of a pending revert meets the engine's already-reverted answer instead of a second revert.
 *
 * @module
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Alert, AlertState } from '../alerts/index.js';
import type { ValidationReport } from '../cluster/index.js';
import { isCommitSha } from '../flux/index.js';
import { followUpMessage, type IncidentInput } from '../incidents/index.js';
import { type RevertResult, reapplyBranch, shortSha } from '../revert/index.js';
import type { AlarmTargets } from './alarm-targets.js';
import type { AlertPublisher } from './alert-publisher.js';
import { type AlertContext, buildAlert } from './build-alert.js';
import {
  type ClusterGateway,
  type ImageAutomationRef,
  KUSTOMIZATION_NAME_LABEL,
  KUSTOMIZATION_NAMESPACE_LABEL,
  type LiveObject,
  type ReconcileRef,
  type RevertTarget,
} from './cluster-gateway.js';
import { decide, fixedBy } from './decide.js';
import type { Decision, DecisionFacts, TriggerKind, VerdictFacts } from './decision.js';
import { InjectedCrash, ObjectBusyError } from './errors.js';
import type { FollowUpScheduler } from './follow-up-scheduler.js';
import type { GitFacts, GitGateway, ImageUpdateFacts } from './git-gateway.js';
import { firstBlocking, PRE_VALIDATION_GUARDS } from './guards.js';
import { excludeVersion } from './image-policy.js';
import {
  BAKE_ANNOTATION,
  FINAL_STATES,
  type IncidentAction,
  type IncidentRecord,
  incidentId,
  type LedgerEntry,
  MODE_ANNOTATION,
  type Mode,
  type ObjectRef,
  objectKey,
  sameCommit,
  shaOf,
} from './model.js';
import { takeObjectLease } from './object-lease.js';
import type { IncidentSettings } from './settings.js';
import type { StateStore } from './state-store.js';

/** What the pipeline needs. */
export interface IncidentDeps {
  settings: IncidentSettings;
  state: StateStore;
  cluster: ClusterGateway;
  /** The Git gateway for a GitRepository URL (refuses hosts other than the configured GitHub). */
  git(repositoryUrl: string): Promise<GitGateway>;
  alerts: AlertPublisher;
  followUps: FollowUpScheduler;
  alarms: AlarmTargets;
  now?: () => Date;
  /** Pauses (waiting for an object's lease); `setTimeout` unless a story clock or a test gives one. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Called after each step that wrote something, with the step's name; tests throw from it to
   * inject a crash between two steps.
   */
  checkpoint?: (step: PipelineStep) => void | Promise<void>;
}

/** The message being handled. */
export interface MessageMeta {
  /** The SQS message id: the owner of the object's lease and of a pending revert. */
  messageId: string;
  /** Time left in the invocation (Lambda's `getRemainingTimeInMillis`); bounds the wait for a lease. */
  remainingTimeMs?: () => number;
}

/** The steps after which the pipeline has written something (where a crash can leave state behind). */
export const PIPELINE_STEPS = [
  'ledger-pending',
  'reverted',
  'ledger-done',
  'counted',
  'reconciled',
  'alert-published',
  'recorded',
  'reapply-opened',
  'reapply-recorded',
] as const;

/** A step of {@link PIPELINE_STEPS}. */
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/**
 * - `acted`: a revert was pushed, a pull request opened, or (dry run) planned.
 * - `alerted`: people were told; nothing changed in git or the cluster.
 * - `recorded`: state changed (last known good, a follow-up, a resolved incident), no action.
 * - `ignored`: nothing to do; the decision is recorded.
 * - `failed`: an action failed (GitHub, the cluster); people are alerted when possible.
 */
export type OutcomeKind = 'acted' | 'alerted' | 'recorded' | 'ignored' | 'failed';

/** One line of what the pipeline did, for `fluxguard replay` and the log. */
export interface StepNote {
  step: string;
  detail: string;
}

/**
 * An action whose failure the pipeline absorbs (it notes it and goes on): the reconcile request
 * after a pushed revert, the suspend of an ImageUpdateAutomation, the reapply pull request.
 */
export type FailedActionKind = 'reconcile' | 'suspend-image-update-automation' | 'reapply-pull-request';

/** One absorbed action failure, in {@link IncidentOutcome.failedActions}. */
export interface FailedAction {
  kind: FailedActionKind;
  /** The error's message, or for a reapply pull request the revert library refused, `refused: <reason>`. */
  reason: string;
}

/** What happened to one message. */
export interface IncidentOutcome {
  kind: OutcomeKind;
  /** The decision's reason, or the failure's code: the metric dimension. */
  code: string;
  source: IncidentInput['source'];
  object?: ObjectRef;
  trigger?: TriggerKind;
  revision?: string;
  incidentId?: string;
  decision?: Decision;
  verdict?: Pick<ValidationReport, 'verdict' | 'reason' | 'summary'>;
  /** The engine's answer; `refusal` is its code when it refused (`RevertRefusal` in the revert library). */
  revert?: Pick<
    RevertResult,
    'outcome' | 'reason' | 'refusal' | 'commitSha' | 'commitUrl' | 'pullRequestUrl'
  >;
  actions: IncidentAction[];
  /** The alert published (absent when none, or when it repeated the last state). */
  alert?: Alert;
  /** Seconds from the trigger to the revert being pushed. */
  secondsToAction?: number;
  steps: StepNote[];
  /**
   * The actions that failed while the pipeline went on (always present, empty when none): the
   * outcome's kind does not show them. A revert or pull request that threw is `kind: 'failed'` with
   * `error`, and a revert the engine did not push is in `revert`; neither is listed here.
   */
  failedActions: FailedAction[];
  error?: unknown;
}

interface Resolved {
  object: ObjectRef;
  trigger: TriggerKind;
  revision?: string;
  eventAt: string;
  alertTrigger: Alert['trigger'];
  alarmName?: string;
  /** Alertmanager left alerts out (`truncatedAlerts`): evidence that never reverts on its own. */
  evidenceIncomplete?: boolean;
}

const FAILURE_TRIGGERS: readonly TriggerKind[] = ['rollout-failed', 'follow-up', 'alarm'];
const MODES: readonly Mode[] = ['revert', 'pull-request', 'alert-only', 'off'];

function fluxTrigger(category: string, kind: string, reason: string): TriggerKind {
  switch (category) {
    case 'rollout-failed':
      return 'rollout-failed';
    case 'build-failed':
      return 'build-failed';
    case 'error':
      return 'flux-error';
    case 'succeeded':
      return 'succeeded';
    default:
      return kind === 'Kustomization' && reason === 'Progressing' ? 'applied' : 'other';
  }
}

/**
 * Definitive failure: the report's own flag when validation sets it. Flux's own verdict: Ready, or
 * failed (`HealthCheckFailed`) while it attempts the revision validated.
 */
function verdictFacts(report: ValidationReport, live?: LiveObject, revision?: string): VerdictFacts {
  const definitive = (report as { definitiveFailure?: boolean }).definitiveFailure === true;
  const facts: VerdictFacts = {
    verdict: report.verdict,
    definitive: report.verdict === 'fail' && definitive,
  };
  if (live?.ready) facts.fluxReady = live.ready.status === 'True';
  if (
    live?.ready?.status === 'False' &&
    live.ready.reason === 'HealthCheckFailed' &&
    revision !== undefined &&
    live.lastAttemptedRevision !== undefined &&
    sameCommit(live.lastAttemptedRevision, revision)
  ) {
    facts.fluxFailed = true;
  }
  return facts;
}

/** Evidence lines of the failing (else inconclusive) layers, for alerts. */
function evidenceLines(report: ValidationReport): string[] {
  const layers = Object.entries(report.layers);
  const worst = layers.filter(([, l]) => l.verdict === 'fail');
  const shown = worst.length > 0 ? worst : layers.filter(([, l]) => l.verdict === 'inconclusive');
  return shown.flatMap(([name, l]) => l.evidence.map((e) => `${name}: ${e.object} ${e.field}: ${e.value}`));
}

/**
 * The decision that replaces a revert the engine refused: a revert of a revert (the engine's
 * `revert-of-revert` refusal code: a commit the revert would undo, a merge commit's second parent
 * included, carries the `Fluxguard-Revert-Of` trailer) is the `revert-of-revert` guard's answer,
 * found late: critical, the breaker opens, a person decides. A redelivery that finds the refusal in
 * the ledger has no engine answer: the commits the worker read tell it then. Any other refusal
 * alerts with the engine's reason and changes nothing.
 */
function refusalDecision(git: GitFacts, sha: string, result: RevertResult | undefined): Decision {
  const why = result?.reason ?? `the ledger records the revert of ${shortSha(sha)} as refused`;
  const revertOfRevert =
    result?.refusal === 'revert-of-revert' || git.commits.some((c) => c.fluxguardRevert === true);
  if (revertOfRevert) {
    return {
      action: 'alert-only',
      reason: 'revert-failed',
      detail: `the revert itself failed; a person must decide: the revert engine refused: ${why}`,
      alert: { state: 'not-recovered', severity: 'critical' },
      openBreaker: true,
    };
  }
  return {
    action: 'alert-only',
    reason: 'revert-refused',
    detail: `confirmed failure, but the revert engine refused: ${why}; nothing was changed in git, a person decides`,
    alert: { state: 'failing', severity: 'critical' },
  };
}

/** Runs one incident input through the pipeline. Throws only to have the message retried. */
export async function processIncident(
  input: IncidentInput,
  meta: MessageMeta,
  deps: IncidentDeps,
): Promise<IncidentOutcome> {
  const now = deps.now ?? (() => new Date());
  const settings = deps.settings;
  const steps: StepNote[] = [];
  const note = (step: string, detail: string) => steps.push({ step, detail });
  const failedActions: FailedAction[] = [];
  /** Notes an action failure the pipeline absorbs, in the steps and in the outcome's failedActions. */
  const absorbed = (kind: FailedActionKind, step: string, detail: string, reason: string) => {
    note(step, detail);
    failedActions.push({ kind, reason });
  };
  const checkpoint = async (step: PipelineStep) => {
    await deps.checkpoint?.(step);
  };
  const outcome = (
    kind: OutcomeKind,
    code: string,
    extra: Partial<IncidentOutcome> = {},
  ): IncidentOutcome => ({
    kind,
    code,
    source: input.source,
    actions: [],
    steps,
    failedActions,
    ...extra,
  });

  /**
   * A message ignored before its object's lease: the decision goes in the outcome (the log line)
   * and, when the message names an object, in that object's decision log. An alarm that maps to no
   * object (or a source the worker does not handle) has no object to log under: the log line only.
   */
  const ignoredEarly = async (
    code: string,
    detail: string,
    about?: { cluster: string; kind: string; namespace: string; name: string },
  ): Promise<IncidentOutcome> => {
    note('resolve', detail);
    const decision: Decision = { action: 'ignore', reason: code, detail };
    if (about) {
      // The log is keyed by `cluster/Kind/namespace/name` whatever the kind (a GitRepository too).
      await deps.state.recordDecision(about as ObjectRef, {
        at: now().toISOString(),
        messageId: meta.messageId,
        source: input.source,
        trigger: 'other',
        action: decision.action,
        reason: code,
        detail,
      });
    }
    return outcome('ignored', code, { decision, ...(about ? { object: about as ObjectRef } : {}) });
  };

  // 1. Which object, which trigger.
  let resolved: Resolved;
  if (input.source === 'flux') {
    const { event, classification } = input.message;
    if (event.kind !== 'Kustomization' && event.kind !== 'HelmRelease') {
      return ignoredEarly(
        'not-a-rollout',
        `${event.kind} ${event.namespace}/${event.name}: ${classification.category}, not a rollout`,
        { cluster: event.cluster, kind: event.kind, namespace: event.namespace, name: event.name },
      );
    }
    // helm-controller's RollbackSucceeded names the version rolled back to; the failing one is the
    // version the HelmRelease attempts, read from the live object below.
    const rolledBack = event.kind === 'HelmRelease' && event.reason === 'RollbackSucceeded';
    const revision = rolledBack ? undefined : event.revision?.raw;
    resolved = {
      object: { cluster: event.cluster, kind: event.kind, namespace: event.namespace, name: event.name },
      trigger: fluxTrigger(classification.category, event.kind, event.reason),
      eventAt: event.timestamp,
      alertTrigger: { source: 'flux', reason: event.reason, message: event.message, at: event.timestamp },
      ...(revision ? { revision } : {}),
    };
  } else if (input.source === 'alarm') {
    const { alarm } = input;
    if (alarm.muted) {
      return ignoredEarly('alarm-muted', `alarm ${alarm.alarmName} is muted by a mute rule`);
    }
    const target = await deps.alarms.resolve(alarm);
    if (!target.ok) {
      return ignoredEarly('alarm-not-mapped', `alarm ${alarm.alarmName}: ${target.reason}`);
    }
    resolved = {
      object: target.object,
      trigger: alarm.state === 'ALARM' ? 'alarm' : alarm.state === 'OK' ? 'alarm-ok' : 'other',
      eventAt: alarm.at,
      alertTrigger: {
        source: 'alarm',
        reason: alarm.alarmName,
        message: alarm.reason,
        at: alarm.at,
        link: `https://console.aws.amazon.com/cloudwatch/home?region=${alarm.region}#alarmsV2:alarm/${encodeURIComponent(alarm.alarmName)}`,
      },
      alarmName: alarm.alarmName,
    };
  } else if (input.source === 'alertmanager') {
    // A Prometheus alert is an alarm whose rule's `for:` already confirmed it; `startsAt` is when it
    // fired, the moment the bake window is checked against.
    const message = input.alertmanager;
    const shown = message.alerts.find((a) => a.status === message.status) ?? message.alerts[0];
    const rule = shown?.alertname ?? 'alert';
    const at =
      message.status === 'firing'
        ? (shown?.startsAt ?? message.receivedAt)
        : (shown?.endsAt ?? message.receivedAt);
    resolved = {
      object: { cluster: message.cluster, ...message.target },
      trigger: message.status === 'firing' ? 'alarm' : 'alarm-ok',
      eventAt: at,
      alertTrigger: {
        source: 'alertmanager',
        reason: rule,
        at,
        ...(shown?.summary ? { message: shown.summary } : {}),
        ...(shown?.generatorURL ? { link: shown.generatorURL } : {}),
      },
      alarmName: `prometheus:${rule}`,
      ...(message.evidenceIncomplete ? { evidenceIncomplete: true } : {}),
    };
  } else if (input.source === 'follow-up') {
    const { followUp } = input;
    resolved = {
      object: { cluster: followUp.cluster, ...followUp.target },
      trigger: 'follow-up',
      revision: followUp.revision,
      eventAt: followUp.scheduledAt,
      alertTrigger: {
        source: 'follow-up',
        reason: `bake check ${followUp.check}`,
        at: followUp.scheduledAt,
      },
    };
  } else {
    // Every source of the union is handled above; a new one lands here until it is.
    return ignoredEarly(
      'unsupported-source',
      `${(input as { source: string }).source} messages are not handled by this worker yet`,
    );
  }
  const { object } = resolved;
  note(
    'resolve',
    `${objectKey(object)}: ${resolved.trigger}${resolved.revision ? ` at ${resolved.revision}` : ''}`,
  );

  // One message per object at a time, whatever its source: Flux events (one FIFO group per
  // object), follow-ups (a standard queue), alarms and Alertmanager (their own groups) all take the
  // object's lease. The last record of the run ends it; a redelivered message takes it again.
  // A holder is usually inside its confirmation window: wait for it a while before giving up.
  const lease = {
    owner: meta.messageId,
    until: await takeObjectLease(deps.state, object, meta.messageId, {
      leaseSeconds: settings.revertLeaseSeconds,
      maxWaitMs: settings.leaseWaitMs,
      ...(meta.remainingTimeMs ? { remainingTimeMs: meta.remainingTimeMs } : {}),
      sleep: deps.sleep ?? ((ms) => sleepFor(ms)),
      now,
    }),
  };
  let leaseEnded = false;
  try {
    return await run(resolved);
  } catch (error) {
    // A crash leaves the lease to expire (or to this message's redelivery), as a real one would.
    if (error instanceof InjectedCrash) leaseEnded = true;
    throw error;
  } finally {
    if (!leaseEnded) await deps.state.releaseLease(object, lease.owner);
  }

  async function run(r: Resolved): Promise<IncidentOutcome> {
    // 2. Context: the table, and the live object.
    const state = await deps.state.loadObject(object);
    let live: LiveObject | undefined;
    let liveError: string | undefined;
    try {
      live = await deps.cluster.readObject(object);
    } catch (error) {
      liveError = (error as Error).message;
    }
    const annotatedMode = live?.annotations[MODE_ANNOTATION];
    const mode: Mode = MODES.includes(annotatedMode as Mode) ? (annotatedMode as Mode) : settings.defaultMode;
    const bakeAnnotation = Number(live?.annotations[BAKE_ANNOTATION]);
    const bakeMinutes =
      Number.isFinite(bakeAnnotation) && bakeAnnotation >= 0 ? bakeAnnotation : settings.bakeMinutes;
    const at = now();
    note(
      'context',
      live
        ? `Flux attempts ${live.lastAttemptedRevision ?? '-'} (applied ${live.lastAppliedRevision ?? '-'}), Ready=${live.ready?.status ?? '?'}; mode ${mode}; last known good ${state.lastKnownGood?.revision ?? 'none'}`
        : `the live object could not be read: ${liveError}`,
    );

    const helmRolledBack =
      input.source === 'flux' &&
      object.kind === 'HelmRelease' &&
      input.message.event.reason === 'RollbackSucceeded';
    const open = state.incidents.filter((i) => !FINAL_STATES.includes(i.state));
    let revision = r.revision ?? (helmRolledBack ? live?.lastAttemptedRevision : undefined);
    let inBakeWindow = false;
    if (r.trigger === 'alarm' && state.applied) {
      const start = Date.parse(state.applied.appliedAt);
      const fired = Date.parse(r.eventAt);
      inBakeWindow = fired >= start && fired <= start + bakeMinutes * 60_000;
      if (inBakeWindow) revision = state.applied.revision;
    }
    const failingSha = shaOf(revision);
    // A HelmRelease's revision is its chart version: the incident is keyed on it, so helm-controller's
    // retries of one failed upgrade stay in one thread.
    const id =
      r.trigger === 'alarm' && !inBakeWindow
        ? incidentId(object, `alarm:${r.alarmName}:${r.eventAt}`)
        : incidentId(object, failingSha ?? revision ?? r.eventAt);
    let incident = state.incidents.find((i) => i.id === id);
    const alarmIncident = r.alarmName ? open.find((i) => i.alarmName === r.alarmName) : undefined;
    const awaiting = open.find(
      (i) => i.state === 'reverted' && (revision === undefined || !sameCommit(i.revision, revision)),
    );
    // The incidents no revert of fluxguard's answered (a revert pull request, a fix in flight, a dry
    // run, alert-only mode, the breaker, doubt) wait for a fix by people: a verified success of
    // another revision, the one Flux attempts now, resolves them (`fixedBy`). An alarm's incident
    // waits for its alarm's OK instead: a healthy rollout does not say the metric recovered.
    const awaitingFix = open.filter((i) => i.state !== 'reverted' && i.alarmName === undefined);
    // A HelmRelease whose Kustomization is already reverted: that incident answers this failure.
    const ownerName = live?.labels[KUSTOMIZATION_NAME_LABEL];
    const ownerNamespace = live?.labels[KUSTOMIZATION_NAMESPACE_LABEL];
    let kustomizationIncident: string | undefined;
    if (
      object.kind === 'HelmRelease' &&
      ownerName &&
      ownerNamespace &&
      FAILURE_TRIGGERS.includes(r.trigger)
    ) {
      const owner = await deps.state.loadObject({
        cluster: object.cluster,
        kind: 'Kustomization',
        namespace: ownerNamespace,
        name: ownerName,
      });
      kustomizationIncident = owner.incidents.find(
        (i) => i.state === 'reverting' || i.state === 'reverted',
      )?.id;
    }
    // helm-controller keeps retrying the failed version until it applies the reverted spec: those
    // failures belong to this HelmRelease's incident, already reverted, which watches the recovery.
    const ownReverted = state.incidents.find((i) => i.id === id && i.state === 'reverted');
    if (object.kind === 'HelmRelease' && ownReverted && FAILURE_TRIGGERS.includes(r.trigger)) {
      kustomizationIncident ??= ownReverted.id;
    }
    const ownRevertOf = open.find(
      (i) => i.revertCommit !== undefined && sameCommit(i.revertCommit, revision),
    );

    const facts: DecisionFacts = {
      trigger: r.trigger,
      now: at,
      eventAt: r.eventAt,
      staleMinutes: settings.staleMinutes,
      mode,
      dryRun: settings.dryRun,
      ...(revision ? { revision } : {}),
      ...(live ? { liveRevision: live.lastAttemptedRevision ?? live.lastAppliedRevision ?? '' } : {}),
      breaker: {
        open: state.breaker?.open === true,
        objectReverts: 0,
        objectMax: settings.breaker.maxPerObject,
        clusterReverts: 0,
        clusterMax: settings.breaker.maxPerCluster,
      },
      isOwnRevert: ownRevertOf !== undefined,
      newerCommitInScope: false,
      ledgerPending: false,
      awaitingRecovery: awaiting !== undefined,
      awaitingFix: awaitingFix.map((i) => i.revision),
      alarmIncidentOpen: alarmIncident !== undefined,
      ...(kustomizationIncident ? { kustomizationIncident } : {}),
      inBakeWindow,
      bakeChecksLeft: false,
    };
    if (r.trigger === 'follow-up' && input.source === 'follow-up') {
      const end = Date.parse(input.followUp.appliedAt) + bakeMinutes * 60_000;
      facts.bakeChecksLeft = at.getTime() + settings.followUpSeconds * 1000 < end;
    } else if (r.trigger === 'succeeded' && revision && bakeMinutes > 0) {
      // A success validation cannot verify at once (a timeout, a status not yet updated) is checked
      // again, unless the bake window of its applied revision already watches it: otherwise a
      // HelmRelease (no applied event, an interval of an hour) would wait that long to be known good.
      const applied = state.applied;
      const baking =
        applied !== undefined &&
        (applied.revision === revision || sameCommit(applied.revision, revision)) &&
        at.getTime() < Date.parse(applied.appliedAt) + bakeMinutes * 60_000;
      facts.bakeChecksLeft = !baking;
    }

    // 3. Guards that need no validation, then validation.
    const failureTrigger = FAILURE_TRIGGERS.includes(r.trigger) && !(r.trigger === 'alarm' && !inBakeWindow);
    let report: ValidationReport | undefined;
    let decision: Decision | undefined = failureTrigger
      ? firstBlocking(PRE_VALIDATION_GUARDS, facts)
      : undefined;
    if (!decision && r.trigger === 'alarm' && inBakeWindow) {
      facts.verdict = { verdict: 'fail', definitive: true };
      if (r.evidenceIncomplete) {
        facts.verdict = { verdict: 'inconclusive', definitive: false };
        note('validate', 'Alertmanager truncated the alerts: incomplete evidence never reverts on its own');
      } else if (input.source === 'alertmanager' && live) {
        // The rule confirmed the failure; a rollout still in progress is not yet the revision's fault.
        report = await deps.cluster.validate({
          target: { kind: object.kind, namespace: object.namespace, name: object.name },
          ...(revision ? { revision } : {}),
          checks: 1,
          intervalMs: 0,
        });
        note('validate', report.summary.split('\n')[0] ?? report.verdict);
        if (report.layers.rollout.checks.at(-1) === 'pending') {
          facts.verdict = { verdict: 'pending', definitive: false };
        }
      }
    } else if (!decision && (failureTrigger || r.trigger === 'succeeded') && live) {
      report = await deps.cluster.validate({
        target: { kind: object.kind, namespace: object.namespace, name: object.name },
        ...(revision ? { revision } : {}),
        checks: r.trigger === 'succeeded' ? 1 : settings.confirmChecks,
        intervalMs: settings.confirmIntervalMs,
      });
      facts.verdict = verdictFacts(report, live, revision);
      note('validate', report.summary.split('\n')[0] ?? report.verdict);
      if (helmRolledBack && facts.verdict.verdict !== 'fail') {
        // The cluster runs the previous release again, but git still declares the failed version:
        // helm-controller's own rollback is the confirmation.
        facts.verdict = { verdict: 'fail', definitive: true };
        note(
          'validate',
          'helm-controller already rolled back in the cluster; git still declares the failed version',
        );
      }
    }

    // 4. What git says, only when a revert is on the table.
    let target: RevertTarget | undefined;
    let git: GitGateway | undefined;
    let gitFacts: GitFacts | undefined;
    let ledger: LedgerEntry | undefined;
    decision ??= decide(facts);
    let gitSha = failingSha;
    if ((decision.action === 'revert' || decision.action === 'pull-request') && live) {
      try {
        target = await deps.cluster.revertTarget(live);
        // A HelmRelease's revision is a chart version: the commit is the one its Kustomization attempts.
        if (object.kind === 'HelmRelease') gitSha = shaOf(target.revision);
        if (!gitSha) throw new Error(`no Git commit is known for ${revision ?? 'this event'}`);
        git = await deps.git(target.source.url);
        ledger = {
          repository: git.repository,
          sha: gitSha,
          object,
          status: 'pending',
          incidentId: id,
          at: at.toISOString(),
        };
        const windows = settings.breaker;
        const [counts, inspected] = await Promise.all([
          deps.state.countReverts(object, {
            object: new Date(
              Math.max(
                at.getTime() - windows.objectWindowHours * 3_600_000,
                Date.parse(state.breaker?.resetAt ?? '1970-01-01T00:00:00Z'),
              ),
            ),
            cluster: new Date(at.getTime() - windows.clusterWindowHours * 3_600_000),
          }),
          git.inspect({
            branch: target.source.branch,
            failing: gitSha,
            // A HelmRelease's last known good is a chart version, not a commit git can compare.
            ...(state.lastKnownGood && isCommitSha(state.lastKnownGood.sha)
              ? { lastKnownGood: state.lastKnownGood.sha }
              : {}),
            scope: target.path,
          }),
        ]);
        gitFacts = inspected;
        facts.breaker.objectReverts = counts.object;
        facts.breaker.clusterReverts = counts.cluster;
        facts.newerCommitInScope = inspected.newerInScope.length > 0;
        facts.ledgerPending = inspected.alreadyReverted;
        note(
          'git',
          `${git.repository} ${target.source.branch}, path ${target.path}: revert to ${shortSha(inspected.good)} (${inspected.goodSource}); ${inspected.commits.length} commit(s) by ${[...new Set(inspected.commits.map((c) => c.authorLogin ?? c.author ?? '?'))].join(', ')}${inspected.newerInScope.length > 0 ? `; newer in scope: ${inspected.newerInScope.map((c) => shortSha(c.sha)).join(', ')}` : ''}`,
        );
      } catch (error) {
        note('git', `the revert target could not be read: ${(error as Error).message}`);
        decision = {
          action: 'alert-only',
          reason: 'revert-target-unknown',
          detail: `confirmed failure, but where to revert is unknown: ${(error as Error).message}`,
          alert: { state: 'failing', severity: 'critical' },
        };
      }
      if (gitFacts) decision = decide(facts);
    }
    if (helmRolledBack && (decision.action === 'revert' || decision.action === 'pull-request')) {
      decision = {
        ...decision,
        detail: `${decision.detail}; helm-controller already rolled back in the cluster, but git still declares the failed version, so it is reverted in git all the same`,
      };
    }
    note('decide', `${decision.action} (${decision.reason}): ${decision.detail}`);

    // 5. Act.
    const actions: IncidentAction[] = [...(incident?.actions ?? [])];
    let alertState: AlertState | undefined = decision.alert?.state;
    let severity = decision.alert?.severity ?? 'info';
    let kind: OutcomeKind = decision.alert ? 'alerted' : 'ignored';
    let revertResult: RevertResult | undefined;
    let secondsToAction: number | undefined;
    let failure: unknown;
    /** Set by a pushed revert: the reapply pull request to open once the alert is out. */
    let reapply: (() => Promise<void>) | undefined;
    /**
     * Shown in this alert only, not kept on the incident: the reapply pull request's branch while it
     * is being opened, and a reconcile request that failed (with the commands to do it by hand).
     */
    const alertOnly: IncidentAction[] = [];
    const touched = new Set<string>();
    const stamp = at.toISOString();
    const newIncident = (): IncidentRecord => ({
      id,
      object,
      state: 'open',
      trigger: {
        source: input.source,
        reason: r.alertTrigger.reason,
        at: r.alertTrigger.at,
      },
      revision: revision ?? '',
      actions: [],
      threadId: id,
      openedAt: stamp,
      updatedAt: stamp,
      failedAt: r.eventAt,
      ...(r.alarmName ? { alarmName: r.alarmName } : {}),
    });

    if (decision.action === 'revert' || decision.action === 'pull-request') {
      incident ??= newIncident();
      incident.state = 'reverting';
      touched.add('incident');
      if (git && target && gitFacts && ledger && gitSha) {
        try {
          const result = await act(git, target, gitFacts, ledger, gitSha, decision.action);
          revertResult = result.revert;
          alertState = result.alertState;
          severity = result.severity;
          kind = result.kind;
          secondsToAction = result.secondsToAction;
          if (result.refused) {
            // The engine would not revert: what people hear is that refusal and its reason, not
            // "reverting in git"; a revert of a revert is the guard's case, found late.
            decision = result.refused;
            note('decide', `${decision.action} (${decision.reason}): ${decision.detail}`);
            if (decision.openBreaker) await deps.state.openBreaker(object, decision.detail, at);
          }
        } catch (error) {
          if (error instanceof ObjectBusyError || error instanceof InjectedCrash) throw error;
          failure = error;
          kind = 'failed';
          alertState = 'failing';
          severity = 'critical';
          incident.state = 'open';
          note('act', `failed: ${(error as Error).message}`);
        }
      }
    } else if (decision.action === 'alert-only') {
      if (decision.openBreaker) await deps.state.openBreaker(object, decision.detail, at);
      if (decision.reason === 'revert-failed' && ownRevertOf) {
        incident = ownRevertOf;
        incident.state = 'failed';
        touched.add('incident');
      } else if (decision.alert) {
        incident ??= newIncident();
        touched.add('incident');
      }
    } else if (decision.action === 'record-known-good' && revision) {
      await deps.state.putKnownGood(object, { revision, sha: shaOf(revision) ?? revision, at: stamp });
      note('record', `last known good: ${revision}`);
      kind = 'recorded';
      const fixed =
        decision.reason === 'recovered'
          ? awaitingFix.filter((i) => fixedBy(i.revision, revision, facts.liveRevision))
          : [];
      const resolved = [...(awaiting ? [awaiting] : []), ...fixed];
      if (resolved[0]) {
        incident = resolved[0];
        incident.state = 'recovered';
        incident.recoveredAt = stamp;
        touched.add('incident');
        kind = 'alerted';
      }
      // Any other incident the same revision fixed resolves in its own thread.
      for (const other of resolved.slice(1)) await recoverFixed(other, revision, decision);
      if (object.kind === 'Kustomization' && report) await recoverReleases(report, revision, decision);
    } else if (
      r.trigger === 'succeeded' &&
      object.kind === 'Kustomization' &&
      report?.verdict === 'pass' &&
      revision
    ) {
      // Whatever the Kustomization's own mode (`off` included), its HelmReleases' incidents reverted
      // by this commit recover with it.
      await recoverReleases(report, revision, decision);
    }
    if (decision.action === 'schedule-follow-up' && revision) {
      const appliedAt = input.source === 'follow-up' ? input.followUp.appliedAt : r.eventAt;
      if (r.trigger === 'applied') {
        await deps.state.putApplied(object, { revision, sha: shaOf(revision) ?? revision, appliedAt });
      }
      const check = input.source === 'follow-up' ? input.followUp.check + 1 : 1;
      await deps.followUps.schedule(
        followUpMessage({
          cluster: object.cluster,
          target: { kind: object.kind, namespace: object.namespace, name: object.name },
          revision,
          appliedAt,
          check,
          now: at,
        }),
        settings.followUpSeconds,
      );
      note('schedule', `follow-up check ${check} in ${settings.followUpSeconds} s (bake ${bakeMinutes} min)`);
      kind = 'recorded';
    } else if (decision.action === 'resolve' && alarmIncident) {
      incident = alarmIncident;
      incident.state = 'recovered';
      incident.recoveredAt = stamp;
      touched.add('incident');
    }

    // 6. Alert, unless it repeats the incident's last state.
    let alert: Alert | undefined;
    if (alertState && incident) {
      const context: AlertContext = {
        settings,
        incident,
        state: alertState,
        severity,
        trigger: r.alertTrigger,
        decision,
        actions: [...actions, ...alertOnly],
        at,
        ...(report ? { report } : {}),
        ...(gitFacts ? { git: gitFacts } : {}),
        ...(target ? { target } : {}),
        ...(revision ? { revision } : {}),
        ...(revertResult ? { revert: revertResult } : {}),
        ...(facts.verdict && !report ? { verdict: facts.verdict.verdict } : {}),
        ...(failure ? { failure: (failure as Error).message } : {}),
      };
      if (incident.alertState === alertState) {
        note('alert', `${alertState}: already sent for this incident`);
      } else {
        alert = buildAlert(context);
        await deps.alerts.publish(alert);
        await checkpoint('alert-published');
        incident.alertState = alertState;
        touched.add('incident');
        note('alert', `${alertState} (${severity}) published to thread ${incident.threadId}`);
      }
    }

    // 7. Record: the incident, the decision and (unless a reapply pull request follows) the end of
    // the lease, in one write.
    const recordedIncident = incident && touched.has('incident') ? incident : undefined;
    if (recordedIncident) {
      recordedIncident.actions = actions;
      recordedIncident.updatedAt = stamp;
      if (report) recordedIncident.validation = report.reason;
    }
    await deps.state.record(
      object,
      {
        ...(recordedIncident ? { incident: recordedIncident } : {}),
        decision: {
          at: stamp,
          messageId: meta.messageId,
          source: input.source,
          trigger: r.trigger,
          action: decision.action,
          reason: decision.reason,
          detail: decision.detail,
          ...(revision ? { revision } : {}),
          ...(incident ? { incidentId: incident.id } : {}),
          ...(facts.verdict ? { verdict: facts.verdict.verdict } : {}),
        },
        ...(reapply ? {} : { lease }),
      },
      now(),
    );
    leaseEnded = reapply === undefined;
    await checkpoint('recorded');

    // 8. The reapply pull request, after the alert (which linked its branch), then its link recorded.
    if (reapply && incident) {
      await reapply();
      await checkpoint('reapply-opened');
      incident.actions = actions;
      incident.updatedAt = now().toISOString();
      await deps.state.record(object, { incident, lease }, now());
      leaseEnded = true;
      await checkpoint('reapply-recorded');
    }

    return outcome(kind, failure ? 'action-failed' : decision.reason, {
      object,
      trigger: r.trigger,
      decision,
      actions,
      ...(revision ? { revision } : {}),
      ...(incident ? { incidentId: incident.id } : {}),
      ...(report
        ? { verdict: { verdict: report.verdict, reason: report.reason, summary: report.summary } }
        : {}),
      ...(revertResult
        ? {
            revert: {
              outcome: revertResult.outcome,
              reason: revertResult.reason,
              ...(revertResult.refusal ? { refusal: revertResult.refusal } : {}),
              ...(revertResult.commitSha ? { commitSha: revertResult.commitSha } : {}),
              ...(revertResult.commitUrl ? { commitUrl: revertResult.commitUrl } : {}),
              ...(revertResult.pullRequestUrl ? { pullRequestUrl: revertResult.pullRequestUrl } : {}),
            },
          }
        : {}),
      ...(alert ? { alert } : {}),
      ...(secondsToAction !== undefined ? { secondsToAction } : {}),
      ...(failure ? { error: failure } : {}),
    });

    /**
     * The HelmReleases of a Kustomization healthy on fluxguard's revert: their incidents reverted by
     * that commit recover with it (helm-controller may settle on the good chart without an event).
     */
    async function recoverReleases(passing: ValidationReport, good: string, why: Decision): Promise<void> {
      for (const release of passing.releases) {
        const ref: ObjectRef = { cluster: object.cluster, kind: 'HelmRelease', ...release };
        const { incidents } = await deps.state.loadObject(ref);
        for (const reverted of incidents.filter(
          (i) => i.state === 'reverted' && i.revertCommit !== undefined && sameCommit(i.revertCommit, good),
        )) {
          await recoverFixed(reverted, good, why, ref);
        }
      }
    }

    /**
     * Resolves one more incident that `good` fixed, with its own alert in its thread: of this
     * object, or of a `release` this Kustomization applies.
     */
    async function recoverFixed(
      fixed: IncidentRecord,
      good: string,
      why: Decision,
      release?: ObjectRef,
    ): Promise<void> {
      fixed.state = 'recovered';
      fixed.recoveredAt = stamp;
      fixed.updatedAt = stamp;
      if (fixed.alertState !== 'recovered') {
        await deps.alerts.publish(
          buildAlert({
            settings,
            incident: fixed,
            state: 'recovered',
            severity: 'info',
            trigger: r.alertTrigger,
            decision: why,
            actions: fixed.actions,
            at,
            ...(report ? { report } : {}),
            revision: good,
          }),
        );
        fixed.alertState = 'recovered';
      }
      await deps.state.putIncident(fixed);
      note(
        'record',
        release
          ? `${objectKey(release)} recovered with ${objectKey(object)} at ${good} (incident ${fixed.id})`
          : `${objectKey(object)} recovered at ${good} (incident ${fixed.id})`,
      );
    }

    /**
     * Whether the failing commit came from image automation (its author is an
     * ImageUpdateAutomation's commit author, or it changed lines that carry `$imagepolicy` markers
     * in a repository an automation writes to), and what it updated. Any doubt: not automation.
     */
    async function imageAutomation(
      gitGateway: GitGateway,
      where: RevertTarget,
      facts2: GitFacts,
      sha: string,
    ): Promise<{ automation: ImageAutomationRef; updates: ImageUpdateFacts[] } | undefined> {
      const author = facts2.commits.at(-1)?.author;
      try {
        const automations = await deps.cluster.imageUpdateAutomations(where.source.namespace);
        const byAuthor = author ? automations.find((a) => a.authorName === author) : undefined;
        const forSource = automations.filter(
          (a) =>
            (a.source?.name ?? where.source.name) === where.source.name &&
            (a.source?.namespace ?? where.source.namespace) === where.source.namespace,
        );
        const automation = byAuthor ?? forSource[0];
        if (!automation) return undefined;
        const updates = await gitGateway.imageUpdates({ good: facts2.good, failing: sha });
        // Not the automation's author: a changed `$imagepolicy` line is still an image update, and the
        // automation would push the newest tag again at its next pass unless the policy excludes it.
        if (!byAuthor && updates.length === 0) return undefined;
        note(
          'image-automation',
          byAuthor
            ? `${shortSha(sha)} was pushed by ImageUpdateAutomation ${automation.namespace}/${automation.name}: ${updates.map((u) => `${u.policy.name} ${u.tag}${u.policyFile ? ` (${u.policyFile})` : ' (policy file not found)'}`).join(', ') || 'no marker changed'}`
            : `${shortSha(sha)} changed $imagepolicy lines that ImageUpdateAutomation ${automation.namespace}/${automation.name} manages: ${updates.map((u) => `${u.policy.name} ${u.tag}${u.policyFile ? ` (${u.policyFile})` : ' (policy file not found)'}`).join(', ')}`,
        );
        return { automation, updates };
      } catch (error) {
        note('image-automation', `not checked: ${(error as Error).message}`);
        return undefined;
      }
    }

    /** Ledger → revert → ledger → count → reconcile → reapply. */
    async function act(
      gitGateway: GitGateway,
      where: RevertTarget,
      facts2: GitFacts,
      entry: LedgerEntry,
      sha: string,
      action: 'revert' | 'pull-request',
    ): Promise<{
      revert?: RevertResult;
      alertState: AlertState;
      severity: Alert['severity'];
      kind: OutcomeKind;
      secondsToAction?: number;
      /** The engine refused: the decision that replaces the revert (alert only, with its reason). */
      refused?: Decision;
    }> {
      const current = incident as IncidentRecord;
      const incidentContext = {
        id,
        cluster: object.cluster,
        kustomization: `${where.kustomization.namespace}/${where.kustomization.name}`,
        layer: r.alertTrigger.source === 'alarm' ? 'alarm' : (report?.reason ?? r.alertTrigger.reason),
        evidence: (report ? evidenceLines(report)[0] : r.alertTrigger.message) ?? r.alertTrigger.reason,
      };
      if (settings.dryRun) {
        const planned = await gitGateway.revert({
          branch: where.source.branch,
          failing: sha,
          good: facts2.good,
          scope: [where.path],
          mode: 'dry-run',
          incident: incidentContext,
        });
        note('act', `dry run: ${planned.reason}`);
        return { revert: planned, alertState: 'reverting', severity: 'critical', kind: 'acted' };
      }
      // Whether image automation made the commit is read while the ledger is written (reads only).
      const [begun, detected] = await Promise.all([
        deps.state.beginRevert(entry, new Date(now().getTime() + settings.revertLeaseSeconds * 1000), now()),
        imageAutomation(gitGateway, where, facts2, sha),
      ]);
      if (begun.kind === 'busy') {
        throw new ObjectBusyError(
          `the revert of ${shortSha(sha)} in ${entry.repository} is being pushed by another worker`,
        );
      }
      let result: RevertResult | undefined;
      let done: LedgerEntry | undefined;
      let automation: Awaited<ReturnType<typeof imageAutomation>>;
      if (begun.kind === 'done') {
        done = begun.entry;
        note(
          'act',
          `the ledger already holds ${done.status} ${done.commit ?? done.url ?? ''}: nothing pushed again`,
        );
      } else {
        await checkpoint('ledger-pending');
        automation = detected;
        const edits = (automation?.updates ?? []).flatMap((u) =>
          u.policyFile
            ? [
                {
                  path: u.policyFile,
                  edit: (content: string) => excludeVersion(content, u.policy.name, u.tag),
                },
              ]
            : [],
        );
        result = await gitGateway.revert({
          branch: where.source.branch,
          failing: sha,
          good: facts2.good,
          scope: [where.path],
          mode: action === 'pull-request' ? 'pull-request' : 'direct',
          incident: incidentContext,
          ...(edits.length > 0 ? { edits } : {}),
        });
        await checkpoint('reverted');
        note('act', `${result.outcome}: ${result.reason}`);
        if (result.retryable) {
          // Other reverts of the repository kept moving the branch: nothing was written, so the
          // ledger entry goes and the message is delivered again, instead of a refusal that stays.
          await deps.state.abandonRevert(entry);
          throw new ObjectBusyError(`${result.reason}; the revert of ${shortSha(sha)} is retried`);
        }
        const status =
          result.outcome === 'reverted' || result.outcome === 'already-reverted'
            ? 'pushed'
            : result.outcome === 'pull-request-opened'
              ? 'pull-request'
              : 'refused';
        done = {
          ...entry,
          status,
          at: now().toISOString(),
          ...(result.commitSha ? { commit: result.commitSha } : {}),
          ...(result.pullRequestUrl
            ? { url: result.pullRequestUrl }
            : result.commitUrl
              ? { url: result.commitUrl }
              : {}),
        };
        // The ledger's completion and the breaker's count are independent items: written together.
        await Promise.all([
          deps.state.completeRevert(done),
          done.status === 'pushed' ? deps.state.recordRevert(object, now(), id) : undefined,
        ]);
        await checkpoint('ledger-done');
        if (done.status === 'pushed') await checkpoint('counted');
      }
      if (begun.kind === 'done' && done.status === 'pushed') {
        // Idempotent per incident: a retry after a crash anywhere counts the revert exactly once.
        await deps.state.recordRevert(object, now(), id);
        await checkpoint('counted');
      }
      if (done.status === 'refused') {
        current.state = 'failed';
        const refused = refusalDecision(facts2, sha, result);
        return {
          ...(result ? { revert: result } : {}),
          alertState: refused.alert?.state ?? 'failing',
          severity: 'critical',
          kind: 'alerted',
          refused,
        };
      }
      if (done.status === 'pull-request') {
        current.state = 'reverting';
        if (done.url && !actions.some((a) => a.url === done.url)) {
          actions.push({ kind: 'pull-request', label: 'Revert pull request', url: done.url });
        }
        return {
          ...(result ? { revert: result } : {}),
          alertState: 'pull-request-opened',
          severity: 'critical',
          kind: 'acted',
        };
      }
      if (automation && done.status === 'pushed') {
        const excluded = automation.updates.filter((u) => u.policyFile);
        for (const u of excluded) {
          actions.push({
            kind: 'image-policy-exclusion',
            label: `ImagePolicy ${u.policy.namespace}/${u.policy.name} excludes ${u.tag} (${u.policyFile}), in the revert commit`,
          });
        }
        if (excluded.length === 0 || excluded.length < automation.updates.length) {
          const { namespace, name } = automation.automation;
          try {
            await deps.cluster.suspendImageUpdateAutomation(namespace, name);
            actions.push({
              kind: 'automation-suspended',
              label: `Suspended ImageUpdateAutomation ${namespace}/${name} (the bad version could not be excluded in git); resume: flux resume image update ${name} -n ${namespace}`,
            });
          } catch (error) {
            const message = (error as Error).message;
            absorbed(
              'suspend-image-update-automation',
              'image-automation',
              `could not suspend ${namespace}/${name}: ${message}`,
              message,
            );
          }
        }
      }
      // Pushed: ask Flux to act now, then open the reapply pull request.
      const commit = done.commit ?? result?.commitSha;
      current.state = 'reverted';
      if (commit) current.revertCommit = commit;
      const seconds = (now().getTime() - Date.parse(r.eventAt)) / 1000;
      if (commit && !actions.some((a) => a.kind === 'revert-commit')) {
        actions.push({
          kind: 'revert-commit',
          label: `Revert commit ${shortSha(commit)}`,
          url: result?.commitUrl ?? `${gitGateway.webUrl}/commit/${commit}`,
        });
      }
      const reconcile: ReconcileRef[] = [
        { kind: 'GitRepository', namespace: where.source.namespace, name: where.source.name },
        { kind: 'Kustomization', namespace: where.kustomization.namespace, name: where.kustomization.name },
        ...(object.kind === 'HelmRelease'
          ? [{ kind: 'HelmRelease' as const, namespace: object.namespace, name: object.name }]
          : []),
      ];
      try {
        await deps.cluster.requestReconcile(reconcile, now());
        if (!actions.some((a) => a.kind === 'reconcile')) {
          actions.push({
            kind: 'reconcile',
            label: `Asked Flux to reconcile ${reconcile.map((o) => `${o.kind}/${o.namespace}/${o.name}`).join(', ')}`,
          });
        }
        note('reconcile', reconcile.map((o) => `${o.kind}/${o.namespace}/${o.name}`).join(' → '));
      } catch (error) {
        const message = (error as Error).message;
        absorbed(
          'reconcile',
          'reconcile',
          `failed (Flux reconciles on its own interval): ${message}`,
          message,
        );
        alertOnly.push({
          kind: 'reconcile',
          label: `Could not ask Flux to reconcile (${(error as Error).message}); Flux applies the revert at its next interval, or now: flux reconcile source git ${where.source.name} -n ${where.source.namespace} && flux reconcile kustomization ${where.kustomization.name} -n ${where.kustomization.namespace}`,
        });
      }
      await checkpoint('reconciled');
      if (settings.reapplyPullRequest && commit && !actions.some((a) => a.kind === 'reapply-pull-request')) {
        const branch = reapplyBranch(sha, incidentContext.kustomization);
        alertOnly.push({
          kind: 'reapply-pull-request',
          label: `Reapply pull request (draft, being opened from ${branch})`,
          url: `${gitGateway.webUrl}/compare/${where.source.branch}...${branch}`,
        });
        reapply = async () => {
          try {
            const pr = await gitGateway.openReapplyPullRequest({
              branch: where.source.branch,
              ...(result ? { revert: result } : {}),
              revertCommit: commit,
              failing: sha,
              incident: incidentContext,
            });
            if (pr.outcome === 'opened') {
              actions.push({
                kind: 'reapply-pull-request',
                label: `Reapply pull request #${pr.number}`,
                url: pr.url,
              });
              note('reapply', pr.url);
            } else if (pr.outcome === 'refused') {
              absorbed(
                'reapply-pull-request',
                'reapply',
                `the revert library refused the reapply pull request: ${pr.reason}`,
                `refused: ${pr.reason}`,
              );
            } else {
              note('reapply', `nothing to reapply: ${pr.reason}`);
            }
          } catch (error) {
            const message = (error as Error).message;
            absorbed(
              'reapply-pull-request',
              'reapply',
              `the reapply pull request could not be opened: ${message}`,
              message,
            );
          }
        };
      }
      return {
        ...(result ? { revert: result } : {}),
        alertState: 'reverted',
        severity: 'critical',
        kind: 'acted',
        secondsToAction: seconds,
      };
    }
  }
}
