import { describe, expect, it } from 'vitest';
import {
  deltaFromCompare,
  diffTrees,
  indexTree,
  normaliseScope,
  planRevert,
  type TreeEntry,
} from '../../../lambdas/revert/plan.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

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
