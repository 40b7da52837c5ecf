/**
 * Logs and metrics for one webhook outcome. Nothing from the request body, the signature or the key
 * is ever logged: only the outcome's code and reason, and, once the event is verified, its object.
 *
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { revisionLabel } from '../flux/index.js';
import type { WebhookRequest } from './http.js';
import type { AlertmanagerOutcome } from './process-alertmanager.js';
import type { OutcomeKind, WebhookOutcome } from './process-webhook.js';

/** The metric per outcome kind; each carries a `reason` dimension (the outcome's code). */
export const OUTCOME_METRICS: Record<OutcomeKind, string> = {
  queued: 'EventsQueued',
  ignored: 'EventsIgnored',
  rejected: 'RequestsRejected',
  failed: 'RequestsFailed',
};

/** Where outcomes are reported. */
export interface Observers {
  logger: Logger;
  /** Absent for the local server, which reports on its own terminal. */
  metrics?: Metrics;
}

/** Logs the outcome (with the cluster and object as keys) and counts it by reason. */
export function observeOutcome(
  outcome: WebhookOutcome,
  request: WebhookRequest,
  { logger, metrics }: Observers,
): void {
  const { event } = outcome;
  if (event) {
    logger.appendKeys({
      cluster: event.cluster,
      namespace: event.namespace,
      kind: event.kind,
      name: event.name,
    });
  }
  const details = {
    outcome: outcome.kind,
    code: outcome.code,
    statusCode: outcome.answer.statusCode,
    reason: outcome.answer.body.reason,
    sourceIp: request.sourceIp,
  };
  switch (outcome.kind) {
    case 'queued':
    case 'ignored':
      logger.info(outcome.kind === 'queued' ? 'flux event queued' : 'flux event ignored', {
        ...details,
        fluxReason: event?.reason,
        severity: event?.severity,
        category: outcome.classification?.category,
        revision: event?.revision ? revisionLabel(event.revision) : undefined,
        keyVersion: outcome.keyVersion,
        key: outcome.key,
        messageId: outcome.messageId,
      });
      break;
    case 'rejected':
      logger.warn('webhook request rejected', details);
      break;
    default:
      logger.error('webhook request failed', { ...details, key: outcome.key, error: outcome.error as Error });
  }
  if (metrics) {
    metrics.addDimension('reason', outcome.code);
    metrics.addMetric(OUTCOME_METRICS[outcome.kind], MetricUnit.Count, 1);
  }
}

/**
 * Logs an Alertmanager route outcome (group key, reason, queued groups, skipped counts; never a
 * label value of a rejected body, never the token) and counts it under the same metrics, with
 * `reason` prefixed by the route where the code is the Flux route's too.
 */
export function observeAlertmanagerOutcome(
  outcome: AlertmanagerOutcome,
  request: WebhookRequest,
  { logger, metrics }: Observers,
): void {
  const details = {
    route: 'alertmanager',
    outcome: outcome.kind,
    code: outcome.code,
    statusCode: outcome.answer.statusCode,
    reason: outcome.answer.body.reason,
    sourceIp: request.sourceIp,
    groupKey: outcome.groupKey,
    notificationReason: outcome.notificationReason,
    keyVersion: outcome.keyVersion,
    groups: outcome.groups,
    skipped: outcome.skipped,
  };
  switch (outcome.kind) {
    case 'queued':
    case 'ignored':
      logger.info(
        outcome.kind === 'queued' ? 'alertmanager alerts queued' : 'alertmanager alerts ignored',
        details,
      );
      break;
    case 'rejected':
      logger.warn('alertmanager request rejected', details);
      break;
    default:
      logger.error('alertmanager request failed', { ...details, error: outcome.error as Error });
  }
  if (metrics) {
    metrics.addDimension(
      'reason',
      outcome.code.startsWith('alertmanager-') ? outcome.code : `alertmanager-${outcome.code}`,
    );
    metrics.addMetric(OUTCOME_METRICS[outcome.kind], MetricUnit.Count, 1);
  }
}
