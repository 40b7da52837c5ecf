import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { expectRevertedInGit, type Harness, harness, SCOPE } from '../lambdas/revert/support/harness.js';
import { captureIO } from '../support/capture-io.js';

let h: (Harness & { shas: string[] }) | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('fluxguard revert', () => {
  it('dry-runs, then reverts, then reports already-reverted, exiting 0 each time', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    const io = captureIO({ GITHUB_TOKEN: 'test-token', GITHUB_API_URL: h.fake.url });
    const args = ['revert', '--repo', 'acme/gitops', '--branch', 'main', '--failing', failing];
    const withPath = [...args, '--path', `./${SCOPE}`, '--path', `${SCOPE}/sub`, '--incident', 'INC-9'];

    // Act
    const dry = await main([...withPath, '--mode', 'dry-run'], io);
    const direct = await main([...withPath, '--json'], io);
    const again = await main(withPath, io);

    // Assess
    expect([dry, direct, again]).toEqual([0, 0, 0]);
    expect(io.out[0]).toMatch(/^planned: /);
    expect(io.out[1]).toBe(`  restore ${SCOPE}/app.yaml`);
    expect(JSON.parse(io.out[2] as string)).toMatchObject({ outcome: 'reverted', good: h.good });
    expect(io.out[3]).toMatch(/^already-reverted: /);
    await expectRevertedInGit(h.repo, { good: h.good, before: failing });
  });

  it('exits 1 when it refuses, 69 when GitHub says no, and 64 on a bad command line', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    const env = { GITHUB_TOKEN: 'test-token', GITHUB_API_URL: h.fake.url };
    const base = ['revert', '--repo', 'acme/gitops', '--branch', 'main'];
    await main([...base, '--failing', failing], captureIO(env));
    const revertSha = await h.repo.revParse('refs/heads/main');

    // Act
    const refused = await main([...base, '--failing', revertSha], captureIO(env));
    const missing = captureIO(env);
    const notFound = await main(
      ['revert', '--repo', 'acme/gitops', '--branch', 'gone', '--failing', failing],
      missing,
    );
    const badMode = await main([...base, '--failing', failing, '--mode', 'yolo'], captureIO(env));
    const noToken = await main([...base, '--failing', failing], captureIO({}));
    const requestsBefore = h.fake.requests.length;
    const foreign = captureIO(env);
    const foreignHost = await main(
      [
        'revert',
        '--repo',
        'https://git.attacker.example/acme/gitops.git',
        '--branch',
        'main',
        '--failing',
        failing,
      ],
      foreign,
    );

    // Assess
    expect(refused).toBe(1);
    expect(notFound).toBe(69);
    expect(missing.err.join('')).toContain('branch "gone" not found in acme/gitops');
    expect(badMode).toBe(64);
    expect(noToken).toBe(64);
    expect(foreignHost).toBe(64);
    expect(foreign.err.join('')).toContain('git.attacker.example');
    expect(h.fake.requests.length).toBe(requestsBefore);
  });
});
