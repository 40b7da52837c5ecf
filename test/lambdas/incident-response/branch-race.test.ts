import { afterEach, describe, expect, it } from 'vitest';
import { type World, world } from './support/world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** The branch update, as Octokit sends it (the ref's slash percent-encoded). */
const REF_UPDATE = /\/git\/refs\/heads(\/|%2F)main$/;

describe('a revert that loses every race for the branch', () => {
  it('is retried, not refused for good: the next delivery pushes it once the branch is quiet', async () => {
    // Prepare: other reverts of the repository push to main before each of this revert's four updates
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
    const message = w.flux({
      reason: 'HealthCheckFailed',
      severity: 'error',
      revision: `main@sha1:${failing}`,
    });

    // Act: the first delivery meets the race; SQS delivers the message again
    const first = w.run(message, 'm-1');
    await expect(first).rejects.toMatchObject({
      name: 'ObjectBusyError',
      message: expect.stringMatching(/kept moving/),
    });
    const retried = await w.run(message, 'm-1');

    // Assess: pushed once, counted once, no refusal left behind
    expect(raced).toBe(4);
    expect(retried.revert?.outcome).toBe('reverted');
    const reverts = (await w.commitsAfter(failing)).filter((line) => / Revert /.test(` ${line.slice(41)}`));
    expect(reverts).toHaveLength(1);
    const apps = { cluster: 'prod', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } as const;
    expect(await w.store.countReverts(apps, { object: new Date(0), cluster: new Date(0) })).toEqual({
      object: 1,
      cluster: 1,
    });
    expect(w.alerts().map((a) => a.state)).toEqual(['reverted']);
  });
});
