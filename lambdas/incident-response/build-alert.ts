/**
 * Builds the {@link Alert} for an incident state change from what the pipeline learned: the
 * trigger, the validation evidence, the revision with its author, subject and compare link (from
 * the comparison the worker already made), what was done with links, and next steps as commands.
 * Pure.
 *
 * @module
 */
import type { Alert, AlertSeverity, AlertState } from '../alerts/index.js';
import type { ValidationReport } from '../cluster/index.js';
import type { RevertResult } from '../revert/index.js';
import type { RevertTarget } from './cluster-gateway.js';
import type { Decision } from './decision.js';
import type { GitFacts } from './git-gateway.js';
import { type IncidentAction, type IncidentRecord, shaOf, targetLabel } from './model.js';
import type { IncidentSettings } from './settings.js';

/** Everything an alert is built from. */
export interface AlertContext {
  settings: Pick<IncidentSettings, 'environment' | 'dryRun'>;
  incident: IncidentRecord;
  state: AlertState;
  severity: AlertSeverity;
  trigger: Alert['trigger'];
  decision: Decision;
  actions: readonly IncidentAction[];
  at: Date;
  report?: ValidationReport;
  /** The verdict when there is no report (an alarm is its own verdict). */
  verdict?: 'pass' | 'fail' | 'inconclusive' | 'pending';
  git?: GitFacts;
  target?: RevertTarget;
  revision?: string;
  revert?: RevertResult;
  failure?: string;
}

const MAX_EVIDENCE = 20;

function evidence(report: ValidationReport): string[] {
  const layers = Object.entries(report.layers);
  const failing = layers.filter(([, l]) => l.verdict !== 'pass');
  return failing
    .flatMap(([name, l]) => l.evidence.map((e) => `${name}: ${e.object} ${e.field}: ${e.value}`))
    .slice(0, MAX_EVIDENCE);
}

/** The first 7 characters of a full commit sha, as git abbreviates it; anything else as given. */
function short(sha: string): string {
  return /^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 7) : sha;
}

/** The engine's refusal, when it refused the revert. */
function refusal(c: AlertContext): string | undefined {
  return c.revert?.outcome === 'refused' ? c.revert.reason : undefined;
}

/**
 * What the alert lists as done: the actions of this state change; a recovery, which takes none of
 * its own, lists what fluxguard did in the incident (revert commit, pull requests, reconcile).
 */
function actionsOf(c: AlertContext): readonly IncidentAction[] {
  if (c.actions.length > 0 || c.state !== 'recovered') return c.actions;
  return c.incident.actions;
}

/** The git command that shows what a revert would undo (or the failing commit alone). */
function inspectCommand(c: AlertContext): string | undefined {
  const failing = c.revert?.failing ?? shaOf(c.incident.revision) ?? shaOf(c.revision);
  if (!failing) return undefined;
  const good = c.revert?.good ?? c.git?.good;
  return good
    ? `Inspect the commits a revert would undo: git log --stat ${short(good)}..${short(failing)}`
    : `Inspect the failing commit: git show --stat ${short(failing)}`;
}

function nextSteps(c: AlertContext): string[] {
  const o = c.incident.object;
  const flux = o.kind === 'Kustomization' ? 'kustomization' : 'helmrelease';
  const get = `flux get ${flux === 'kustomization' ? 'kustomizations' : 'helmreleases'} -n ${o.namespace} ${o.name}`;
  const validate = `npx fluxguard validate ${flux === 'kustomization' ? 'ks' : 'hr'}/${o.namespace}/${o.name}${c.revision ? ` --revision ${c.revision}` : ''}`;
  const done = actionsOf(c);
  const reapply = done.find((a) => a.kind === 'reapply-pull-request');
  switch (c.state) {
    case 'reverted':
      return [
        `Watch the recovery: ${get}`,
        ...(reapply?.url ? [`Fix forward from the reapply pull request: ${reapply.url}`] : []),
        `Automatic reverts are counted: npx fluxguard status`,
      ];
    case 'pull-request-opened':
      return [
        `Review and merge the revert pull request`,
        `flux reconcile source git ${c.target?.source.name ?? 'flux-system'} -n ${c.target?.source.namespace ?? 'flux-system'}`,
      ];
    case 'recovered': {
      const pull = done.find((a) => a.kind === 'pull-request');
      return [
        reapply?.url
          ? `Nothing to do here; fix forward from the reapply pull request: ${reapply.url}`
          : `Nothing to do`,
        ...(pull?.url && c.incident.revertCommit === undefined
          ? [`Close the revert pull request if it is still open: ${pull.url}`]
          : []),
      ];
    }
    case 'breaker-open':
      return [
        `Find out why this object keeps failing: ${validate}`,
        `Re-enable automatic reverts: npx fluxguard breaker reset ${targetLabel(o)}`,
      ];
    case 'not-recovered': {
      const inspect = inspectCommand(c);
      return refusal(c) !== undefined
        ? [
            `The revert would undo a fluxguard revert: a person decides whether to undo it`,
            ...(inspect ? [inspect] : []),
            validate,
            `Re-enable automatic reverts once a person decided: npx fluxguard breaker reset ${targetLabel(o)}`,
          ]
        : [
            `The revert did not recover the rollout (or the failing commit is itself a revert): a person decides`,
            ...(inspect ? [inspect] : []),
            validate,
            `After fixing: npx fluxguard breaker reset ${targetLabel(o)}`,
          ];
    }
    case 'not-caused-by-deploy':
      return [`Look at the alarm: ${c.trigger.link ?? c.trigger.reason}`, get];
    default: {
      const inspect = refusal(c) !== undefined ? inspectCommand(c) : undefined;
      return [
        ...(inspect ? [inspect] : []),
        validate,
        get,
        `flux logs --kind=${o.kind} --name=${o.name} -n ${o.namespace}`,
      ];
    }
  }
}

/** Seconds from the failure to the recovery, when both are known. */
function recoverySeconds(incident: IncidentRecord): number | undefined {
  if (!incident.recoveredAt) return undefined;
  const seconds = Math.round((Date.parse(incident.recoveredAt) - Date.parse(incident.failedAt)) / 1000);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/**
 * The alert for one state change.
 *
 * @example
 * ```ts
 * const alert = buildAlert({ settings, incident, state: 'reverted', severity: 'critical', ... });
 * await publisher.publish(alert);
 * ```
 */
export function buildAlert(c: AlertContext): Alert {
  const { incident } = c;
  const o = incident.object;
  const refused = refusal(c);
  const done = actionsOf(c);
  let reason = c.failure ? `${c.decision.detail}; the action failed: ${c.failure}` : c.decision.detail;
  if (c.state === 'recovered') {
    const seconds = recoverySeconds(incident);
    const at = c.revision ? ` at ${short(shaOf(c.revision) ?? c.revision)}` : '';
    if (seconds !== undefined) reason = `${reason}; recovered${at}, ${seconds} s after the failure`;
  }
  const alert: Alert = {
    version: 1,
    incidentId: incident.id,
    state: c.state,
    severity: c.severity,
    cluster: o.cluster,
    environment: c.settings.environment,
    target: { kind: o.kind, namespace: o.namespace, name: o.name },
    trigger: { ...c.trigger },
    actions:
      done.length > 0
        ? done.map((a) => ({ ...a }))
        : [
            {
              kind: 'none',
              label: refused ? `No change made: the revert engine refused: ${refused}` : 'No change made',
            },
          ],
    nextSteps: nextSteps(c),
    decision: { action: c.decision.action, reason },
    occurredAt: c.at.toISOString(),
    failedAt: incident.failedAt,
  };
  if (c.report) {
    alert.verdict = { verdict: c.report.verdict, summary: c.report.reason, evidence: evidence(c.report) };
  } else if (c.verdict) {
    alert.verdict = {
      verdict: c.verdict,
      summary: `${c.trigger.source}: ${c.trigger.reason}`,
      evidence: c.trigger.message ? [c.trigger.message] : [],
    };
  }
  const sha = shaOf(incident.revision) ?? shaOf(c.revision);
  if (sha) {
    const failing = c.git?.commits.at(-1);
    const ref = /^([^@]+)@/.exec(incident.revision)?.[1];
    alert.revision = { sha };
    if (ref) alert.revision.ref = ref;
    if (failing?.author) alert.revision.author = failing.author;
    if (failing?.authorLogin) alert.revision.authorLogin = failing.authorLogin;
    if (failing?.subject) alert.revision.subject = failing.subject;
    if (failing?.url) alert.revision.commitUrl = failing.url;
    if (c.git?.compareUrl) alert.revision.compareUrl = c.git.compareUrl;
  }
  if (incident.recoveredAt) {
    alert.recoveredAt = incident.recoveredAt;
    const seconds = recoverySeconds(incident);
    if (seconds !== undefined) alert.timeToRecoverySeconds = seconds;
  }
  if (c.settings.dryRun) alert.dryRun = true;
  return alert;
}
