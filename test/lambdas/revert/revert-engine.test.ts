import { afterEach, describe, expect, it } from 'vitest';
import { GitHubNotFoundError, GitHubPermissionError } from '../../../lambdas/revert/errors.js';
import { type GitHubGitApi, OctokitGitHub } from '../../../lambdas/revert/github-client.js';
import { RevertEngine } from '../../../lambdas/revert/revert-engine.js';
import { parseTrailers } from '../../../lambdas/revert/trailers.js';
import { COMPARE_COMMIT_CAP } from '../../../sandbox/index.js';
import { expectRevertedInGit, type Harness, harness, revertIn, SCOPE } from './support/harness.js';

let h: (Harness & { shas: string[] }) | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const writes = (calls: string[]) => calls.filter((c) => !c.startsWith('GET '));

describe('a direct revert through the fake GitHub', () => {
  it('reverts a single commit with a known good revision in 5 requests, reading the comparison and the good tree in parallel, and git agrees', async () => {
    // Prepare
    h = await harness([
      { message: 'Bump web to 2.0.0', files: { [`${SCOPE}/app.yaml`]: 'image: web:2.0.0\nreplicas: 2\n' } },
    ]);
    const [failing] = h.shas as [string];
    const fake = h.fake;
    let treeReadDuringCompare = false;
    fake.beforeHandle = async (request) => {
      if (!request.path.includes('/compare/')) return;
      // Hold the comparison up to 1 s: a parallel good-tree read arrives meanwhile.
      for (
        let waited = 0;
        waited < 1000 && !fake.calls().some((c) => c.includes('/git/trees/'));
        waited += 10
      )
        await new Promise((resolve) => setTimeout(resolve, 10));
      treeReadDuringCompare = fake.calls().some((c) => c.includes('/git/trees/'));
    };

    // Act
    const result = await revertIn(h, failing, { scope: [`./${SCOPE}/`] });

    // Assess
    expect(result.outcome).toBe('reverted');
    expect(result.revertedCommits).toEqual([
      {
        sha: failing,
        subject: 'Bump web to 2.0.0',
        author: { name: 'Dev', email: 'dev@example.test', login: 'dev' },
        htmlUrl: `https://github.com/acme/gitops/commit/${failing}`,
      },
    ]);
    expect(result.compareUrl).toBe(`https://github.com/acme/gitops/compare/${h.good}...${failing}`);
    const after = await expectRevertedInGit(h.repo, { good: h.good, before: failing });
    expect(result.commitSha).toBe(after);
    const repoPath = '/repos/acme/gitops';
    expect(h.fake.calls().slice(0, 2).sort()).toEqual([
      `GET ${repoPath}/compare/${h.good}...main`,
      `GET ${repoPath}/git/trees/${h.good}`,
    ]);
    expect(h.fake.calls().slice(2)).toEqual([
      `POST ${repoPath}/git/trees`,
      `POST ${repoPath}/git/commits`,
      `PATCH ${repoPath}/git/refs/heads%2Fmain`,
    ]);
    expect(treeReadDuringCompare).toBe(true);
    const message = await h.repo.git(['log', '-1', '--format=%B', after]);
    expect(message.split('\n')[0]).toBe('Revert "Bump web to 2.0.0"');
    const trailers = await h.repo.git(['interpret-trailers', '--parse'], { input: message });
    expect(trailers).toBe(`Fluxguard-Revert-Of: ${failing}\nFluxguard-Incident: INC-42\n`);
  });

  it('takes the first parent as the good revision when none is given', async () => {
    // Prepare
    h = await harness([{ message: 'Bump', files: { [`${SCOPE}/app.yaml`]: 'image: web:2.0.0\n' } }]);
    const [failing] = h.shas as [string];

    // Act
    const result = await h.engine.revert({ branch: 'main', failing, scope: [SCOPE], incident: h.incident });

    // Assess
    expect(result).toMatchObject({ outcome: 'reverted', good: h.good });
    await expectRevertedInGit(h.repo, { good: h.good, before: failing });
  });

  it('reverts three commits since good as one commit naming each of them', async () => {
    // Prepare
    h = await harness([
      { message: 'One', files: { [`${SCOPE}/app.yaml`]: 'image: web:1.1.0\n' } },
      { message: 'Two', files: { [`${SCOPE}/config.yaml`]: 'level: debug\n' } },
      { message: 'Three', files: { [`${SCOPE}/extra.yaml`]: 'x: 1\n' } },
    ]);
    const failing = h.shas[2] as string;

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result.outcome).toBe('reverted');
    expect(result.revertedCommits.map((c) => c.subject)).toEqual(['One', 'Two', 'Three']);
    const after = await expectRevertedInGit(h.repo, { good: h.good, before: failing });
    const message = await h.repo.git(['log', '-1', '--format=%B', after]);
    expect(message.split('\n')[0]).toBe(`Revert 3 commits to ${h.good.slice(0, 7)}`);
    expect(
      parseTrailers(message)
        .filter((t) => t.key === 'Fluxguard-Revert-Of')
        .map((t) => t.value),
    ).toEqual(h.shas);
    expect(h.fake.calls().length).toBeLessThanOrEqual(7);
  });

  it('keeps later commits to other paths and reverts in 6 requests', async () => {
    // Prepare
    h = await harness([
      { message: 'Break the app', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
      {
        message: 'Tune ingress',
        files: { 'clusters/prod/infra/infra.yaml': 'ingress: envoy\n', 'README.md': '# new\n' },
      },
    ]);
    const [failing, later] = h.shas as [string, string];

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result.outcome).toBe('reverted');
    const after = await expectRevertedInGit(h.repo, { good: h.good, before: later });
    expect((await h.repo.show(after, 'clusters/prod/infra/infra.yaml')).toString()).toBe('ingress: envoy\n');
    expect(h.fake.calls()).toHaveLength(6);
  });

  it('opens a pull request instead of pushing when a later commit changed the same file', async () => {
    // Prepare
    h = await harness([
      { message: 'Break the app', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
      { message: 'Scale the app', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\nreplicas: 5\n' } },
    ]);
    const [failing, later] = h.shas as [string, string];

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result.outcome).toBe('pull-request-opened');
    expect(result.conflicts).toEqual([`${SCOPE}/app.yaml`]);
    expect(result.pullRequestBranch).toBe(`fluxguard/revert-${failing.slice(0, 7)}`);
    expect(await h.repo.revParse('refs/heads/main')).toBe(later);
    expect(h.fake.pulls).toHaveLength(1);
    expect(h.fake.pulls[0]?.body).toContain(`- ${SCOPE}/app.yaml`);
    const prHead = await h.repo.revParse(`refs/heads/${result.pullRequestBranch}`);
    expect(await h.repo.diffNames(h.good, prHead, [SCOPE])).toEqual([]);
    expect((await h.repo.git(['rev-parse', `${prHead}^1`])).trim()).toBe(later);
  });

  it('refuses to revert a fluxguard revert, and answers already-reverted to a second call', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    const request = { branch: 'main', failing, good: h.good, scope: [SCOPE], incident: h.incident };
    const first = await h.engine.revert(request);
    const requestsBefore = h.fake.calls().length;

    // Act
    const again = await h.engine.revert(request);
    const ofRevert = await h.engine.revert({ ...request, failing: first.commitSha as string, good: failing });

    // Assess
    expect(again).toMatchObject({ outcome: 'already-reverted', commitSha: first.commitSha });
    expect(ofRevert).toMatchObject({ outcome: 'refused', refusal: 'revert-of-revert' });
    expect(ofRevert.reason).toMatch(/itself a fluxguard revert/);
    expect(writes(h.fake.calls().slice(requestsBefore))).toEqual([]);
    expect(await h.repo.revParse('refs/heads/main')).toBe(first.commitSha);
  });

  it('reverts a second Kustomization hit by a commit already reverted for another, and nothing twice', async () => {
    // Prepare: one commit breaks two Kustomizations' paths; the first incident reverts its own.
    const INFRA = 'clusters/prod/infra';
    h = await harness([
      {
        message: 'Break both',
        files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n', [`${INFRA}/infra.yaml`]: 'ingress: broken\n' },
      },
    ]);
    const [failing] = h.shas as [string];
    const request = { branch: 'main', failing, good: h.good, incident: h.incident };
    const apps = await h.engine.revert({ ...request, scope: [SCOPE] });
    expect(apps.outcome).toBe('reverted');

    // Act
    const infra = await h.engine.revert({ ...request, scope: [`./${INFRA}/`] });
    const appsAgain = await h.engine.revert({ ...request, scope: [SCOPE] });
    const infraAgain = await h.engine.revert({ ...request, scope: [INFRA] });

    // Assess
    expect(infra.outcome).toBe('reverted');
    await expectRevertedInGit(h.repo, { good: h.good, before: apps.commitSha as string, scope: [INFRA] });
    expect(appsAgain).toMatchObject({ outcome: 'already-reverted', commitSha: apps.commitSha });
    expect(infraAgain).toMatchObject({ outcome: 'already-reverted', commitSha: infra.commitSha });
    expect(await h.repo.revParse('refs/heads/main')).toBe(infra.commitSha);
  });

  it('does not revert a change relanded after its revert when the incident is retried', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    const request = { branch: 'main', failing, good: h.good, scope: [SCOPE], incident: h.incident };
    await h.engine.revert(request);
    const [reland] = await h.repo.commit('main', [
      { message: 'Reland', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
    ]);

    // Act
    const retry = await h.engine.revert(request);

    // Assess
    expect(retry.outcome).toBe('already-reverted');
    expect(await h.repo.revParse('refs/heads/main')).toBe(reland);
  });

  it('deletes a file the failing commit added and restores one it deleted', async () => {
    // Prepare
    h = await harness([
      {
        message: 'Add and remove',
        files: { [`${SCOPE}/new.yaml`]: 'added: true\n', [`${SCOPE}/config.yaml`]: null },
      },
    ]);
    const [failing] = h.shas as [string];

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result.outcome).toBe('reverted');
    const after = await expectRevertedInGit(h.repo, { good: h.good, before: failing });
    expect(await h.repo.modeOf(after, `${SCOPE}/new.yaml`)).toBeUndefined();
    expect((await h.repo.show(after, `${SCOPE}/config.yaml`)).toString()).toBe('level: info\n');
  });

  it('undoes a rename as a delete plus a restore', async () => {
    // Prepare
    h = await harness([
      { message: 'Rename config', renames: [[`${SCOPE}/config.yaml`, `${SCOPE}/settings.yaml`]] },
    ]);
    const [failing] = h.shas as [string];

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result.plan?.changes.map((c) => [c.path, c.sha === null])).toEqual([
      [`${SCOPE}/config.yaml`, false],
      [`${SCOPE}/settings.yaml`, true],
    ]);
    await expectRevertedInGit(h.repo, { good: h.good, before: failing });
  });

  it('restores binary content byte for byte, the executable bit and a symlink', async () => {
    // Prepare
    h = await harness([
      {
        message: 'Generate a ConfigMap from the non-manifest files',
        files: {
          [`${SCOPE}/kustomization.yaml`]: [
            'resources: [app.yaml, config.yaml]',
            'configMapGenerator:',
            '  - name: assets',
            '    files: [logo.bin, hook=hook.sh, current]',
            '',
          ].join('\n'),
        },
      },
      {
        message: 'Binary, mode and link',
        files: {
          [`${SCOPE}/logo.bin`]: Buffer.from([255, 0, 0, 7]),
          [`${SCOPE}/hook.sh`]: { content: '#!/bin/sh\necho hook\n', mode: '100644' },
          [`${SCOPE}/current`]: { content: 'config.yaml', mode: '120000' },
        },
      },
    ]);
    const [good, failing] = h.shas as [string, string];

    // Act
    const result = await revertIn(h, failing, { good });

    // Assess
    expect(result.outcome).toBe('reverted');
    const after = await expectRevertedInGit(h.repo, { good, before: failing });
    expect(await h.repo.show(after, `${SCOPE}/logo.bin`)).toEqual(
      Buffer.from([0, 1, 2, 255, 254, 0, 10, 13]),
    );
    expect(await h.repo.modeOf(after, `${SCOPE}/hook.sh`)).toBe('100755');
    expect(await h.repo.modeOf(after, `${SCOPE}/current`)).toBe('120000');
    expect((await h.repo.show(after, `${SCOPE}/current`)).toString()).toBe('app.yaml');
  });

  it('meets a push racing the revert with 422, re-reads the head and succeeds on top of it', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    let raced: string | undefined;
    const { fake, repo, good } = h;
    fake.beforeHandle = async (request) => {
      if (request.method === 'PATCH' && !raced) {
        [raced] = await repo.commit('main', [
          { message: 'Racing push', files: { 'README.md': '# raced\n' } },
        ]);
      }
    };

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result).toMatchObject({ outcome: 'reverted', attempts: 2 });
    expect(fake.calls().filter((c) => c.startsWith('PATCH'))).toHaveLength(2);
    expect(fake.calls().filter((c) => c.endsWith(`/compare/${good}...main`))).toHaveLength(2);
    expect(fake.calls().filter((c) => c.startsWith('GET') && c.includes('/git/trees/'))).toHaveLength(1);
    await expectRevertedInGit(repo, { good: h.good, before: raced as string });
  });

  it('gives up with refused when the branch moves under every one of the 4 attempts', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    const repo = h.repo;
    let pushes = 0;
    h.fake.beforeHandle = async (request) => {
      if (request.method === 'PATCH') {
        pushes += 1;
        await repo.commit('main', [{ message: `Push ${pushes}`, files: { 'README.md': `# ${pushes}\n` } }]);
      }
    };

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result).toMatchObject({
      outcome: 'refused',
      refusal: 'branch-kept-moving',
      retryable: true,
      attempts: 4,
    });
    expect(pushes).toBe(4);
  });

  it('diffs the trees when more than 300 files changed', async () => {
    // Prepare
    const files: Record<string, string> = {};
    for (let i = 0; i < 320; i += 1) files[`${SCOPE}/many/f${i}.yaml`] = `n: ${i}\n`;
    files[`${SCOPE}/app.yaml`] = 'image: web:huge\n';
    h = await harness([{ message: 'Huge change', files }]);
    const [failing] = h.shas as [string];

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result.outcome).toBe('reverted');
    expect(result.plan?.changes).toHaveLength(321);
    expect(h.fake.calls().filter((c) => c.startsWith('GET') && c.includes('/git/trees/'))).toHaveLength(2);
    await expectRevertedInGit(h.repo, { good: h.good, before: failing });
  });

  it('writes nothing in dry-run and returns the plan', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    const refsBefore = await h.repo.git(['for-each-ref']);
    const objectsBefore = await h.repo.git(['count-objects', '-v']);

    // Act
    const result = await revertIn(h, failing, { mode: 'dry-run' });

    // Assess
    expect(result.outcome).toBe('planned');
    expect(result.plan?.changes).toEqual([
      expect.objectContaining({ path: `${SCOPE}/app.yaml`, mode: '100644', type: 'blob' }),
    ]);
    expect(result.plan?.message).toContain(`Fluxguard-Revert-Of: ${failing}`);
    expect(writes(h.fake.calls())).toEqual([]);
    expect(await h.repo.git(['for-each-ref'])).toBe(refsBefore);
    expect(await h.repo.git(['count-objects', '-v'])).toBe(objectsBefore);
  });

  it('answers nothing-to-revert when the failing commit is not on the branch or the scope already matches', async () => {
    // Prepare
    h = await harness([
      { message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
      { message: 'Fix by hand', files: { [`${SCOPE}/app.yaml`]: 'image: web:1.0.0\nreplicas: 2\n' } },
    ]);
    const [failing] = h.shas as [string];
    await h.repo.git(['update-ref', 'refs/heads/feature', h.good]);
    const [elsewhere] = await h.repo.commit('feature', [{ message: 'Side', files: { 'x.txt': 'x\n' } }]);

    // Act
    const matches = await revertIn(h, failing);
    const offBranch = await h.engine.revert({
      branch: 'main',
      failing: elsewhere as string,
      incident: h.incident,
    });

    // Assess
    expect(matches.outcome).toBe('nothing-to-revert');
    expect(matches.reason).toMatch(/already match /);
    expect(offBranch.outcome).toBe('nothing-to-revert');
    expect(offBranch.reason).toMatch(/not on main/);
    expect(writes(h.fake.calls())).toEqual([]);
  });
  it('refuses when more commits lie between good and the branch than one comparison lists, and writes nothing', async () => {
    // Prepare
    const later = Array.from({ length: COMPARE_COMMIT_CAP + 10 }, (_, i) => ({
      message: `Docs ${i}`,
      files: { 'README.md': `# gitops ${i}\n` },
    }));
    h = await harness([
      { message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } },
      ...later,
    ]);
    const [failing] = h.shas as [string];
    const head = await h.repo.revParse('refs/heads/main');

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'too-many-commits' });
    expect(result.reason).toBe(
      `261 commits lie between ${h.good.slice(0, 7)} and main, more than the 250 GitHub lists in one comparison: too many to revert safely, a human decides`,
    );
    expect(writes(h.fake.calls())).toEqual([]);
    expect(await h.repo.revParse('refs/heads/main')).toBe(head);
  });
});

describe('pull requests', () => {
  it('opens a pull request in pull-request mode and finds it again on a second call', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    const request = {
      branch: 'main',
      failing,
      good: h.good,
      scope: [SCOPE],
      mode: 'pull-request' as const,
      incident: h.incident,
    };

    // Act
    const first = await h.engine.revert(request);
    const second = await h.engine.revert(request);

    // Assess
    expect(first).toMatchObject({ outcome: 'pull-request-opened', pullRequestNumber: 1 });
    expect(first.pullRequestUrl).toMatch(/\/pull\/1$/);
    expect(second).toMatchObject({ outcome: 'pull-request-opened', pullRequestNumber: 1 });
    expect(h.fake.pulls).toHaveLength(1);
    expect(await h.repo.revParse('refs/heads/main')).toBe(failing);
  });

  it('falls back to a pull request when the branch is protected', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }], {
      protectedBranches: ['main'],
    });
    const [failing] = h.shas as [string];

    // Act
    const result = await revertIn(h, failing);
    const noFallback = await revertIn(h, failing, { pullRequestFallback: false });

    // Assess
    expect(result.outcome).toBe('pull-request-opened');
    expect(result.reason).toMatch(/protected/);
    expect(noFallback).toMatchObject({ outcome: 'refused', refusal: 'branch-protected' });
    expect(noFallback.retryable).toBeUndefined();
  });

  it('does not pass off the open pull request of another Kustomization as its own', async () => {
    // Prepare: one commit breaks two Kustomizations on a protected branch; the first opens a PR.
    const INFRA = 'clusters/prod/infra';
    h = await harness(
      [
        {
          message: 'Break both',
          files: {
            [`${SCOPE}/app.yaml`]: 'image: web:broken\n',
            [`${INFRA}/infra.yaml`]: 'ingress: broken\n',
          },
        },
      ],
      { protectedBranches: ['main'] },
    );
    const [failing] = h.shas as [string];
    const request = { branch: 'main', failing, good: h.good, incident: h.incident };
    const apps = await h.engine.revert({ ...request, scope: [SCOPE] });
    const appsPrHead = await h.repo.revParse(`refs/heads/${apps.pullRequestBranch}`);

    // Act
    const appsAgain = await h.engine.revert({ ...request, scope: [SCOPE] });
    const infra = await h.engine.revert({ ...request, scope: [INFRA] });

    // Assess
    expect(apps).toMatchObject({ outcome: 'pull-request-opened', pullRequestNumber: 1 });
    expect(appsAgain).toMatchObject({ outcome: 'pull-request-opened', pullRequestNumber: 1 });
    expect(infra).toMatchObject({ outcome: 'refused', refusal: 'pull-request-mismatch' });
    expect(infra.reason).toMatch(/pull request #1 .* does not restore clusters\/prod\/infra\/infra\.yaml/);
    expect(await h.repo.revParse(`refs/heads/${apps.pullRequestBranch}`)).toBe(appsPrHead);
    expect(await h.repo.revParse('refs/heads/main')).toBe(failing);
  });

  it('falls back to a pull request when a repository ruleset refuses the update', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    h.fake.fail({
      method: 'PATCH',
      path: /\/git\/refs\//,
      status: 422,
      body: {
        message: 'Repository rule violations found\n\nChanges must be made through a pull request.\n\n',
        status: '422',
      },
    });

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result.outcome).toBe('pull-request-opened');
    expect(h.fake.pulls).toHaveLength(1);
    expect(await h.repo.revParse('refs/heads/main')).toBe(failing);
    const prHead = await h.repo.revParse(`refs/heads/${result.pullRequestBranch}`);
    expect(await h.repo.diffNames(h.good, prHead, [SCOPE])).toEqual([]);
  });
});

describe('refusal codes of the paths no other scenario reaches', () => {
  /** `github` with some methods answered by `overrides` (the others as they are). */
  const answering = (github: GitHubGitApi, overrides: Partial<GitHubGitApi>): GitHubGitApi =>
    new Proxy(github, {
      get(target, property) {
        const own: unknown = Reflect.get(overrides, property);
        if (own !== undefined) return own;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

  it('refuses a root commit without a good revision: root-commit', async () => {
    // Prepare
    h = await harness();

    // Act
    const result = await revertIn(h, h.good, { good: undefined });

    // Assess
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'root-commit' });
    expect(result.reason).toMatch(/is a root commit/);
    expect(writes(h.fake.calls())).toEqual([]);
  });

  it('refuses when GitHub truncates a tree listing: tree-too-large', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    h.fake.fail({
      method: 'GET',
      path: /\/git\/trees\//,
      status: 200,
      body: { sha: h.good, url: '', tree: [], truncated: true },
      times: 10,
    });

    // Act
    const result = await revertIn(h, failing);

    // Assess
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'tree-too-large' });
    expect(result.reason).toMatch(/too large for GitHub to list/);
    expect(writes(h.fake.calls())).toEqual([]);
  });

  it('refuses when the comparison has no single head: head-unknown', async () => {
    // Prepare: GitHub answers a comparison with two commits that are no listed commit's parent
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    const github = h.github;
    const engine = new RevertEngine(
      answering(github, {
        async compareWithBranch(base, branch) {
          const comparison = await github.compareWithBranch(base, branch);
          const stray = {
            ...(comparison.commits[0] as (typeof comparison.commits)[number]),
            sha: 'f'.repeat(40),
          };
          return {
            ...comparison,
            commits: [...comparison.commits, stray],
            totalCommits: comparison.totalCommits + 1,
          };
        },
      }),
    );

    // Act
    const result = await engine.revert({
      branch: 'main',
      failing,
      good: h.good,
      scope: [SCOPE],
      incident: h.incident,
    });

    // Assess
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'head-unknown' });
    expect(result.reason).toMatch(/cannot be told/);
    expect(writes(h.fake.calls())).toEqual([]);
  });

  it('refuses when what an earlier revert restored cannot be listed: earlier-revert-too-large', async () => {
    // Prepare: the failing commit changes the scope and a file outside it, and is reverted once
    h = await harness([
      {
        message: 'Break',
        files: {
          [`${SCOPE}/app.yaml`]: 'image: web:broken\n',
          'clusters/prod/infra/infra.yaml': 'ingress: x\n',
        },
      },
    ]);
    const [failing] = h.shas as [string];
    const first = await revertIn(h, failing);
    const revertSha = first.commitSha as string;
    const revertTree = (await h.github.getCommit(revertSha)).treeSha;
    const github = h.github;
    const engine = new RevertEngine(
      answering(github, {
        async compare(base, head) {
          const comparison = await github.compare(base, head);
          return head === revertSha ? { ...comparison, files: undefined } : comparison;
        },
        async getTree(sha) {
          return sha === revertTree ? { entries: [], truncated: true } : github.getTree(sha);
        },
      }),
    );
    const before = h.fake.calls().length;

    // Act
    const result = await engine.revert({
      branch: 'main',
      failing,
      good: h.good,
      scope: [SCOPE],
      incident: h.incident,
    });

    // Assess
    expect(first.outcome).toBe('reverted');
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'earlier-revert-too-large' });
    expect(result.reason).toMatch(/already reverts .* too large for GitHub to list/);
    expect(writes(h.fake.calls().slice(before))).toEqual([]);
  });
});

describe('GitHub errors', () => {
  it('says which permission a 403 lacks', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'image: web:broken\n' } }]);
    const [failing] = h.shas as [string];
    h.fake.fail({
      method: 'POST',
      path: /\/git\/trees$/,
      status: 403,
      body: { message: 'Resource not accessible by integration', status: '403' },
    });

    // Act
    const attempt = revertIn(h, failing);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(GitHubPermissionError);
    await expect(
      h.engine.revert({
        branch: 'main',
        failing,
        good: h.good,
        scope: [SCOPE],
        incident: h.incident,
        mode: 'dry-run',
      }),
    ).resolves.toMatchObject({ outcome: 'planned' });
    h.fake.fail({
      method: 'PATCH',
      path: /\/git\/refs\//,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    await expect(revertIn(h, failing)).rejects.toThrow(
      /lacks the "contents: write" permission on acme\/gitops, needed to update branch main/,
    );
  });

  it('says the credentials are bad on 401', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'x\n' } }], { token: 'wrong' });
    const [failing] = h.shas as [string];

    // Act
    const attempt = h.engine.revert({ branch: 'main', failing, good: h.good, incident: h.incident });

    // Assess
    await expect(attempt).rejects.toThrow(/401 Bad credentials.*invalid or expired/);
  });

  it('names the missing branch, repository or good revision on 404', async () => {
    // Prepare
    h = await harness([{ message: 'Break', files: { [`${SCOPE}/app.yaml`]: 'x\n' } }]);
    const [failing] = h.shas as [string];
    const other = new RevertEngine(new OctokitGitHub(h.octokit, 'acme', 'missing'));

    // Act
    const noBranch = await h.engine
      .revert({ branch: 'nope', failing, good: h.good, incident: h.incident })
      .catch((e) => e);
    const noRepo = await other
      .revert({ branch: 'main', failing, good: h.good, incident: h.incident })
      .catch((e) => e);
    const missing = 'f'.repeat(40);
    const noGood = await h.engine
      .revert({ branch: 'main', failing, good: missing, incident: h.incident })
      .catch((e) => e);

    // Assess
    expect(noBranch).toBeInstanceOf(GitHubNotFoundError);
    expect(noBranch.message).toBe('branch "nope" not found in acme/gitops');
    expect(noRepo).toBeInstanceOf(GitHubNotFoundError);
    expect(noRepo.message).toMatch(/repository acme\/missing not found/);
    expect(noGood).toBeInstanceOf(GitHubNotFoundError);
    await expect(
      other.revert({ branch: 'main', failing, scope: [SCOPE], incident: h.incident }),
    ).rejects.toThrow(/repository acme\/missing not found/);

    expect(noGood.message).toBe(`commit ${missing} not found in acme/gitops`);
  });
});
