/**
 * Logs and metrics for one incident outcome: one structured log line per decision (including each
 * decision not to act), and Powertools metrics per outcome.
 *
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { IncidentOutcome } from './process-incident.js';

/** Where outcomes are reported. */
export interface IncidentObservers {
  logger: Logger;
  /** Absent for the CLI, which prints its own report. */
  metrics?: Metrics;
}

/** The metrics the worker emits (namespace `fluxguard`, service `incident-worker`). */
export const INCIDENT_METRICS = {
  /** Every decision, with a `reason` dimension. */
  decisions: 'Decisions',
  /** Incidents that produced an alert. */
  incidents: 'Incidents',
  reverts: 'Reverts',
  pullRequests: 'PullRequests',
  inconclusive: 'Inconclusive',
  /**
   * Failed actions: a revert or pull request that threw (`reason`: the outcome's code), and each
   * action whose failure the pipeline absorbed (`reason`: its kind, see `failedActions`).
   */
  failed: 'ActionsFailed',
  /** Seconds from the trigger to the revert pushed. */
  secondsToAction: 'SecondsToAction',
} as const;

/**
 * Logs the decision (with the object as keys) and counts it.
 *
 * @example
 * ```ts
 * observeIncident(await processIncident(input, meta, deps), { logger, metrics });
 * ```
 */
export function observeIncident(
  outcome: IncidentOutcome,
  meta: { messageId: string },
  { logger, metrics }: IncidentObservers,
): void {
  const details = {
    messageId: meta.messageId,
    source: outcome.source,
    outcome: outcome.kind,
    code: outcome.code,
    ...(outcome.object ? { object: outcome.object } : {}),
    trigger: outcome.trigger,
    revision: outcome.revision,
    incidentId: outcome.incidentId,
    action: outcome.decision?.action,
    reason: outcome.decision?.detail,
    verdict: outcome.verdict?.verdict,
    revert: outcome.revert,
    actions: outcome.actions.map((a) => (a.url ? `${a.kind} ${a.url}` : a.kind)),
    alert: outcome.alert ? `${outcome.alert.state}/${outcome.alert.severity}` : undefined,
    secondsToAction: outcome.secondsToAction,
    steps: outcome.steps,
    failedActions: outcome.failedActions,
  };
  if (outcome.kind === 'failed')
    logger.error('incident decision', { ...details, error: outcome.error as Error });
  else logger.info('incident decision', details);
  if (!metrics) return;
  const count = (name: string, reason?: string) => {
    const single = metrics.singleMetric();
    if (reason) single.addDimension('reason', reason);
    single.addMetric(name, MetricUnit.Count, 1);
  };
  count(INCIDENT_METRICS.decisions, outcome.code);
  if (outcome.alert) count(INCIDENT_METRICS.incidents);
  if (outcome.revert?.outcome === 'reverted') count(INCIDENT_METRICS.reverts);
  if (outcome.revert?.outcome === 'pull-request-opened') count(INCIDENT_METRICS.pullRequests);
  if (outcome.verdict?.verdict === 'inconclusive' || outcome.code === 'inconclusive')
    count(INCIDENT_METRICS.inconclusive);
  if (outcome.kind === 'failed') count(INCIDENT_METRICS.failed, outcome.code);
  for (const failure of outcome.failedActions) count(INCIDENT_METRICS.failed, failure.kind);
  if (outcome.secondsToAction !== undefined) {
    metrics.addMetric(INCIDENT_METRICS.secondsToAction, MetricUnit.Seconds, outcome.secondsToAction);
  }
}
