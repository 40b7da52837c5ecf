/**
 * The HelmRelease story of `fluxguard simulate --fast` (`helm-upgrade-failure`), as tests: a
 * commit bumps the aws-load-balancer-controller chart applied by the `infrastructure-controllers`
 * Kustomization, the new pods crash-loop, Helm's upgrade fails after its timeout and is rolled back,
 * fluxguard reverts the bump in git and the release settles on the good chart. The story runs once;
 * its timeline must keep every invariant and pass the story's checks (kinds and data on the
 * timeline, the repository's files, the alerts: never the wording).
 *
 * Every check and invariant is asserted, for this story and for `helm-release-events` (the same
 * bump with the Kustomization at mode off, so only helm-controller's events make the worker act).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_SCALE } from '../../cli/commands/simulate.js';
import { invariantProblems, runStory, type SimulationRun, STORIES } from '../../sandbox/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NAME = 'helm-upgrade-failure';

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

  it('has no problem at all', () => {
    expect(run.problems).toEqual([]);
  });

  // The run judges its checks while its stand-ins still run (the git repository is gone after).
  it.each(story.checks.map((c) => c.name))('%s', (name) => {
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

describe('story helm-release-events (--fast)', () => {
  const events = STORIES['helm-release-events'];
  if (!events) throw new Error('no story helm-release-events');
  let eventsRun: SimulationRun;

  beforeAll(async () => {
    eventsRun = await runStory(events, { root: ROOT, scale: FAST_SCALE });
  }, 300_000);

  it('keeps the invariants', () => {
    expect(invariantProblems(eventsRun)).toEqual([]);
  });

  it.each(events.checks.map((c) => c.name))('%s', (name) => {
    expect(eventsRun.problems).not.toContain(`expected: ${name}`);
  });
});
