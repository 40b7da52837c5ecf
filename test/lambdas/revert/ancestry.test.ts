import { afterEach, describe, expect, it } from 'vitest';
import { RevertEngine } from '../../../lambdas/revert/index.js';
import type { GitRepo } from '../../../sandbox/index.js';
import { type Harness, harness, revertIn, SCOPE } from './support/harness.js';

let h: (Harness & { shas: string[] }) | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const INFRA = 'clusters/prod/infra/infra.yaml';

/** Merges `side` into main with a merge commit dated after everything else, as a merged pull request. */
async function mergeIntoMain(repo: GitRepo, side: string, message: string): Promise<string> {
  const main = await repo.revParse('refs/heads/main');
  const other = await repo.revParse(`refs/heads/${side}`);
  const tree = (await repo.git(['merge-tree', '--write-tree', main, other])).trim().split('\n')[0] as string;
  const date = '@1790000000 +0000';
  const sha = (
    await repo.git(['commit-tree', tree, '-p', main, '-p', other, '-m', message], {
      env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    })
  ).trim();
  await repo.git(['update-ref', 'refs/heads/main', sha, main]);
  return sha;
}

describe('ancestry within the comparison', () => {
  it('lists compared commits chronologically, as GitHub does, not in topological order', async () => {
    // Prepare
    h = await harness();
    await h.repo.git(['update-ref', 'refs/heads/side', h.good]);
    const [sideCommit] = await h.repo.commit('side', [
      { message: 'Tune ingress', files: { [INFRA]: 'x\n' } },
    ]);
    const [failing] = await h.repo.commit('main', [
      { message: 'Break the app', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
    ]);
    const merge = await mergeIntoMain(h.repo, 'side', 'Merge pull request #7 from acme/side');

    // Act
    const comparison = await h.github.compare(h.good, 'main');

    // Assess
    expect(comparison.commits.map((c) => c.sha)).toEqual([sideCommit, failing, merge]);
  });

  it('reverts only the ancestors of the failing commit when a side branch is merged after it', async () => {
    // Prepare
    h = await harness();
    await h.repo.git(['update-ref', 'refs/heads/side', h.good]);
    await h.repo.commit('side', [{ message: 'Tune ingress', files: { [INFRA]: 'ingress: tuned\n' } }]);
    const [failing] = await h.repo.commit('main', [
      { message: 'Break the app', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
    ]);
    await mergeIntoMain(h.repo, 'side', 'Merge pull request #7 from acme/side');

    // Act
    const result = await revertIn(h, failing as string, { mode: 'dry-run' });

    // Assess
    expect(result.outcome).toBe('planned');
    expect(result.revertedCommits.map((c) => c.subject)).toEqual(['Break the app']);
    expect(result.plan?.message).not.toContain('Tune ingress');
  });

  it('is not refused because an earlier fluxguard revert was merged from a side branch after the failing commit', async () => {
    // Prepare
    h = await harness();
    await h.repo.git(['update-ref', 'refs/heads/fluxguard/revert-0123456', h.good]);
    await h.repo.commit('fluxguard/revert-0123456', [
      {
        message:
          'Revert "Older change"\n\nFluxguard restored clusters/prod/infra/.\n\nFluxguard-Revert-Of: 0123456789abcdef0123456789abcdef01234567\nFluxguard-Incident: INC-1',
        files: { [INFRA]: 'ingress: nginx-old\n' },
      },
    ]);
    const [failing] = await h.repo.commit('main', [
      { message: 'Break the app', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
    ]);
    await mergeIntoMain(h.repo, 'fluxguard/revert-0123456', 'Merge pull request #8');

    // Act
    const result = await revertIn(h, failing as string);

    // Assess
    expect(result.outcome).toBe('reverted');
    expect((await h.repo.show('refs/heads/main', `${SCOPE}/app.yaml`)).toString()).toBe(
      'image: web:1.0.0\nreplicas: 2\n',
    );
    expect((await h.repo.show('refs/heads/main', INFRA)).toString()).toBe('ingress: nginx-old\n');
  });

  it('refuses a good revision that is not an ancestor of the failing commit and writes nothing', async () => {
    // Prepare
    h = await harness();
    await h.repo.git(['update-ref', 'refs/heads/other', h.good]);
    const [foreign] = await h.repo.commit('other', [
      {
        message: 'Experimental config on another branch',
        files: { [`${SCOPE}/config.yaml`]: 'level: trace\nexperimental: true\n' },
      },
    ]);
    const [failing] = await h.repo.commit('main', [
      { message: 'Break the app', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
    ]);

    // Act
    const result = await revertIn(h, failing as string, { good: foreign as string });

    // Assess
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'good-not-ancestor' });
    expect(result.retryable).toBeUndefined();
    expect(result.reason).toContain('not an ancestor');
    expect(await h.repo.revParse('refs/heads/main')).toBe(failing);
    expect(h.fake.calls().filter((c) => !c.startsWith('GET '))).toEqual([]);
  });
});

describe('an abbreviated good revision', () => {
  it('is resolved by the comparison and checked as an ancestor like a full SHA', async () => {
    // Prepare
    h = await harness([
      { message: 'Break the app', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
    ]);
    const [failing] = h.shas as [string];

    // Act
    const result = await revertIn(h, failing, { good: h.good.slice(0, 12), mode: 'dry-run' });

    // Assess
    expect(result.outcome).toBe('planned');
  });
});

describe('an incomplete comparison', () => {
  it('diffs the trees when GitHub leaves the file list out', async () => {
    // Prepare
    h = await harness([
      { message: 'Break the app', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
      { message: 'Later, elsewhere', files: { 'README.md': '# later\n' } },
    ]);
    const [failing] = h.shas as [string];
    const github = h.github;
    const withoutFiles = new Proxy(github, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'compare' && property !== 'compareWithBranch') {
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (base: string, head: string) => ({
          ...(await (value as typeof github.compare).call(target, base, head)),
          files: undefined,
        });
      },
    });
    const engine = new RevertEngine(withoutFiles);

    // Act
    const result = await revertIn({ ...h, engine }, failing);

    // Assess
    expect(result.outcome).toBe('reverted');
    expect(h.fake.calls().filter((c) => c.includes('/git/trees/')).length).toBeGreaterThan(1);
    expect((await h.repo.show('refs/heads/main', `${SCOPE}/app.yaml`)).toString()).toBe(
      'image: web:1.0.0\nreplicas: 2\n',
    );
    expect((await h.repo.show('refs/heads/main', 'README.md')).toString()).toBe('# later\n');
  });
});
