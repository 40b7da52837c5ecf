/**
 * The Alertmanager route (`/alertmanager`): method → content type → size → bearer token → JSON →
 * payload version 4 → one queue message per Flux object. Like the Flux route it answers every
 * request with an outcome and never throws; a bad request is a 4xx (Alertmanager does not retry
 * those), only fluxguard's own trouble is a 5xx (Alertmanager retries).
 *
 * @module
 */
import {
  type AlertmanagerPayload,
  AlertmanagerPayloadSchema,
  type AlertmanagerSkip,
  translateAlertmanagerPayload,
} from '../incidents/index.js';
import { parseBearerHeader, tokenMatches } from './bearer-token.js';
import type { WebhookRequest } from './http.js';
import type { KeyVersion } from './keys.js';
import {
  fail,
  issuesSummary,
  parseJson,
  reject,
  rejectUnlessJsonPost,
  type WebhookDeps,
  type WebhookOutcome,
} from './process-webhook.js';

/** What happened to one Alertmanager request. Carries nothing from a rejected body, nor the token. */
export interface AlertmanagerOutcome extends Pick<WebhookOutcome, 'kind' | 'code' | 'answer' | 'error'> {
  keyVersion?: KeyVersion;
  /** The notification's group key and reason, once the payload is valid. */
  groupKey?: string;
  notificationReason?: string;
  /** The message groups (one per Flux object) queued. */
  groups?: string[];
  /** Alerts left out, by reason. */
  skipped?: Partial<Record<AlertmanagerSkip, number>>;
}

function counts(
  skipped: ReadonlyArray<{ reason: AlertmanagerSkip }>,
): Partial<Record<AlertmanagerSkip, number>> {
  const result: Partial<Record<AlertmanagerSkip, number>> = {};
  for (const { reason } of skipped) result[reason] = (result[reason] ?? 0) + 1;
  return result;
}

function ignored(reason: string, code: string, details: Partial<AlertmanagerOutcome>): AlertmanagerOutcome {
  return {
    ...details,
    kind: 'ignored',
    code,
    answer: { statusCode: 200, body: { result: 'ignored', reason } },
  };
}

function ignoreReason(skipped: Partial<Record<AlertmanagerSkip, number>>): { code: string; reason: string } {
  if (skipped.heartbeat)
    return { code: 'heartbeat', reason: 'repeat notification: a heartbeat, not a trigger' };
  if (skipped['nothing-new'])
    return { code: 'nothing-new', reason: 'no new or resolved alerts for any object' };
  return { code: 'no-target', reason: 'no fluxguard="true" alert names a Kustomization or HelmRelease' };
}

/** Runs one `/alertmanager` request through the route. Never throws. */
export async function processAlertmanager(
  request: WebhookRequest,
  deps: WebhookDeps,
): Promise<AlertmanagerOutcome> {
  if (request.shape === 'unknown') {
    return reject(400, 'not-http', 'not a Function URL, HTTP API or REST API event');
  }
  if (deps.alertmanagerTokens === undefined) {
    return reject(404, 'route-disabled', 'the Alertmanager route is not configured');
  }
  const unfit = rejectUnlessJsonPost(request, deps.maxBodyBytes);
  if (unfit) return unfit;

  const bearer = parseBearerHeader(request.headers.get('authorization'));
  if (!bearer.ok) return reject(401, bearer.code, bearer.reason, { 'www-authenticate': 'Bearer' });
  let keyVersion: KeyVersion | undefined;
  try {
    keyVersion = await deps.alertmanagerTokens.match((key) => tokenMatches(bearer.token, key));
  } catch (error) {
    return fail('secret-unavailable', 'the token could not be read; retry later', error);
  }
  if (keyVersion === undefined) {
    return reject(401, 'bad-token', 'token does not match', { 'www-authenticate': 'Bearer' });
  }

  if (request.body.length === 0) return { ...reject(400, 'empty-body', 'body is empty'), keyVersion };
  const json = parseJson(request.body);
  if (!json.ok) return { ...reject(400, 'invalid-json', 'body is not valid UTF-8 JSON'), keyVersion };
  const parsed = AlertmanagerPayloadSchema.safeParse(json.value);
  if (!parsed.success) {
    const problems = issuesSummary(parsed.error.issues, 'the Alertmanager webhook payload (version 4)');
    return { ...reject(400, 'invalid-payload', `not an Alertmanager payload: ${problems}`), keyVersion };
  }
  return queueAlerts(parsed.data, deps, keyVersion);
}

async function queueAlerts(
  payload: AlertmanagerPayload,
  deps: WebhookDeps,
  keyVersion: KeyVersion,
): Promise<AlertmanagerOutcome> {
  const translation = translateAlertmanagerPayload(payload, {
    receivedAt: deps.now?.() ?? new Date(),
    defaultCluster: deps.clusterName,
  });
  const common: Partial<AlertmanagerOutcome> = {
    keyVersion,
    groupKey: payload.groupKey,
    skipped: counts(translation.skipped),
  };
  if (payload.notification_reason !== undefined) common.notificationReason = payload.notification_reason;
  if (translation.entries.length === 0) {
    const { code, reason } = ignoreReason(common.skipped ?? {});
    return ignored(reason, code, common);
  }

  const fresh = translation.entries.filter((entry) => !deps.recentDeliveries?.has(entry.deduplicationId));
  if (fresh.length === 0) return ignored('already queued: an unchanged resend', 'already-queued', common);
  const groups: string[] = [];
  for (const { message, groupId, deduplicationId } of fresh) {
    try {
      await deps.queue.send({ body: JSON.stringify(message), groupId, deduplicationId });
    } catch (error) {
      return {
        ...fail('queue-failed', 'the alerts could not be queued; retry later', error),
        ...common,
        groups,
      };
    }
    deps.recentDeliveries?.add(deduplicationId);
    groups.push(groupId);
  }
  const status = fresh.some((entry) => entry.message.status === 'firing') ? 'firing' : 'resolved';
  return {
    ...common,
    kind: 'queued',
    code: `alertmanager-${status}`,
    answer: { statusCode: 202, body: { result: 'queued', messages: groups.length, groups } },
    groups,
  };
}
