/**
 * The breaker story of `fluxguard simulate --fast`, as tests: it runs once, and its
 * timeline must keep every invariant and pass the story's checks (kinds and data on the timeline,
 * the repository's files, the alerts: never the wording).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_SCALE } from '../../cli/commands/simulate.js';
import { invariantProblems, runStory, type SimulationRun, STORIES } from '../../sandbox/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe.each(['breaker'])('story %s (--fast)', (name) => {
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
  it.each(story.checks.map((c) => c.name))('%s', (name) => {
    expect(run.problems).not.toContain(`expected: ${name}`);
  });
});
