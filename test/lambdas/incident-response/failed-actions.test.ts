import { afterEach, describe, expect, it } from 'vitest';
import { BUMP, type World, world } from './support/world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** Runs the failing rollout of the newest commit of `v` (a Flux health check failure). */
async function failingRollout(v: World) {
  const failing = v.shas.at(-1) as string;
  v.deploy({ state: 'crashloop', attempted: failing });
  const outcome = await v.run(
    v.flux({ reason: 'HealthCheckFailed', severity: 'error', revision: `main@sha1:${failing}` }),
  );
  return { failing, outcome };
}

describe('actions whose failure the pipeline absorbs are in the outcome’s failedActions', () => {
  it('lists none when every action succeeded', async () => {
    // Prepare
    w = await world([BUMP]);

    // Act
    const { outcome } = await failingRollout(w);

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'reverted' } });
    expect(outcome.actions.map((a) => a.kind)).toContain('reapply-pull-request');
    expect(outcome.failedActions).toEqual([]);
  });

  it('lists the reconcile request Flux refused, after a pushed revert', async () => {
    // Prepare
    w = await world([BUMP], { reapplyPullRequest: false });
    w.kube.faults.push(({ method, path }) =>
      method === 'PATCH' && path.includes('/gitrepositories/')
        ? { status: 403, message: 'forbidden' }
        : undefined,
    );

    // Act
    const { failing, outcome } = await failingRollout(w);

    // Assess
    expect(await w.commitsAfter(failing)).toHaveLength(1);
    expect(outcome).toMatchObject({ kind: 'acted', code: 'confirmed-failure' });
    expect(outcome.failedActions).toEqual([
      { kind: 'reconcile', reason: expect.stringMatching(/forbidden/) },
    ]);
  });

  it('lists the reapply pull request GitHub would not open', async () => {
    // Prepare
    w = await world([BUMP]);
    w.github.fail({ method: 'POST', path: /\/pulls$/, status: 403, times: 5 });

    // Act
    const { outcome } = await failingRollout(w);

    // Assess
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'reverted' } });
    expect(outcome.failedActions).toEqual([
      { kind: 'reapply-pull-request', reason: expect.stringMatching(/403|not accessible|forbidden/i) },
    ]);
  });

  it('lists the reapply pull request the revert engine refused, which is not "nothing to reapply"', async () => {
    // Prepare: once the revert is pushed, GitHub truncates every tree listing
    const v = await world([BUMP]);
    w = v;
    v.github.beforeHandle = async (request) => {
      if (request.method === 'PATCH' && /\/git\/refs\/heads(\/|%2F)main$/i.test(request.path)) {
        v.github.fail({
          method: 'GET',
          path: /\/git\/trees\//,
          status: 200,
          body: { sha: '0'.repeat(40), url: '', tree: [], truncated: true },
          times: 10,
        });
      }
    };

    // Act
    const { failing, outcome } = await failingRollout(v);

    // Assess
    expect(await v.commitsAfter(failing)).toHaveLength(1);
    expect(outcome).toMatchObject({ kind: 'acted', revert: { outcome: 'reverted' } });
    expect(v.github.pulls).toEqual([]);
    expect(outcome.failedActions).toEqual([
      { kind: 'reapply-pull-request', reason: expect.stringMatching(/refused: the trees are too large/) },
    ]);
    expect(outcome.steps.find((s) => s.step === 'reapply')?.detail).not.toMatch(/nothing to reapply/);
  });
});
