import { describe, expect, it } from 'vitest';
import { isFluxguardRevert, parseTrailers, revertsCommit } from '../../../lambdas/revert/trailers.js';
import { fixtureJson } from '../../support/fixtures.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

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
