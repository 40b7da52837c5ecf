import { describe, expect, it } from 'vitest';
import { formatRevertMessage, pullRequestBody, revertSubject } from '../../../lambdas/revert/message.js';
import { parseTrailers, revertsCommit } from '../../../lambdas/revert/trailers.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

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
