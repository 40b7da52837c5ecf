/**
 * Alertmanager webhook notifications (payload version 4) as Alertmanager posts them, shaped after
 * prometheus/alertmanager `notify/webhook/webhook.go` and `template/template.go`.
 */

/** The bearer token the tests configure. */
export const ALERTMANAGER_TOKEN = 'am-token-0123456789';

/** Labels of a fluxguard alert on the sample app, joined from kube-state-metrics as the rules do. */
export function appLabels(alertname = 'SreChallengeHealthProbeFailing'): Record<string, string> {
  return {
    alertname,
    fluxguard: 'true',
    severity: 'critical',
    cluster: 'fluxguard-staging-us-east-1',
    namespace: 'sre-challenge',
    deployment: 'sre-challenge-app',
    kustomization: 'apps',
    kustomization_namespace: 'flux-system',
  };
}

/** One alert of a notification. */
export function amAlert(
  overrides: Partial<{
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }> = {},
) {
  return {
    status: 'firing' as const,
    labels: appLabels(),
    annotations: {
      summary: 'sre-challenge-app fails its /health probe',
      description:
        'The blackbox probe of http://sre-challenge-app.sre-challenge:8080/health has failed for 2 minutes.',
    },
    startsAt: '2026-12-03T10:00:00.000Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL:
      'http://prometheus.monitoring:9090/graph?g0.expr=probe_success%7Bjob%3D%22sre-challenge-app%22%7D+%3D%3D+0&g0.tab=1',
    fingerprint: 'a1b2c3d4e5f60718',
    ...overrides,
  };
}

/** A whole notification; `notification_reason` is left out unless given (as Alertmanager < 0.32 does). */
export function amPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const alerts = (overrides.alerts as unknown[] | undefined) ?? [amAlert()];
  return {
    receiver: 'fluxguard',
    status: 'firing',
    alerts,
    groupLabels: { alertname: 'SreChallengeHealthProbeFailing' },
    commonLabels: appLabels(),
    commonAnnotations: {},
    externalURL: 'http://alertmanager.monitoring:9093',
    version: '4',
    groupKey: '{}/{fluxguard="true"}:{alertname="SreChallengeHealthProbeFailing"}',
    truncatedAlerts: 0,
    ...overrides,
  };
}

/** The headers Alertmanager sends with `authorization.credentials`. */
export function amHeaders(token = ALERTMANAGER_TOKEN): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Alertmanager/0.25.0',
    Authorization: `Bearer ${token}`,
  };
}
