/**
 * Found by the load test: Flux reports every Kustomization of a GitRepository at the branch head,
 * so Kustomizations broken by different commits, or by one, name the same failing revision. Each
 * revert is scoped to its own path, and each gets its own reapply pull request
 * (`fluxguard/reapply-<short sha>-<Kustomization>`): a shared one would put back only the first
 * Kustomization's path while the second alert linked it.
 */
import { describe, expect, it } from 'vitest';
import { processIncident } from '../../lambdas/incident-response/index.js';
import { fluxRevision, incidentInputOf, loadWorld } from './support/load-world.js';

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
