import { expect } from 'vitest';
import { OctokitGitHub } from '../../../../lambdas/revert/github-client.js';
import { createGitHubOctokit, type GitHubOctokitInstance } from '../../../../lambdas/revert/octokit.js';
import { TimeBudget, WritePacer } from '../../../../lambdas/revert/rate-limits.js';
import {
  RevertEngine,
  type RevertRequest,
  type RevertResult,
} from '../../../../lambdas/revert/revert-engine.js';
import { type CommitSpec, FakeGitHub, type FakeGitHubOptions, GitRepo } from '../../../../sandbox/index.js';

/** The scope most scenarios revert: one Kustomization's `spec.path`. */
export const SCOPE = 'clusters/prod/apps';

/** The first commit of every scenario repository: files in and out of scope, modes and a symlink. */
export const INITIAL: CommitSpec = {
  message: 'Initial layout',
  files: {
    'README.md': '# gitops\n',
    'clusters/prod/apps/app.yaml': 'image: web:1.0.0\nreplicas: 2\n',
    'clusters/prod/apps/config.yaml': 'level: info\n',
    'clusters/prod/apps/hook.sh': { content: '#!/bin/sh\necho hook\n', mode: '100755' },
    'clusters/prod/apps/current': { content: 'app.yaml', mode: '120000' },
    'clusters/prod/apps/logo.bin': Buffer.from([0, 1, 2, 255, 254, 0, 10, 13]),
    'clusters/prod/infra/infra.yaml': 'ingress: nginx\n',
  },
};

/** A bare repository with a fake GitHub in front of it and an engine talking to it through Octokit. */
export interface Harness {
  repo: GitRepo;
  fake: FakeGitHub;
  github: OctokitGitHub;
  octokit: GitHubOctokitInstance;
  engine: RevertEngine;
  /** The first commit (the usual good revision). */
  good: string;
  incident: RevertRequest['incident'];
  close(): Promise<void>;
}

/** Builds a repository with {@link INITIAL} plus `commits` on `main`, and starts the fake. */
export async function harness(
  commits: readonly CommitSpec[] = [],
  options: Partial<Omit<FakeGitHubOptions, 'repo'>> & { token?: string; budgetMs?: number } = {},
): Promise<Harness & { shas: string[] }> {
  const repo = await GitRepo.create();
  const [good, ...shas] = await repo.commit('main', [INITIAL, ...commits]);
  const fake = await new FakeGitHub({ repo, logins: { 'dev@example.test': 'dev' }, ...options }).start();
  const octokit = createGitHubOctokit({
    credentials: { kind: 'token', token: options.token ?? 'test-token' },
    baseUrl: fake.url,
    waitUnitMs: 1,
    budget: new TimeBudget(options.budgetMs ?? 60_000),
    pacer: new WritePacer({ burst: 1000 }),
  });
  const github = new OctokitGitHub(octokit, fake.owner, fake.name);
  return {
    repo,
    fake,
    github,
    octokit,
    engine: new RevertEngine(github),
    good: good as string,
    shas,
    incident: {
      id: 'INC-42',
      layer: 'health check',
      evidence: 'Deployment web: 0/2 ready',
      link: 'https://example.test/i/42',
    },
    async close() {
      await fake.stop();
      await repo.remove();
    },
  };
}

/**
 * Checks a direct revert with git itself: the new head's parent is the old head, the scope equals
 * the good revision (`git diff <good> HEAD -- <scope>` is empty) and nothing outside the scope
 * changed.
 */
export async function expectRevertedInGit(
  repo: GitRepo,
  { good, before, scope = [SCOPE] }: { good: string; before: string; scope?: string[] },
): Promise<string> {
  const after = await repo.revParse('refs/heads/main');
  expect(after).not.toBe(before);
  expect((await repo.git(['show', '-s', '--format=%P', after])).trim()).toBe(before);
  expect(await repo.diffNames(good, after, scope)).toEqual([]);
  const outside = (await repo.diffNames(before, after)).filter(
    (p) => !scope.some((s) => s === '' || p === s || p.startsWith(`${s}/`)),
  );
  expect(outside).toEqual([]);
  return after;
}

/**
 * Reverts `failing` on `main` within {@link SCOPE} from the harness's good revision, with the
 * harness's incident; `overrides` replaces any of those.
 */
export function revertIn(
  h: Harness,
  failing: string,
  overrides: Partial<RevertRequest> = {},
): Promise<RevertResult> {
  return h.engine.revert({
    branch: 'main',
    failing,
    good: h.good,
    scope: [SCOPE],
    incident: h.incident,
    ...overrides,
  });
}
