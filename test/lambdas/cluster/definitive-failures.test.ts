import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lambdas/cluster/index.js';
import { podProblems } from '../../../lambdas/cluster/validation/pods.js';
import { app, type KubeObject, REVISION } from '../../../sandbox/index.js';
import { byKind, validationCluster } from './support/validation-cluster.js';

const cluster = validationCluster();

type ContainerState = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

function podWith(container: Partial<ContainerState>): Pod {
  return {
    metadata: { name: 'web-1', namespace: 'shop' },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'web', image: 'x', imageID: '', ready: false, restartCount: 0, ...container },
      ],
    },
  };
}

const waiting = (reason: string, message = '') => ({ state: { waiting: { reason, message } } });

describe('which pod states are definitive', () => {
  it.each([
    [
      'CrashLoopBackOff after 2 restarts',
      { ...waiting('CrashLoopBackOff', 'back-off 20s'), restartCount: 2 },
      true,
    ],
    [
      'CrashLoopBackOff after 1 restart',
      { ...waiting('CrashLoopBackOff', 'back-off 10s'), restartCount: 1 },
      false,
    ],
    [
      'ErrImagePull of a tag that does not exist',
      waiting(
        'ErrImagePull',
        'failed to pull and unpack image "ghcr.io/acme/web:9.9.9": failed to resolve reference "ghcr.io/acme/web:9.9.9": ghcr.io/acme/web:9.9.9: not found',
      ),
      true,
    ],
    [
      'ImagePullBackOff with manifest unknown',
      waiting(
        'ImagePullBackOff',
        'Error response from daemon: manifest for acme/web:9.9.9 not found: manifest unknown',
      ),
      true,
    ],
    [
      'ImagePullBackOff that says only back-off',
      waiting('ImagePullBackOff', 'Back-off pulling image "web:1"'),
      false,
    ],
    [
      'ErrImagePull refused by the registry',
      waiting('ErrImagePull', 'pull access denied, repository does not exist or may require authorization'),
      false,
    ],
    [
      'CreateContainerConfigError',
      waiting('CreateContainerConfigError', 'secret "db-credentials" not found'),
      true,
    ],
    [
      'OOMKilled twice',
      { lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } }, restartCount: 2 },
      true,
    ],
    [
      'OOMKilled once',
      { lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } }, restartCount: 1 },
      false,
    ],
  ] as const)('%s: definitive %s', (_what, container, definitive) => {
    // Act
    const problems = podProblems(podWith(container as Partial<ContainerState>));

    // Assess
    expect(problems.fail.length).toBeGreaterThan(0);
    expect(problems.fail.every((e) => e.definitive === true)).toBe(definitive);
  });

  it('never calls an unschedulable pod definitive', () => {
    // Prepare
    const pod: Pod = {
      metadata: { name: 'web-1', namespace: 'shop', creationTimestamp: '2026-05-04T12:00:00Z' },
      status: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes' },
        ],
      },
    };

    // Act
    const problems = podProblems(pod, { now: new Date('2026-05-04T13:00:00Z') });

    // Assess
    expect(problems.fail).toHaveLength(1);
    expect(problems.fail[0]?.definitive).toBeUndefined();
  });
});

describe('a report whose failure rests on definitive pod states', () => {
  it('marks a crash-looping rollout as a definitive failure, with the revision Flux attempts', async () => {
    // Prepare
    cluster.put(app('web', { state: 'crashloop' }), { failed: true });

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.verdict).toBe('fail');
    expect(report.definitiveFailure).toBe(true);
    expect(report.layers.pods.evidence.some((e) => e.definitive)).toBe(true);
    expect(report.flux?.lastAttemptedRevision).toBe(REVISION);
  });

  it('does not mark a progress deadline as definitive', async () => {
    // Prepare
    cluster.put(app('web', { state: 'deadline' }), { failed: true });

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.verdict).toBe('fail');
    expect(report.definitiveFailure).toBe(false);
  });

  it('does not mark a failure definitive when one workload fails only on readiness', async () => {
    // Prepare
    const halfReady = app('api', { state: 'half-ready', replicas: 2, health: false });
    cluster.put([...app('web', { state: 'crashloop' }), ...halfReady]);

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.verdict).toBe('fail');
    expect(report.definitiveFailure).toBe(false);
  });

  it('is never definitive for a pass or an inconclusive verdict', async () => {
    // Prepare
    const objects: KubeObject[] = app('web');
    cluster.put(objects);

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.verdict).toBe('pass');
    expect(report.definitiveFailure).toBe(false);
    expect(byKind(objects, 'Deployment')).toHaveLength(1);
  });
});
