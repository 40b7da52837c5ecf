/**
 * A worker defect the load test found (test/simulation/load.test.ts): when several Kustomizations
 * of one repository fail at once, their reverts race for the same branch. A revert that loses the
 * race four times answers `refused` ("main kept moving: 4 attempts were not a fast forward"), the
 * ledger records `refused`, and every later message about the same failure (Flux's next
 * HealthCheckFailed, the follow-up check) meets "the ledger already holds refused: nothing pushed
 * again". The Kustomization stays broken although the branch is quiet again; in the load run two
 * of ten failing Kustomizations were never reverted.
 *
 * A second one, from the same load: the draft reapply pull request is named after the failing
 * commit only (`fluxguard/reapply-<short failing sha>`). When two Kustomizations fail at the same
 * revision (Flux reports every Kustomization of a GitRepository at the branch head), the second
 * finds the first one's pull request open and links it in its alert, though that pull request
 * reapplies only the first Kustomization's path; nothing reapplies the second's change.
 *
 * This file fails until the worker treats a branch that kept moving as a transient failure (the
 * message retried, or the ledger left open for the next delivery), and until each Kustomization's
 * reapply pull request reapplies its own change. It is kept apart so the load test's other
 * invariants stay green meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { processIncident } from '../../lambdas/incident-response/index.js';
import { type World, world } from '../lambdas/incident-response/support/world.js';
import { fluxRevision, incidentInputOf, loadWorld } from './support/load-world.js';

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

describe('two Kustomizations failing at the same revision', () => {
  it('each alert links a reapply pull request that reapplies its own path', async () => {
    // Prepare: team-00 and team-01 broken by one commit each; Flux reports both at the head.
    const x = await loadWorld({
      kustomizations: 2,
      failing: 2,
      settings: { confirmChecks: 1, confirmIntervalMs: 0 },
    });
    try {
      const deps = x.containerDeps({ schedule: async () => undefined });

      // Act: their HealthCheckFailed handled one after the other.
      const reapplied: Record<string, string[]> = {};
      for (const o of x.objects) {
        const event = x.event(o, 'HealthCheckFailed', fluxRevision(x.head), new Date());
        const outcome = await processIncident(incidentInputOf(event), { messageId: o.name }, deps);
        const url = outcome.actions.find((a) => a.kind === 'reapply-pull-request')?.url ?? '';
        const pull = x.github.pulls.find((p) => url.endsWith(`/pull/${p.number}`));
        reapplied[o.name] = pull
          ? (
              await x.repo.git([
                'diff-tree',
                '--no-commit-id',
                '--name-only',
                '-r',
                `refs/heads/${pull.head}`,
              ])
            )
              .split('\n')
              .filter((f) => f !== '')
          : [];
      }

      // Assert
      expect(reapplied).toEqual({
        'team-00': ['apps/team-00/deployment.yaml'],
        'team-01': ['apps/team-01/deployment.yaml'],
      });
    } finally {
      await x.close();
    }
  });
});
