import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentOutcome, PipelineStep } from '../../../lambdas/incident-response/index.js';
import { followUpMessage, type IncidentInput } from '../../../lambdas/incidents/index.js';
import { type World, world } from './support/world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** A follow-up check of Kustomization `flux-system/<name>` at `revision`, as the worker schedules it. */
function followUp(v: World, revision: string, name = 'apps'): IncidentInput {
  return {
    source: 'follow-up',
    followUp: followUpMessage({
      cluster: 'prod',
      target: { kind: 'Kustomization', namespace: 'flux-system', name },
      revision,
      appliedAt: v.clock.now.toISOString(),
      check: 2,
      now: v.clock.now,
    }),
  };
}

/** Runs `other` once, when the first run reaches `step`, and keeps what happened to it. */
function meanwhile(v: World, step: PipelineStep, other: () => Promise<IncidentOutcome>) {
  const seen: { outcome?: IncidentOutcome; error?: Error } = {};
  v.deps.checkpoint = async (reached) => {
    if (reached !== step || 'outcome' in seen || 'error' in seen) return;
    try {
      seen.outcome = await other();
    } catch (error) {
      seen.error = error as Error;
    }
  };
  return seen;
}

describe('one message per object at a time, whatever its queue', () => {
  it('holds back a follow-up for an object whose Flux event is being reverted, and lets it run afterwards', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    const revision = `main@sha1:${failing}`;
    w.deploy({ state: 'crashloop', attempted: failing });
    const v = w;
    const seen = meanwhile(v, 'reverted', () => v.run(followUp(v, revision), 'follow-up-1'));

    // Act
    const first = await w.run(w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision }), 'flux-1');

    // Assess: the follow-up met the lease, changed nothing, and is retried by its queue
    expect(first.revert?.outcome).toBe('reverted');
    expect(seen.error).toMatchObject({ name: 'ObjectBusyError' });
    expect(await w.commitsAfter(failing)).toHaveLength(1);

    // Act: the queue delivers the follow-up again, once the Flux event is done
    w.deps.checkpoint = undefined;
    const retried = await w.run(followUp(w, revision), 'follow-up-1');

    // Assess: it runs, and reverts nothing more
    expect(retried.kind).not.toBe('failed');
    expect(await w.commitsAfter(failing)).toHaveLength(1);
    expect(w.alerts().filter((a) => a.state === 'reverted')).toHaveLength(1);
  });

  it('holds back a Flux event while a follow-up of the same object is between its revert and its alert', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    const revision = `main@sha1:${failing}`;
    w.deploy({ state: 'crashloop', attempted: failing, failed: false });
    const v = w;
    const success = v.flux({ reason: 'ReconciliationSucceeded', severity: 'info', revision });
    const seen = meanwhile(v, 'reconciled', () => v.run(success, 'flux-success'));

    // Act
    const first = await w.run(followUp(w, revision), 'follow-up-1');

    // Assess
    expect(first.revert?.outcome).toBe('reverted');
    expect(seen.error).toMatchObject({ name: 'ObjectBusyError' });
    expect(w.alerts().map((a) => a.state)).toEqual(['reverted']);
  });

  it('never holds back a message for another object', async () => {
    // Prepare
    w = await world();
    const failing = w.shas[1] as string;
    const revision = `main@sha1:${failing}`;
    w.deploy({ state: 'crashloop', attempted: failing });
    const v = w;
    const seen = meanwhile(v, 'reverted', () => v.run(followUp(v, revision, 'infrastructure'), 'other-1'));

    // Act
    await w.run(w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision }), 'flux-1');

    // Assess: the other object's check ran to its own decision while the first held its lease
    expect(seen.error).toBeUndefined();
    expect(seen.outcome?.object?.name).toBe('infrastructure');
  });
});
