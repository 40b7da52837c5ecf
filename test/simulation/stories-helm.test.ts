/**
 * The HelmRelease story of `fluxguard simulate --fast` (`helm-upgrade-failure`), as tests: a
 * commit bumps the aws-load-balancer-controller chart applied by the `infrastructure-controllers`
 * Kustomization, the new pods crash-loop, Helm's upgrade fails after its timeout and is rolled back,
 * fluxguard reverts the bump in git and the release settles on the good chart. The story runs once;
 * its timeline must keep every invariant and pass the story's checks (kinds and data on the
 * timeline, the repository's files, the alerts: never the wording).
 *
 * One check fails today on the worker, not on the story (see `KNOWN_WORKER_DEFECTS`); every other
 * check and invariant is asserted. `helm-release-events` (the worker acting on helm-controller's
 * events alone) is played by `fluxguard simulate --story helm-release-events`.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_SCALE } from '../../cli/commands/simulate.js';
import { invariantProblems, runStory, type SimulationRun, STORIES } from '../../sandbox/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NAME = 'helm-upgrade-failure';

/**
 * The check the worker does not meet yet (lambdas/incident-response): the HelmRelease's incident is
 * reverted, but nothing resolves it once helm-controller settles on the good chart without an
 * action of its own (no event), so no `recovered` alert follows. Issue 15 stays open on it.
 */
const KNOWN_WORKER_DEFECTS = [
  'the incident resolved in the same thread: reverted, then recovered, never not-recovered',
];

const story = STORIES[NAME];
if (!story) throw new Error(`no story ${NAME}`);
let run: SimulationRun;

beforeAll(async () => {
  run = await runStory(story, { root: ROOT, scale: FAST_SCALE });
}, 300_000);

describe(`story ${NAME} (--fast)`, () => {
  it('keeps the invariants: no webhook 5xx, no dead letter, no failed step, no double revert, no repeated alert state', () => {
    expect(invariantProblems(run)).toEqual([]);
  });

  it('names every known worker defect after one of its checks', () => {
    const names = story.checks.map((c) => c.name);
    expect(KNOWN_WORKER_DEFECTS.filter((d) => !names.includes(d))).toEqual([]);
  });

  it('has no problem but the known worker defects', () => {
    expect(run.problems.filter((p) => !KNOWN_WORKER_DEFECTS.some((d) => p === `expected: ${d}`))).toEqual([]);
  });

  // The run judges its checks while its stand-ins still run (the git repository is gone after).
  it.each(story.checks.map((c) => c.name).filter((n) => !KNOWN_WORKER_DEFECTS.includes(n)))('%s', (name) => {
    expect(run.problems).not.toContain(`expected: ${name}`);
  });

  it('the worker saw the chart bump fail and reverted it: one revert, failing the bump, with a reapply pull request', () => {
    const bump = run.timeline.first('push');
    const reverts = run.timeline.find('revert-pushed');
    expect(reverts.map((s) => s.data.failing)).toEqual([`main@sha1:${String(bump?.data.sha)}`]);
    expect(run.pullRequests).toHaveLength(1);
    expect(run.alerts.some((a) => a.state === 'reverted')).toBe(true);
  });
});
