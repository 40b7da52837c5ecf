import { afterEach, describe, expect, it } from 'vitest';
import {
  type IncidentOutcome,
  LEASE_POLL_MAX_MS,
  type PipelineStep,
  processIncident,
  RUN_RESERVE_MS,
} from '../../../lambdas/incident-response/index.js';
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

  describe('a message that meets another holder', () => {
    const apps = { cluster: 'prod', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } as const;

    /** A world where another worker holds the lease of `apps` for 300 s, and a failure to handle. */
    async function heldByAnother() {
      const v = await world();
      w = v;
      const failing = v.shas[1] as string;
      v.deploy({ state: 'crashloop', attempted: failing });
      await v.store.takeLease(apps, 'another-worker', new Date(v.clock.now.getTime() + 300_000), v.clock.now);
      const pauses: number[] = [];
      const message = v.flux({
        reason: 'HealthCheckFailed',
        severity: 'error',
        revision: `main@sha1:${failing}`,
      });
      return { v, failing, pauses, message };
    }

    it('waits for a holder that lets go within the wait, then takes the lease and runs', async () => {
      // Prepare: the holder lets go after the third pause
      const { v, failing, pauses, message } = await heldByAnother();
      v.deps.sleep = async (ms) => {
        pauses.push(ms);
        v.clock.now = new Date(v.clock.now.getTime() + ms);
        if (pauses.length === 3) await v.store.releaseLease(apps, 'another-worker');
      };

      // Act
      const outcome = await v.run(message, 'flux-1');

      // Assess: handled in this delivery, not thrown back to the queue
      expect(outcome.revert?.outcome).toBe('reverted');
      expect(pauses).toHaveLength(3);
      expect(pauses[1]).toBeGreaterThan(pauses[0] as number);
      expect(await v.commitsAfter(failing)).toHaveLength(1);
    });

    it('gives up after the wait when the holder keeps the lease, saying when that lease ends', async () => {
      // Prepare
      const { v, failing, pauses, message } = await heldByAnother();
      v.deps.sleep = async (ms) => {
        pauses.push(ms);
        v.clock.now = new Date(v.clock.now.getTime() + ms);
      };

      // Act
      const run = v.run(message, 'flux-1');

      // Assess: 60 s of pauses, each at most 2 s, then busy until the lease's end (300 s - 60 s)
      await expect(run).rejects.toMatchObject({ name: 'ObjectBusyError', retryAfterSeconds: 240 });
      expect(pauses.reduce((a, b) => a + b, 0)).toBe(v.settings.leaseWaitMs);
      expect(Math.max(...pauses)).toBeLessThanOrEqual(LEASE_POLL_MAX_MS);
      expect(await v.commitsAfter(failing)).toHaveLength(0);
    });

    it('waits no longer than the invocation leaves time for the run', async () => {
      // Prepare: 5 s left beyond what a run needs
      const { v, pauses, message } = await heldByAnother();
      v.deps.sleep = async (ms) => {
        pauses.push(ms);
        v.clock.now = new Date(v.clock.now.getTime() + ms);
      };

      // Act
      const run = processIncident(
        message,
        { messageId: 'flux-1', remainingTimeMs: () => RUN_RESERVE_MS + 5_000 },
        v.deps,
      );

      // Assess
      await expect(run).rejects.toMatchObject({ name: 'ObjectBusyError', retryAfterSeconds: 295 });
      expect(pauses.reduce((a, b) => a + b, 0)).toBe(5_000);
    });
  });
});
