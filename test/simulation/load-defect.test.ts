/**
 * A worker defect the load test found (test/simulation/load.test.ts): when several Kustomizations
 * of one repository fail at once, their reverts race for the same branch. A revert that loses the
 * race four times answers `refused` ("main kept moving: 4 attempts were not a fast forward"), the
 * ledger records `refused`, and every later message about the same failure (Flux's next
 * HealthCheckFailed, the follow-up check) meets "the ledger already holds refused: nothing pushed
 * again". The Kustomization stays broken although the branch is quiet again; in the load run two
 * of ten failing Kustomizations were never reverted.
 *
 * This file fails until the worker treats a branch that kept moving as a transient failure (the
 * message retried, or the ledger left open for the next delivery). It is kept apart so the load
 * test's other invariants stay green meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type World, world } from '../lambdas/incident-response/support/world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** The branch update, as Octokit sends it (the ref's slash percent-encoded). */
const REF_UPDATE = /\/git\/refs\/heads(\/|%2F)main$/;

describe('a revert that lost the race for the branch', () => {
  it('is pushed by the next delivery of the same failure once the branch is quiet', async () => {
    // Prepare: other reverts push to main before each of this revert's first four updates.
    w = await world();
    const x = w;
    const [, failing] = w.shas as [string, string];
    w.deploy({ state: 'crashloop', attempted: failing });
    let raced = 0;
    w.github.beforeHandle = async (request) => {
      if (raced >= 4 || request.method !== 'PATCH' || !REF_UPDATE.test(request.path)) return;
      raced += 1;
      await x.repo.commit('main', [
        { message: `Another team's revert ${raced}`, files: { [`docs/team-${raced}.md`]: 'reverted\n' } },
      ]);
    };
    const first = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
      'm-1',
    );

    // Act: Flux posts HealthCheckFailed again on its next retry; the branch no longer moves.
    w.clock.now = new Date(w.clock.now.getTime() + 60_000);
    const second = await w.run(
      w.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
      'm-2',
    );

    // Assert
    expect(raced).toBe(4);
    expect(first.revert?.reason).toMatch(/kept moving/);
    const reverts = (await w.commitsAfter(failing)).filter((line) => / Revert /.test(` ${line.slice(41)}`));
    expect({ second: second.revert?.outcome ?? second.code, reverts: reverts.length }).toEqual({
      second: 'reverted',
      reverts: 1,
    });
  });
});
