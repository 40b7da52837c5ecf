/**
 * Test support: plays stories of `fluxguard simulate --fast` once each and asserts their
 * invariants and every check (kinds and data on the timeline, the repository's files, the alerts:
 * never the wording). Each test file names its stories, so vitest runs the files in parallel.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_SCALE } from '../../../cli/commands/simulate.js';
import { invariantProblems, runStory, type SimulationRun, STORIES } from '../../../sandbox/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** One `describe` per story: its invariants, then each of its checks. */
export function describeStories(names: readonly string[]): void {
  describe.each(names)('story %s (--fast)', (name) => {
    const story = STORIES[name];
    if (!story) throw new Error(`no story ${name}`);
    let run: SimulationRun;

    beforeAll(async () => {
      run = await runStory(story, { root: ROOT, scale: FAST_SCALE });
    }, 300_000);

    it('keeps the invariants: no webhook 5xx, no dead letter, no failed step, no double revert, no repeated alert state', () => {
      expect(invariantProblems(run)).toEqual([]);
    });

    // The run judges its checks while its stand-ins still run (the git repository is gone after).
    it.each(story.checks.map((check) => check.name))('%s', (checkName) => {
      expect(run.problems).not.toContain(`expected: ${checkName}`);
    });
  });
}
