/**
 * A worker crash between every pair of pipeline steps, with a fault in a stand-in waiting for the
 * redelivery (taking turns): GitHub answering 500, SNS failing a publish on every attempt, DynamoDB
 * throttling the incident write for a whole receive. After each: never two reverts, the breaker counted once, the
 * incident recorded as reverted and people alerted, nothing dead-lettered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PIPELINE_STEPS } from '../../lambdas/incident-response/index.js';
import { crashAt, type World, world } from '../lambdas/incident-response/support/world.js';
import {
  APPS,
  type CountedFault,
  deliver,
  failedRollout,
  failWrites,
  reverts,
  singleAttemptState,
  THROTTLED,
} from './support/resilience.js';

let w: World | undefined;
let release: (() => void) | undefined;
afterEach(async () => {
  release?.();
  await w?.close();
  w = undefined;
  release = undefined;
});

/** A fault armed for the redelivery: `arm` installs it, `end` (after a receive) lifts what lasts a receive. */
interface RetryFault {
  arm(x: World): { end(): void; met(): boolean };
}

const FAULTS: Record<string, RetryFault> = {
  'GitHub 500 on its first read': {
    arm(x) {
      let reads = 0;
      x.github.beforeHandle = async (request) => {
        if (request.method === 'GET') reads += 1;
      };
      x.github.fail({ method: 'GET', path: /^\/repos\//, status: 500 });
      // The fault answers the first GET under /repos/: any read made means it was met.
      return { end() {}, met: () => reads > 0 };
    },
  },
  'SNS failing every attempt of one publish': {
    arm(x) {
      const before = x.sns.messages.length;
      x.sns.failNext(3);
      // Met when a publish was attempted; the retry may find the alert already recorded and send none.
      return { end() {}, met: () => x.sns.messages.length > before };
    },
  },
  'DynamoDB throttling the incident write for a whole receive': {
    arm(x) {
      release = singleAttemptState(x);
      const fault: CountedFault = failWrites(
        { key: ({ pk, sk }) => pk.startsWith('OBJECT#') && sk.startsWith('INCIDENT#') },
        THROTTLED,
      );
      x.db.faults.push(fault.rule);
      return {
        end() {
          fault.active = false;
        },
        met: () => fault.fired > 0,
      };
    },
  },
};

/**
 * Every step meets one fault on its redelivery, the faults taking turns down the pipeline, so each
 * fault meets crashes before the push, after it and after the alert (27 pairs would triple the
 * runtime for little more).
 */
const FAULT_NAMES = Object.keys(FAULTS);
const CASES = PIPELINE_STEPS.map((step, i) => [step, FAULT_NAMES[i % FAULT_NAMES.length] as string] as const);

describe('a crash between two steps, then a fault on the redelivery', () => {
  it.each(CASES)(
    'crash after %s, then %s: one revert, counted once, recorded, alerted',
    async (step, name) => {
      // Prepare
      w = await world();
      const [, failing] = w.shas as [string, string];
      w.deploy({ state: 'crashloop', attempted: failing });
      const message = failedRollout(w, failing);

      // Act: the first receive dies at the step; the fault waits for the redeliveries
      w.deps.checkpoint = crashAt(step);
      await expect(w.run(message, 'm-1')).rejects.toThrow(`injected crash after ${step}`);
      w.deps.checkpoint = undefined;
      w.clock.now = new Date(w.clock.now.getTime() + (w.settings.revertLeaseSeconds + 60) * 1000);
      const fault = (FAULTS[name] as RetryFault).arm(w);
      const delivery = await deliver(w, message, { afterReceive: () => fault.end() });

      // Assert: the redelivery met the fault where it could, and every invariant holds
      if (name.startsWith('GitHub') || name.startsWith('DynamoDB')) expect(fault.met()).toBe(true);
      expect(delivery.deadLettered).toBe(false);
      expect(await reverts(w, failing)).toBe(1);
      const state = await w.store.loadObject(APPS);
      expect(state.incidents.map((i) => [i.state, i.alertState])).toEqual([['reverted', 'reverted']]);
      expect(await w.store.countReverts(APPS, { object: new Date(0), cluster: new Date(0) })).toEqual({
        object: 1,
        cluster: 1,
      });
      expect(w.github.pulls).toHaveLength(1);
      expect(w.alerts().at(-1)?.state).toBe('reverted');
    },
  );
});
