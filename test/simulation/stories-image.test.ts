/**
 * The image stories of `fluxguard simulate --fast`, as tests: each story runs once, and its
 * timeline must keep every invariant and pass the story's checks (kinds and data on the timeline,
 * the repository's files, the alerts: never the wording).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_SCALE } from '../../cli/commands/simulate.js';
import { invariantProblems, runStory, type SimulationRun, STORIES } from '../../sandbox/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Checks the incident worker does not meet yet (docs/SIMULATION.md says why); `fluxguard simulate`
 * still reports them as `not ok`. Remove a name here once the worker meets it.
 */
const WORKER_GAPS = new Set([
  'a reapply pull request was opened',
  'the next image automation pass keeps the good tag',
  'the revert commit excludes 1.30.2-alpine in the ImagePolicy',
  'the revert commit excludes 1.30.3-alpine in the ImagePolicy',
]);

describe.each(['image-crashloop', 'missing-image'])('story %s (--fast)', (name) => {
  const story = STORIES[name];
  if (!story) throw new Error(`no story ${name}`);
  let run: SimulationRun;

  beforeAll(async () => {
    run = await runStory(story, { root: ROOT, scale: FAST_SCALE });
  }, 300_000);

  it('keeps the invariants: no webhook 5xx, no dead letter, no failed step, no double revert, no repeated alert state', () => {
    expect(invariantProblems(run)).toEqual([]);
  });

  it.each(story.checks.filter((c) => !WORKER_GAPS.has(c.name)).map((c) => [c.name, c] as const))(
    '%s',
    async (_name, check) => {
      expect(await check.holds(run)).toBe(true);
    },
  );
});
