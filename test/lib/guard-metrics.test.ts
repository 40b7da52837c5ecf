import { describe, expect, it } from 'vitest';
import { INCIDENT_METRICS } from '../../lambdas/incident-response/index.js';
import { OUTCOME_METRICS } from '../../lambdas/webhook/index.js';
import { GUARD_DASHBOARD_METRICS } from '../../lib/constructs/guard-monitoring.js';

describe('the guard dashboard', () => {
  it('charts metrics under the names the webhook and the worker emit', () => {
    expect(GUARD_DASHBOARD_METRICS).toEqual({
      eventsQueued: OUTCOME_METRICS.queued,
      eventsIgnored: OUTCOME_METRICS.ignored,
      requestsRejected: OUTCOME_METRICS.rejected,
      incidents: INCIDENT_METRICS.incidents,
      reverts: INCIDENT_METRICS.reverts,
      pullRequests: INCIDENT_METRICS.pullRequests,
      inconclusive: INCIDENT_METRICS.inconclusive,
      secondsToAction: INCIDENT_METRICS.secondsToAction,
    });
  });
});
