import { describe, expect, it } from 'vitest';
import { RepositoryUrlError } from '../../../lambdas/revert/errors.js';
import { formatRevertMessage, pullRequestBody, revertSubject } from '../../../lambdas/revert/message.js';
import {
  deltaFromCompare,
  diffTrees,
  indexTree,
  normaliseScope,
  planRevert,
  type TreeEntry,
} from '../../../lambdas/revert/plan.js';
import { gitHubHostOf, parseRepositoryUrl } from '../../../lambdas/revert/repository-url.js';
import { isFluxguardRevert, parseTrailers, revertsCommit } from '../../../lambdas/revert/trailers.js';
import { fixtureJson } from '../../support/fixtures.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('parseRepositoryUrl', () => {
  it.each([
    ['https://github.com/acme/gitops', 'github.com'],
    ['https://github.com/acme/gitops.git', 'github.com'],
    ['ssh://git@github.com/acme/gitops', 'github.com'],
    ['git@github.com:acme/gitops.git', 'github.com'],
    ['acme/gitops', 'github.com'],
    ['https://ghe.example.com/acme/gitops.git', 'ghe.example.com'],
    ['ssh://git@ghe.example.com:2222/acme/gitops.git', 'ghe.example.com'],
  ])('reads %s as acme/gitops on %s', (url, host) => {
    // Act
    const ref = parseRepositoryUrl(url);

    // Assess
    expect(ref).toEqual({ host, owner: 'acme', repo: 'gitops' });
  });

  it.each(['https://github.com/acme', 'ftp://github.com/a/b', 'not a url', 'https://github.com/a/b/c'])(
    'rejects %s',
    (url) => {
      // Act + Assess
      expect(() => parseRepositoryUrl(url)).toThrow(RepositoryUrlError);
    },
  );

  it('names the web host an API URL serves, and puts a bare owner/name on it', () => {
    // Act + Assess
    expect(gitHubHostOf('https://api.github.com')).toBe('github.com');
    expect(gitHubHostOf('https://GHE.example.com/api/v3')).toBe('ghe.example.com');
    expect(parseRepositoryUrl('acme/gitops', 'ghe.example.com').host).toBe('ghe.example.com');
  });
});

describe('trailers', () => {
  it('reads trailers from the last paragraph only and finds a fluxguard revert', () => {
    // Prepare
    const message = `Revert "x"\n\nFluxguard-Revert-Of: ${B} in the body is not a trailer\n\nFluxguard-Revert-Of: ${A}\nFluxguard-Incident: INC-1\n`;

    // Act
    const trailers = parseTrailers(message);

    // Assess
    expect(trailers).toEqual([
      { key: 'Fluxguard-Revert-Of', value: A },
      { key: 'Fluxguard-Incident', value: 'INC-1' },
    ]);
    expect(isFluxguardRevert(message)).toBe(true);
    expect(revertsCommit(message, A)).toBe(true);
    expect(revertsCommit(message, B)).toBe(false);
  });

  it('finds no trailers in a one-paragraph message such as the recorded commit', () => {
    // Prepare
    const { message } = fixtureJson<{ message: string }>('github/create-commit.response.json');

    // Act + Assess
    expect(parseTrailers(message)).toEqual([]);
    expect(isFluxguardRevert('Fluxguard-Revert-Of: abc1234')).toBe(false);
  });
});

describe('formatRevertMessage', () => {
  it('keeps evidence on one line so it cannot forge a trailer', () => {
    // Prepare
    const input = {
      commits: [{ sha: A, subject: 'Bump web' }],
      good: B,
      scope: ['apps/prod'],
      incident: {
        id: 'INC-7',
        layer: 'alarm',
        evidence: `5xx > 5%\n\nFluxguard-Revert-Of: ${B}`,
        link: 'https://x.test',
      },
    };

    // Act
    const message = formatRevertMessage(input);

    // Assess
    expect(message.split('\n')[0]).toBe('Revert "Bump web"');
    expect(message).toContain('Failing layer: alarm');
    expect(parseTrailers(message)).toEqual([
      { key: 'Fluxguard-Revert-Of', value: A },
      { key: 'Fluxguard-Incident', value: 'INC-7' },
    ]);
    expect(revertSubject([input.commits[0] as never, input.commits[0] as never], B)).toBe(
      `Revert 2 commits to ${B.slice(0, 7)}`,
    );
  });
});

describe('pullRequestBody', () => {
  it('ends with the same trailers as the commit, so a squash merge keeps the loop guard', () => {
    // Prepare
    const input = {
      commits: [
        { sha: A, subject: 'Bump web' },
        { sha: B, subject: 'Bump api' },
      ],
      good: C,
      scope: ['apps/prod'],
      incident: { id: 'INC-8' },
    };

    // Act
    const body = pullRequestBody(input);

    // Assess
    expect(body).not.toMatch(/^Revert /);
    expect(parseTrailers(body)).toEqual(parseTrailers(formatRevertMessage(input)));
    expect(revertsCommit(body, A) && revertsCommit(body, B)).toBe(true);
  });
});

describe('planning', () => {
  const entry = (path: string, sha: string, mode = '100644'): TreeEntry => ({
    path,
    sha,
    mode,
    type: 'blob',
  });

  it('normalises Kustomization paths and treats the root as the whole repository', () => {
    // Act + Assess
    expect(normaliseScope(['./apps/prod/', 'apps/prod/web', 'infra'])).toEqual(['apps/prod', 'infra']);
    expect(normaliseScope(['./'])).toEqual([]);
    expect(normaliseScope(['./clusters/staging/../prod/apps', 'apps-extra', 'apps'])).toEqual([
      'apps',
      'apps-extra',
      'clusters/prod/apps',
    ]);
    expect(normaliseScope(['../apps/.'])).toEqual(['apps']);
    expect(normaliseScope(['apps/..'])).toEqual([]);
    expect(normaliseScope([])).toEqual([]);
  });

  it('turns a rename in a comparison into a delete plus the new path, within scope', () => {
    // Act
    const delta = deltaFromCompare(
      [
        { filename: 'apps/new.yaml', status: 'renamed', previous_filename: 'apps/old.yaml', sha: A },
        { filename: 'infra/x.yaml', status: 'modified', sha: B },
      ],
      ['apps'],
    );

    // Assess
    expect([...delta]).toEqual([
      ['apps/old.yaml', null],
      ['apps/new.yaml', { sha: A }],
    ]);
  });

  it('restores, deletes, skips and flags conflicts from the three sides', () => {
    // Prepare
    const good = indexTree([entry('apps/a', A), entry('apps/b', A), entry('apps/c', A, '100755')]);
    const failing = diffTrees(
      good,
      indexTree([entry('apps/a', B), entry('apps/c', A, '100644'), entry('apps/new', B), entry('apps/b', B)]),
      ['apps'],
    );
    const head = new Map([
      ['apps/a', { sha: B }],
      ['apps/c', { sha: A, mode: '100644' }],
      ['apps/new', { sha: B }],
    ]);

    // Act
    const plan = planRevert(good, failing, head);

    // Assess
    expect(plan.alreadyGood).toEqual(['apps/b']);
    expect(plan.conflicts).toEqual([]);
    expect(plan.changes).toEqual([
      { path: 'apps/a', mode: '100644', type: 'blob', sha: A },
      { path: 'apps/c', mode: '100755', type: 'blob', sha: A },
      { path: 'apps/new', mode: '100644', type: 'blob', sha: null },
    ]);
    expect(planRevert(good, failing, new Map([['apps/a', { sha: 'c'.repeat(40) }]])).conflicts).toEqual([
      'apps/a',
    ]);
  });
});
