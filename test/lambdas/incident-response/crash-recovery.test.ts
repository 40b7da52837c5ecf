import { afterEach, describe, expect, it } from 'vitest';
import { PIPELINE_STEPS, type PipelineStep } from '../../../lambdas/incident-response/index.js';
import { crashAt, type World, world } from './support/world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** The steps where a crash comes after the alert went out but before the incident recorded it. */
const ALERT_NOT_YET_RECORDED: readonly PipelineStep[] = ['alert-published'];

describe('a crash between any two steps of a revert, then the retry', () => {
  it.each(PIPELINE_STEPS)(
    'crash after %s: one revert commit, one breaker count, the incident recorded as reverted',
    async (step) => {
      // Prepare
      w = await world();
      const [, failing] = w.shas as [string, string];
      w.deploy({ state: 'crashloop', attempted: failing });
      const message = w.flux({
        reason: 'HealthCheckFailed',
        severity: 'error',
        revision: `main@sha1:${failing}`,
      });

      // Act: the first delivery dies at the step; SQS redelivers after the visibility timeout
      w.deps.checkpoint = crashAt(step);
      await expect(w.run(message, 'm-1')).rejects.toThrow(`injected crash after ${step}`);
      w.deps.checkpoint = undefined;
      w.clock.now = new Date(w.clock.now.getTime() + (w.settings.revertLeaseSeconds + 60) * 1000);
      const retry = await w.run(message, 'm-1');

      // Assess: no double revert, no lost incident, the breaker counted once
      expect(retry.kind).not.toBe('failed');
      const after = await w.commitsAfter(failing);
      expect(after).toHaveLength(1);
      const object = {
        cluster: 'prod',
        kind: 'Kustomization' as const,
        namespace: 'flux-system',
        name: 'apps',
      };
      const state = await w.store.loadObject(object);
      expect(state.incidents).toHaveLength(1);
      expect(state.incidents[0]).toMatchObject({ state: 'reverted', alertState: 'reverted' });
      expect(state.incidents[0]?.revertCommit).toBe((after[0] as string).split(' ')[0]);
      const counts = await w.store.countReverts(object, { object: new Date(0), cluster: new Date(0) });
      expect(counts).toEqual({ object: 1, cluster: 1 });
      expect(w.github.pulls).toHaveLength(1);
      const reverted = w.alerts().filter((a) => a.state === 'reverted');
      // Publishing and recording cannot be one atomic step: a crash between them re-sends (at least once).
      expect(reverted).toHaveLength(ALERT_NOT_YET_RECORDED.includes(step) ? 2 : 1);
    },
  );

  it('a second worker meeting a pending revert whose lease still runs is told to retry later, and pushes nothing', async () => {
    // Prepare
    w = await world();
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    const message = w.flux({
      reason: 'HealthCheckFailed',
      severity: 'error',
      revision: `main@sha1:${failing}`,
    });
    w.deps.checkpoint = crashAt('ledger-pending');
    await expect(w.run(message, 'm-1')).rejects.toThrow('injected crash');
    w.deps.checkpoint = undefined;

    // Act: redelivered at once, while the first worker's lease runs
    const busy = w.run(message, 'm-1');

    // Assess
    await expect(busy).rejects.toMatchObject({ name: 'ObjectBusyError' });
    expect(await w.commitsAfter(failing)).toHaveLength(0);
  });
});
