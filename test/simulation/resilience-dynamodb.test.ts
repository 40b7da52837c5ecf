/**
 * DynamoDB answering with its errors while the worker handles a confirmed failed rollout: throttling
 * (`ProvisionedThroughputExceededException`, `ThrottlingException`), failed conditions and an
 * outage, injected by the stand-in over HTTP so the SDK's own retries and error parsing see them.
 * After each: never two reverts, the breaker counted once, and the incident not lost (alerted and
 * recorded, or in the dead-letter queue).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { World } from '../lambdas/incident-response/support/world.js';
import { world } from '../lambdas/incident-response/support/world.js';
import {
  APPS,
  CONDITION_FAILED,
  type CountedFault,
  deliver,
  failedRollout,
  failWrites,
  reverts,
  singleAttemptState,
  THROTTLED,
  THROTTLING,
} from './support/resilience.js';

let w: World | undefined;
let release: (() => void) | undefined;
afterEach(async () => {
  release?.();
  await w?.close();
  w = undefined;
  release = undefined;
});

const ledger = ({ pk }: { pk: string }) => pk.startsWith('LEDGER#');
const breakerCount = ({ pk, sk }: { pk: string; sk: string }) =>
  pk.startsWith('BREAKER#') && sk.startsWith('REVERT#');
const incident = ({ pk, sk }: { pk: string; sk: string }) =>
  pk.startsWith('OBJECT#') && sk.startsWith('INCIDENT#');
const lease = ({ pk, sk }: { pk: string; sk: string }) => pk.startsWith('OBJECT#') && sk === 'LEASE';
const decisionLog = ({ pk }: { pk: string }) => pk.startsWith('DECISIONS#');

/**
 * Writes failing for the whole first receive (the worker's call fails however often the SDK
 * retries; the worker's client here makes one attempt, see {@link singleAttemptState}).
 */
const FIRST_RECEIVE_FAULTS: Array<[string, () => CountedFault]> = [
  [
    "the object's lease throttled (the message's first write)",
    () => failWrites({ key: lease, operation: 'PutItem' }, THROTTLED),
  ],
  [
    "the ledger's first write throttled (ProvisionedThroughputExceededException)",
    () => failWrites({ key: ledger, operation: 'PutItem' }, THROTTLED),
  ],
  [
    'the ledger completion failing its condition after the push',
    () => failWrites({ key: ledger, operation: 'UpdateItem' }, CONDITION_FAILED),
  ],
  [
    'the breaker count throttled (ThrottlingException) after the push',
    () => failWrites({ key: breakerCount }, THROTTLING),
  ],
  ['the incident write throttled after the alert', () => failWrites({ key: incident }, THROTTLED)],
  ['the decision log write throttled', () => failWrites({ key: decisionLog }, THROTTLED)],
];

/** The invariants after a revert met faults: one revert, counted once, the incident reverted and alerted. */
async function expectOneRecordedRevert(x: World, failing: string): Promise<void> {
  expect(await reverts(x, failing)).toBe(1);
  const state = await x.store.loadObject(APPS);
  expect(state.incidents.map((i) => [i.state, i.alertState])).toEqual([['reverted', 'reverted']]);
  expect(await x.store.countReverts(APPS, { object: new Date(0), cluster: new Date(0) })).toEqual({
    object: 1,
    cluster: 1,
  });
  expect(x.alerts().some((a) => a.state === 'reverted')).toBe(true);
}

describe('DynamoDB faults during a revert', () => {
  it.each(FIRST_RECEIVE_FAULTS)(
    '%s for a whole receive: redelivered, then one revert, counted once, recorded and alerted',
    async (_name, make) => {
      // Prepare
      w = await world();
      release = singleAttemptState(w);
      const [, failing] = w.shas as [string, string];
      w.deploy({ state: 'crashloop', attempted: failing });
      const fault = make();
      w.db.faults.push(fault.rule);

      // Act: the fault lasts the first receive
      const delivery = await deliver(w, failedRollout(w, failing), {
        afterReceive: () => {
          fault.active = false;
        },
      });

      // Assert
      expect(fault.fired).toBeGreaterThan(0);
      expect(delivery.outcomes.length + delivery.thrown.length).toBe(2);
      expect(delivery.deadLettered).toBe(false);
      await expectOneRecordedRevert(w, failing);
    },
  );

  it.each([
    [
      "the ledger's first write throttled once",
      () => failWrites({ key: ledger, operation: 'PutItem' }, THROTTLED, 1),
    ],
    [
      "the ledger's first write failing its condition once (a racing write that left nothing)",
      () => failWrites({ key: ledger, operation: 'PutItem' }, CONDITION_FAILED, 1),
    ],
  ])('%s with the default SDK client: handled in the first receive, one revert', async (_name, make) => {
    // Prepare
    w = await world();
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    const fault = make();
    w.db.faults.push(fault.rule);

    // Act
    const delivery = await deliver(w, failedRollout(w, failing));

    // Assert
    expect(fault.fired).toBe(1);
    expect(delivery.outcomes.map((o) => o.kind)).toEqual(['acted']);
    expect(delivery.thrown).toEqual([]);
    await expectOneRecordedRevert(w, failing);
  });

  it('the breaker count throttled on every attempt of the default SDK client: its retries give up, the redelivery counts it once', async () => {
    // Prepare
    w = await world();
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    const fault = failWrites({ key: breakerCount }, THROTTLING);
    w.db.faults.push(fault.rule);

    // Act
    const delivery = await deliver(w, failedRollout(w, failing), {
      afterReceive: () => {
        fault.active = false;
      },
    });

    // Assert: every attempt the SDK made met the throttle, then the worker's call failed
    expect(fault.fired).toBeGreaterThan(1);
    expect(delivery.outcomes.length + delivery.thrown.length).toBe(2);
    await expectOneRecordedRevert(w, failing);
  });

  it('the table unavailable for every receive (InternalServerError): nothing reverted, the message dead-lettered', async () => {
    // Prepare
    w = await world();
    release = singleAttemptState(w);
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    let fired = 0;
    w.db.faults.push(() => {
      fired += 1;
      return { type: 'InternalServerError', message: 'Internal server error' };
    });

    // Act
    const delivery = await deliver(w, failedRollout(w, failing));

    // Assert: the incident is not lost, it waits in the dead-letter queue for a replay
    expect(fired).toBeGreaterThan(0);
    expect(delivery.deadLettered).toBe(true);
    expect(delivery.thrown).toHaveLength(3);
    expect(delivery.thrown.every((e) => (e as Error).name === 'StateStoreError')).toBe(true);
    expect(await reverts(w, failing)).toBe(0);
    expect(w.github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
