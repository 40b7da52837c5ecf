/**
 * One message per object at a time, whatever its source: the object's lease in the state table.
 * A message that meets another holder waits for it in process first, since most holders are
 * inside a confirmation window (20 s by default) and let go within seconds; only a holder still
 * there after the wait makes the message fail with {@link ObjectBusyError}, saying when the
 * lease ends so the queue brings it back then, not three times before a crashed holder's lease
 * runs out (which would dead-letter it).
 *
 * @module
 */
import { ObjectBusyError } from './errors.js';
import { type ObjectRef, objectKey } from './model.js';
import type { StateStore } from './state-store.js';

/** Polls of a held lease: the first after this long, doubling up to {@link LEASE_POLL_MAX_MS}. */
export const LEASE_POLL_FIRST_MS = 250;
/** The longest pause between two attempts on a held lease. */
export const LEASE_POLL_MAX_MS = 2_000;
/** The invocation time a wait leaves for the run itself (confirmation window, GitHub, alert). */
export const RUN_RESERVE_MS = 120_000;

/** How a message waits for an object's lease. */
export interface LeaseWait {
  /** How long the lease lasts once taken. */
  leaseSeconds: number;
  /** The longest wait in process for another holder. */
  maxWaitMs: number;
  /** Time left in the invocation; the wait leaves {@link RUN_RESERVE_MS} of it to the run. */
  remainingTimeMs?: () => number;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** Jitter in [0, 1), so waiters do not poll in step. */
  random?: () => number;
}

/**
 * Takes the lease of `object` for `owner` (a message id; its redelivery takes it again), waiting
 * for another holder up to `wait.maxWaitMs`.
 *
 * @returns when the lease taken ends
 * @throws {ObjectBusyError} when another holder keeps it past the wait; `retryAfterSeconds` is
 *   the time left on that lease
 * @throws {StateStoreError} when the table fails
 * @example
 * const until = await takeObjectLease(store, ref, record.messageId, {
 *   leaseSeconds: 300, maxWaitMs: 60_000, sleep, now: () => new Date(),
 * });
 */
export async function takeObjectLease(
  state: Pick<StateStore, 'takeLease' | 'readLease'>,
  object: ObjectRef,
  owner: string,
  wait: LeaseWait,
): Promise<Date> {
  const random = wait.random ?? Math.random;
  const budgetMs = Math.max(
    0,
    Math.min(wait.maxWaitMs, (wait.remainingTimeMs?.() ?? Number.POSITIVE_INFINITY) - RUN_RESERVE_MS),
  );
  let waitedMs = 0;
  let pauseMs = LEASE_POLL_FIRST_MS;
  for (;;) {
    const now = wait.now();
    const until = new Date(now.getTime() + wait.leaseSeconds * 1000);
    if (await state.takeLease(object, owner, until, now)) return until;
    if (waitedMs >= budgetMs) break;
    // Between half and all of the pause, so waiters do not poll in step.
    const ms = Math.min(Math.round(pauseMs * (0.5 + random() / 2)), budgetMs - waitedMs);
    await wait.sleep(ms);
    waitedMs += ms;
    pauseMs = Math.min(LEASE_POLL_MAX_MS, pauseMs * 2);
  }
  const holder = await state.readLease(object);
  const leftMs = holder ? holder.until.getTime() - wait.now().getTime() : 0;
  const waited = waitedMs > 0 ? ` after waiting ${Math.round(waitedMs / 1000)} s` : '';
  if (leftMs <= 0) {
    throw new ObjectBusyError(`${objectKey(object)} is being handled by another worker${waited}`);
  }
  const retryAfterSeconds = Math.ceil(leftMs / 1000);
  throw new ObjectBusyError(
    `${objectKey(object)} is being handled by another worker (${holder?.owner})${waited}; its lease ends in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}
