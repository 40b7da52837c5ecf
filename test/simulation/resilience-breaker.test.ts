/**
 * The circuit breaker under faults: three failing rollouts of one Kustomization, each reverted while
 * a stand-in misbehaves (GitHub 500 on the revert commit, DynamoDB throttling the ledger's first
 * write for a whole receive, SNS failing every attempt of the alert), then a fourth: the breaker
 * opens at its limit (three per object), nothing more is reverted, and people are told.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CommitSpec } from '../../sandbox/index.js';
import { APP_PATH, type World, world } from '../lambdas/incident-response/support/world.js';
import {
  APPS,
  type CountedFault,
  deliver,
  failedRollout,
  failWrites,
  requestsTo,
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

/** Image automation's next tag for the app: another crash-looping version. */
function bump(patch: number): CommitSpec {
  return {
    message: `Bump web to 1.4.${patch}`,
    files: {
      [`${APP_PATH}/web.yaml`]: `image: ghcr.io/acme/shop-web:1.4.${patch} # {"$imagepolicy": "flux-system:web"}\n`,
    },
  };
}

/** One fault per reverted rollout: installed before its delivery, lifted after the first receive. */
const FAULTS: Array<[string, (x: World) => { end(): void; met(): boolean }]> = [
  [
    'GitHub 500 on creating the revert commit',
    (x) => {
      x.github.fail({ method: 'POST', path: /\/git\/commits$/, status: 500 });
      const before = requestsTo(x, 'POST', /\/git\/commits$/);
      return { end() {}, met: () => requestsTo(x, 'POST', /\/git\/commits$/) - before >= 2 };
    },
  ],
  [
    "DynamoDB throttling the ledger's first write for a whole receive",
    (x) => {
      const fault: CountedFault = failWrites(
        { key: ({ pk }) => pk.startsWith('LEDGER#'), operation: 'PutItem' },
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
  ],
  [
    'SNS failing every attempt of the alert',
    (x) => {
      x.sns.failNext(3);
      const before = x.sns.messages.length;
      return { end() {}, met: () => x.sns.messages.length > before };
    },
  ],
];

describe('the breaker under faults', () => {
  it('three failing rollouts are reverted through a fault each; the fourth finds the breaker open: alert, no revert', async () => {
    // Prepare: the world's first failing commit, the state store's client making one attempt per call
    w = await world();
    release = singleAttemptState(w);
    const [good, first] = w.shas as [string, string];
    let failing = first;

    // Act: three failing rollouts, each met by a fault
    for (const [index, [name, inject]] of FAULTS.entries()) {
      if (index > 0) {
        w.clock.now = new Date(w.clock.now.getTime() + 10 * 60_000);
        [failing] = (await w.repo.commit('main', [bump(3 + index)])) as [string];
      }
      w.deploy({ state: 'crashloop', attempted: failing });
      const fault = inject(w);
      const delivery = await deliver(w, failedRollout(w, failing), { afterReceive: () => fault.end() });

      expect({ name, met: fault.met(), deadLettered: delivery.deadLettered }).toEqual({
        name,
        met: true,
        deadLettered: false,
      });
      expect({ name, reverts: await reverts(w, good) }).toEqual({ name, reverts: index + 1 });
    }
    w.clock.now = new Date(w.clock.now.getTime() + 10 * 60_000);
    const [fourth] = (await w.repo.commit('main', [bump(6)])) as [string];
    w.deploy({ state: 'crashloop', attempted: fourth });
    const delivery = await deliver(w, failedRollout(w, fourth));

    // Assert: nothing more reverted, the breaker open and said so
    expect(delivery.deadLettered).toBe(false);
    expect(delivery.outcomes.at(-1)?.decision?.reason).toBe('breaker-open');
    expect(await reverts(w, good)).toBe(3);
    expect(await w.commitsAfter(fourth)).toEqual([]);
    expect(await w.store.countReverts(APPS, { object: new Date(0), cluster: new Date(0) })).toEqual({
      object: 3,
      cluster: 3,
    });
    const state = await w.store.loadObject(APPS);
    expect(state.breaker?.open).toBe(true);
    expect(state.incidents.map((i) => i.state).sort()).toEqual(['open', 'reverted', 'reverted', 'reverted']);
    const states = w.alerts().map((a) => a.state);
    expect(states.filter((s) => s === 'reverted')).toHaveLength(3);
    expect(states.at(-1)).toBe('breaker-open');
  });
});
