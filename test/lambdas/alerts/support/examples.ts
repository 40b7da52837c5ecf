/**
 * Example alerts: one realistic alert per state (what the docs and the preview show), and the
 * largest realistic inputs (a 39,000-character Flux message, 200 evidence lines, names at their
 * Kubernetes maximum) for the limit tests and the benchmark.
 */
import { ALERT_STATES, type Alert, type AlertState } from '../../../../lambdas/alerts/index.js';

const SHA = '9f1c2b7e4d8a6f0b3c5e7d9a1b2c4d6e8f0a1b2c';
const REPO = 'https://github.com/acme/gitops';

const BASE: Alert = {
  version: 1,
  incidentId: 'inc-fluxguard-production-eu-central-1-apps-9f1c2b7',
  state: 'failing',
  severity: 'critical',
  cluster: 'fluxguard-production-eu-central-1',
  environment: 'production',
  target: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
  trigger: {
    source: 'flux',
    reason: 'HealthCheckFailed',
    message:
      "health check failed after 5m0s: timeout waiting for: [Deployment/sre-challenge/web status: 'InProgress']",
    at: '2026-12-03T10:00:00Z',
  },
  verdict: {
    verdict: 'fail',
    summary: '2 of 3 pods of web are crash-looping on revision main@sha1:9f1c2b7',
    evidence: [
      'Deployment sre-challenge/web: 1/3 ready, rollout stuck (ProgressDeadlineExceeded)',
      'Pod sre-challenge/web-7d9f8-abcde: CrashLoopBackOff (exit 1, 5 restarts)',
      'Pod sre-challenge/web-7d9f8-fghij: CrashLoopBackOff (exit 1, 4 restarts)',
      'GET /healthz on web:8080 answered 503 on 3 of 3 checks, 10 s apart',
    ],
  },
  revision: {
    sha: SHA,
    ref: 'main',
    author: 'Dana Developer',
    authorLogin: 'dana',
    subject: 'web: raise the connection pool to 200',
    commitUrl: `${REPO}/commit/${SHA}`,
    compareUrl: `${REPO}/compare/1a2b3c4...9f1c2b7`,
  },
  actions: [],
  nextSteps: [
    'flux get kustomizations -n flux-system apps',
    'kubectl -n sre-challenge describe deployment web',
    'kubectl -n sre-challenge logs deploy/web --previous',
  ],
  occurredAt: '2026-12-03T10:00:05Z',
  failedAt: '2026-12-03T10:00:00Z',
};

const REVERT_SHA = 'b4e6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2';

/** One realistic alert for each state. */
export function exampleAlert(state: AlertState): Alert {
  const revertCommit = {
    kind: 'revert-commit' as const,
    label: 'Revert commit b4e6d8f on main',
    url: `${REPO}/commit/${REVERT_SHA}`,
  };
  switch (state) {
    case 'failing':
      return structuredClone(BASE);
    case 'reverting':
      return {
        ...structuredClone(BASE),
        state,
        decision: {
          action: 'revert',
          reason: 'the rollout failed every check and the commit is the only change',
        },
        occurredAt: '2026-12-03T10:00:20Z',
      };
    case 'reverted':
      return {
        ...structuredClone(BASE),
        state,
        decision: {
          action: 'revert',
          reason: 'the rollout failed every check and the commit is the only change',
        },
        actions: [revertCommit],
        nextSteps: ['flux reconcile kustomization apps -n flux-system --with-source', ...BASE.nextSteps],
        occurredAt: '2026-12-03T10:01:10Z',
      };
    case 'pull-request-opened':
      return {
        ...structuredClone(BASE),
        state,
        decision: { action: 'pull-request', reason: 'later commits touched the same files' },
        actions: [
          { kind: 'pull-request', label: 'Revert pull request #42', url: `${REPO}/pull/42` },
          { kind: 'automation-suspended', label: 'ImageUpdateAutomation flux-system/apps suspended' },
        ],
        nextSteps: ['Review and merge the pull request', 'flux resume image update apps -n flux-system'],
        occurredAt: '2026-12-03T10:01:10Z',
      };
    case 'recovered':
      return {
        ...structuredClone(BASE),
        state,
        severity: 'info',
        verdict: {
          verdict: 'pass',
          summary: '3 of 3 pods of web ready on the reverted revision',
          evidence: [],
        },
        actions: [
          revertCommit,
          {
            kind: 'reapply-pull-request',
            label: 'Reapply pull request #43 for dana',
            url: `${REPO}/pull/43`,
          },
        ],
        nextSteps: ['Fix the change and merge the reapply pull request'],
        occurredAt: '2026-12-03T10:07:12Z',
        recoveredAt: '2026-12-03T10:07:12Z',
        timeToRecoverySeconds: 432,
      };
    case 'not-recovered':
      return {
        ...structuredClone(BASE),
        state,
        verdict: {
          ...BASE.verdict,
          verdict: 'fail',
          summary: 'web is still failing 10 minutes after the revert',
        } as Alert['verdict'],
        actions: [revertCommit],
        occurredAt: '2026-12-03T10:11:10Z',
      };
    case 'inconclusive':
      return {
        ...structuredClone(BASE),
        state,
        severity: 'warning',
        verdict: {
          verdict: 'inconclusive',
          summary: 'the pods layer could not be read',
          evidence: ['pods in sre-challenge: 403 Forbidden for fluxguard-guard'],
        },
        decision: { action: 'alert', reason: 'not sure the rollout failed, so nothing is reverted' },
        occurredAt: '2026-12-03T10:00:40Z',
      };
    case 'alert-only':
      return {
        ...structuredClone(BASE),
        state,
        decision: { action: 'alert', reason: 'mode alert-only for Kustomization flux-system/apps' },
        occurredAt: '2026-12-03T10:00:40Z',
      };
    case 'breaker-open':
      return {
        ...structuredClone(BASE),
        state,
        decision: { action: 'alert', reason: '3 reverts in the last 24 hours on this cluster (limit 3)' },
        occurredAt: '2026-12-03T10:00:40Z',
      };
    case 'not-caused-by-deploy':
      return {
        ...structuredClone(BASE),
        state,
        severity: 'warning',
        trigger: {
          source: 'alarm',
          reason: 'web-5xx-rate',
          message: 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).',
          at: '2026-12-03T10:00:00Z',
          link: 'https://console.aws.amazon.com/cloudwatch/home?region=eu-central-1#alarmsV2:alarm/web-5xx-rate',
        },
        verdict: {
          verdict: 'pass',
          summary: 'no rollout in the last 30 minutes; apps is healthy',
          evidence: [],
        },
        revision: undefined,
        failedAt: undefined,
        occurredAt: '2026-12-03T10:00:40Z',
      };
  }
}

/** Every state's example, in state order. */
export function exampleAlerts(): Alert[] {
  return ALERT_STATES.map(exampleAlert);
}

const LONG_NAME = `web-${'a'.repeat(245)}x`; // 250: metadata.name may be 253
const LONG_NAMESPACE = `n${'s'.repeat(61)}x`; // 63: the namespace maximum

/**
 * The largest realistic alert in `state`: a 39,000-character Flux message with markup and
 * multi-byte text, 200 evidence lines of 400 characters, names at their maximum length, 20 actions
 * and 20 next steps.
 */
export function largestAlert(state: AlertState): Alert {
  const alert = exampleAlert(state);
  const noisy = '<!channel> & <https://evil.example|click> ```break``` ünïcödé 🚨 ';
  const message = `health check failed after 5m0s: ${noisy}`.padEnd(
    39_000,
    `[Deployment/${LONG_NAMESPACE}/${LONG_NAME} status: 'InProgress'] `,
  );
  return {
    ...alert,
    incidentId: `inc-${'i'.repeat(120)}`,
    cluster: `fluxguard-${'c'.repeat(90)}`,
    environment: `env-${'e'.repeat(60)}`,
    target: { kind: 'HelmRelease', namespace: LONG_NAMESPACE, name: LONG_NAME },
    trigger: {
      ...alert.trigger,
      reason: 'R'.repeat(300),
      message,
      link: `https://example.com/${'l'.repeat(1500)}`,
    },
    verdict: {
      verdict: alert.verdict?.verdict ?? 'fail',
      summary: `${noisy}${'s'.repeat(2000)}`,
      evidence: Array.from({ length: 200 }, (_, i) => `${i}: ${noisy}${'e'.repeat(330)}`),
    },
    revision: {
      sha: SHA,
      ref: `refs/heads/${'b'.repeat(200)}`,
      author: `${noisy}${'A'.repeat(200)}`,
      authorLogin: 'd'.repeat(39),
      subject: `${noisy}${'S'.repeat(1000)}`,
      commitUrl: `${REPO}/commit/${SHA}`,
      compareUrl: `${REPO}/compare/${'1'.repeat(40)}...${SHA}`,
    },
    actions: Array.from({ length: 20 }, (_, i) => ({
      kind: 'pull-request' as const,
      label: `${noisy}${'L'.repeat(200)} ${i}`,
      url: `${REPO}/pull/${i}?${'q'.repeat(300)}`,
    })),
    nextSteps: Array.from(
      { length: 20 },
      (_, i) => `kubectl -n ${LONG_NAMESPACE} describe helmrelease ${LONG_NAME} # ${i} ${noisy}`,
    ),
    decision: { action: 'revert'.repeat(40), reason: `${noisy}${'r'.repeat(3000)}` },
    timeToRecoverySeconds: 86_399,
    dryRun: true,
  };
}
