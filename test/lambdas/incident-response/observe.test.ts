import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { type IncidentOutcome, observeIncident } from '../../../lambdas/incident-response/index.js';

/** Metrics that record each single metric as `name reason`. */
function recordingMetrics(): { metrics: Metrics; counted: string[] } {
  const counted: string[] = [];
  const metrics = {
    singleMetric() {
      let reason = '';
      return {
        addDimension(_name: string, value: string) {
          reason = value;
        },
        addMetric(name: string) {
          counted.push(reason ? `${name} ${reason}` : name);
        },
      };
    },
    addMetric(name: string) {
      counted.push(name);
    },
  } as unknown as Metrics;
  return { metrics, counted };
}

const logger = { info: () => undefined, error: () => undefined } as unknown as Logger;

const outcome = (extra: Partial<IncidentOutcome>): IncidentOutcome => ({
  kind: 'acted',
  code: 'confirmed-failure',
  source: 'flux',
  actions: [],
  steps: [],
  failedActions: [],
  ...extra,
});

describe('observeIncident', () => {
  it('counts each action failure the pipeline absorbed in ActionsFailed, by its kind', () => {
    // Prepare
    const { metrics, counted } = recordingMetrics();

    // Act
    observeIncident(
      outcome({
        revert: { outcome: 'reverted', reason: 'pushed' },
        failedActions: [
          { kind: 'reconcile', reason: 'forbidden' },
          { kind: 'reapply-pull-request', reason: 'refused: the trees are too large for GitHub to list' },
        ],
      }),
      { messageId: 'm-1' },
      { logger, metrics },
    );

    // Assess
    expect(counted.filter((c) => c.startsWith('ActionsFailed'))).toEqual([
      'ActionsFailed reconcile',
      'ActionsFailed reapply-pull-request',
    ]);
    expect(counted).toContain('Reverts');
  });

  it('counts no failed action for a run whose actions all succeeded, and the one that threw by its code', () => {
    // Prepare
    const ok = recordingMetrics();
    const threw = recordingMetrics();

    // Act
    observeIncident(outcome({}), { messageId: 'm-1' }, { logger, metrics: ok.metrics });
    observeIncident(
      outcome({ kind: 'failed', code: 'action-failed', error: new Error('boom') }),
      { messageId: 'm-2' },
      { logger, metrics: threw.metrics },
    );

    // Assess
    expect(ok.counted.filter((c) => c.startsWith('ActionsFailed'))).toEqual([]);
    expect(threw.counted.filter((c) => c.startsWith('ActionsFailed'))).toEqual([
      'ActionsFailed action-failed',
    ]);
  });
});
