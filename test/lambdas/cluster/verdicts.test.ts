import { describe, expect, it } from 'vitest';
import type { DaemonSet, Pod, StatefulSet } from '../../../lambdas/cluster/kube-objects.js';
import { confirm } from '../../../lambdas/cluster/validation/confirm.js';
import { workloadsOfInventory } from '../../../lambdas/cluster/validation/flux-context.js';
import { assessProbe, type HealthTarget } from '../../../lambdas/cluster/validation/health.js';
import { assessHelmRelease } from '../../../lambdas/cluster/validation/helm-release.js';
import { assessPods, currentPods, podProblems } from '../../../lambdas/cluster/validation/pods.js';
import {
  formatSummary,
  SUMMARY_MAX_CHARS,
  type ValidationReport,
} from '../../../lambdas/cluster/validation/report.js';
import { assessRollout } from '../../../lambdas/cluster/validation/rollout.js';

describe('confirming a verdict over repeated checks', () => {
  it.each([
    [['pass'], 'pass'],
    [['pending', 'pending', 'pass'], 'pass'],
    [['inconclusive', 'pass'], 'pass'],
    [['fail', 'fail', 'fail'], 'fail'],
    [['fail'], 'fail'],
    [['fail', 'pass'], 'inconclusive'],
    [['fail', 'fail', 'pass'], 'inconclusive'],
    [['pending', 'fail', 'fail'], 'inconclusive'],
    [['pending', 'pending', 'pending'], 'inconclusive'],
    [['fail', 'inconclusive', 'fail'], 'inconclusive'],
    [['inconclusive', 'inconclusive', 'inconclusive'], 'inconclusive'],
    [[], 'inconclusive'],
  ] as const)('turns %j into %s', (checks, verdict) => {
    // Act
    const result = confirm(checks);

    // Assess
    expect(result.verdict).toBe(verdict);
  });
});

describe('the rollout layer for StatefulSets and DaemonSets', () => {
  it('passes a StatefulSet whose pods all run the update revision and are ready', () => {
    // Prepare
    const sts = {
      metadata: { name: 'db', namespace: 'shop', generation: 2 },
      spec: { replicas: 3, selector: {}, serviceName: 'db', template: {} },
      status: {
        observedGeneration: 2,
        replicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        updatedReplicas: 3,
        currentRevision: 'db-7c9',
        updateRevision: 'db-7c9',
      },
    } as StatefulSet;

    // Act
    const result = assessRollout({ kind: 'StatefulSet', object: sts });

    // Assess
    expect(result.state).toBe('pass');
  });

  it('keeps a StatefulSet mid-update pending, naming both revisions', () => {
    // Prepare
    const sts = {
      metadata: { name: 'db', namespace: 'shop', generation: 2 },
      spec: { replicas: 3, selector: {}, serviceName: 'db', template: {} },
      status: {
        observedGeneration: 2,
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 1,
        currentRevision: 'db-6b8',
        updateRevision: 'db-7c9',
      },
    } as StatefulSet;

    // Act
    const result = assessRollout({ kind: 'StatefulSet', object: sts });

    // Assess
    expect(result.state).toBe('pending');
    expect(result.evidence).toContainEqual({
      object: 'StatefulSet/shop/db',
      field: 'status.updateRevision',
      value: 'db-7c9 (current db-6b8)',
    });
  });

  it('keeps a DaemonSet whose controller has not seen the new spec pending', () => {
    // Prepare
    const ds = {
      metadata: { name: 'agent', namespace: 'ops', generation: 5 },
      spec: { selector: {}, template: {} },
      status: {
        observedGeneration: 4,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberMisscheduled: 0,
        numberReady: 3,
        numberAvailable: 3,
        updatedNumberScheduled: 3,
      },
    } as DaemonSet;

    // Act
    const result = assessRollout({ kind: 'DaemonSet', object: ds });

    // Assess
    expect(result).toEqual({
      state: 'pending',
      evidence: [
        {
          object: 'DaemonSet/ops/agent',
          field: 'status.observedGeneration',
          value: '4 < metadata.generation 5',
        },
      ],
    });
  });

  it('reports a paused, unfinished Deployment as inconclusive', () => {
    // Act
    const result = assessRollout({
      kind: 'Deployment',
      object: {
        metadata: { name: 'web', namespace: 'shop', generation: 2 },
        spec: { paused: true, replicas: 2, selector: {}, template: {} },
        status: {
          observedGeneration: 2,
          replicas: 2,
          updatedReplicas: 1,
          readyReplicas: 2,
          availableReplicas: 2,
        },
      },
    });

    // Assess
    expect(result.state).toBe('inconclusive');
    expect(result.evidence[0]).toEqual({
      object: 'Deployment/shop/web',
      field: 'spec.paused',
      value: 'true: the rollout is paused',
    });
  });
});

describe('pod problems', () => {
  it('fails on an OOM kill of a container that is not ready, and on an unschedulable pod', () => {
    // Prepare
    const pod = {
      metadata: { name: 'web-1', namespace: 'shop' },
      status: {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient memory.',
          },
        ],
        containerStatuses: [
          {
            name: 'web',
            image: 'x',
            imageID: '',
            ready: false,
            restartCount: 4,
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
          },
        ],
      },
    } as Pod;

    // Act
    const problems = podProblems(pod);

    // Assess
    expect(problems.fail.map((e) => e.value)).toEqual([
      'Unschedulable: 0/3 nodes are available: 3 Insufficient memory.',
      'OOMKilled (exit 137)',
    ]);
    expect(problems.info).toEqual([
      { object: 'Pod/shop/web-1', field: 'status.containerStatuses[web].restartCount', value: '4' },
    ]);
  });
});

describe('HTTP probe verdicts', () => {
  const target: HealthTarget = {
    via: 'proxy',
    object: 'Deployment/shop/web',
    namespace: 'shop',
    service: 'web',
    port: 'http',
    path: '/health',
  };

  it.each([
    [{ kind: 'response', status: 204, body: '', elapsedMs: 3 }, 'pass'],
    [{ kind: 'response', status: 500, body: 'boom', elapsedMs: 3 }, 'fail'],
    [{ kind: 'timeout', elapsedMs: 3000 }, 'fail'],
    [{ kind: 'error', message: 'ECONNRESET', elapsedMs: 3 }, 'inconclusive'],
    [
      {
        kind: 'response',
        status: 403,
        body: '',
        apiStatus: { code: 403, reason: 'Forbidden', message: 'services "web" is forbidden' },
        elapsedMs: 3,
      },
      'inconclusive',
    ],
    [
      {
        kind: 'response',
        status: 503,
        body: '',
        apiStatus: {
          code: 503,
          reason: 'ServiceUnavailable',
          message: 'no endpoints available for service "web"',
        },
        elapsedMs: 3,
      },
      'fail',
    ],
    [
      {
        kind: 'response',
        status: 502,
        body: '',
        apiStatus: {
          code: 502,
          message: 'error trying to reach service: dial tcp 10.0.0.1:8080: i/o timeout',
        },
        elapsedMs: 3,
      },
      'inconclusive',
    ],
  ] as const)('judges %j as %s', (outcome, verdict) => {
    // Act
    const result = assessProbe(target, outcome, { timeoutMs: 3000, apiLatencyMs: 40 });

    // Assess
    expect(result.state).toBe(verdict);
  });
});

describe('Flux inventory and revisions', () => {
  it('keeps only namespaced apps/v1 workloads from inventory ids', () => {
    // Act
    const workloads = workloadsOfInventory([
      'shop_web_apps_Deployment',
      'shop_web__Service',
      '_shop__Namespace',
      'shop_db_apps_StatefulSet',
      'ops_agent_apps_DaemonSet',
      'shop_web_autoscaling_HorizontalPodAutoscaler',
    ]);

    // Assess
    expect(workloads).toEqual([
      { kind: 'DaemonSet', namespace: 'ops', name: 'agent' },
      { kind: 'Deployment', namespace: 'shop', name: 'web' },
      { kind: 'StatefulSet', namespace: 'shop', name: 'db' },
    ]);
  });

  it('sorts workloads by namespace, kind and name in the order localeCompare gives Kubernetes names', () => {
    // Prepare: names with digits, '-' and '.', namespaces that prefix one another
    const ids = [
      'team-1_web.v2_apps_Deployment',
      'team_web_apps_Deployment',
      'team-1_web-2_apps_Deployment',
      'team-1_web_apps_StatefulSet',
      'team-1_web2_apps_Deployment',
      'team.a_x_apps_DaemonSet',
      'team-1_0web_apps_Deployment',
      'team-10_a_apps_Deployment',
      'team-1_web_apps_DaemonSet',
    ];
    const key = (w: { namespace: string; kind: string; name: string }) =>
      `${w.namespace}/${w.kind}/${w.name}`;

    // Act
    const workloads = workloadsOfInventory(ids);

    // Assess
    const byLocale = [...workloads].sort((a, b) => key(a).localeCompare(key(b)));
    expect(workloads.map(key)).toEqual(byLocale.map(key));
    expect(workloads.map(key)).toEqual([
      'team-1/DaemonSet/web',
      'team-1/Deployment/0web',
      'team-1/Deployment/web-2',
      'team-1/Deployment/web.v2',
      'team-1/Deployment/web2',
      'team-1/StatefulSet/web',
      'team-10/Deployment/a',
      'team.a/DaemonSet/x',
      'team/Deployment/web',
    ]);
  });
});

describe('the human summary', () => {
  it('stays within 3,000 characters for 200 failing workloads and says where the rest is', () => {
    // Prepare
    const evidence = Array.from({ length: 200 }, (_, i) => ({
      object: `Pod/shop/web-${i}-7d4b9c8f6d-abcde`,
      field: 'status.containerStatuses[web].state.waiting',
      value: 'CrashLoopBackOff: back-off 5m0s restarting failed container=web',
    }));
    const layer = {
      verdict: 'fail' as const,
      reason: 'failed on every check (fail, fail, fail)',
      checks: ['fail' as const],
      evidence,
    };
    const report: Omit<ValidationReport, 'summary'> = {
      target: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      verdict: 'fail',
      definitiveFailure: false,
      reason: 'rollout, pods failed on every check',
      layers: { rollout: layer, pods: layer, http: { ...layer, verdict: 'pass', evidence: [] } },
      workloads: [],
      releases: [],
      checks: { planned: 3, run: 3, intervalMs: 10_000 },
      startedAt: '2026-05-04T12:00:00.000Z',
      durationMs: 20_100,
    };

    // Act
    const summary = formatSummary(report);

    // Assess
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(summary.length).toBeGreaterThan(2_500);
    expect(summary).toMatch(/… \d+ more line\(s\); see the JSON report$/);
    expect(summary.split('\n')[0]).toBe(
      'FAIL Kustomization flux-system/apps: rollout, pods failed on every check',
    );
  });
});

describe('current pods of StatefulSets and DaemonSets', () => {
  const readyPod = (
    name: string,
    labels: Record<string, string>,
    owner: { kind: string; name: string; uid: string },
  ): Pod => ({
    metadata: {
      name,
      namespace: 'shop',
      labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: owner.uid }],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });

  it('counts only StatefulSet pods of the update revision', () => {
    // Prepare
    const owner = { kind: 'StatefulSet', name: 'db', uid: 'u-db' };
    const sts = {
      metadata: { name: 'db', namespace: 'shop', uid: 'u-db' },
      spec: { replicas: 2, selector: {}, serviceName: 'db', template: {} },
      status: { replicas: 2, updateRevision: 'db-new' },
    } as StatefulSet;
    const pods = [
      readyPod('db-0', { 'controller-revision-hash': 'db-new' }, owner),
      readyPod('db-1', { 'controller-revision-hash': 'db-old' }, owner),
    ];

    // Act
    const workload = { kind: 'StatefulSet', object: sts } as const;
    const result = assessPods(workload, currentPods(workload, [], pods), 'pass');

    // Assess
    expect(result.state).toBe('fail');
    expect(result.evidence[0]).toEqual({ object: 'StatefulSet/shop/db', field: 'ready pods', value: '1/2' });
  });

  it('counts DaemonSet pods of the current pod-template-generation against desiredNumberScheduled', () => {
    // Prepare
    const owner = { kind: 'DaemonSet', name: 'agent', uid: 'u-agent' };
    const ds = {
      metadata: { name: 'agent', namespace: 'shop', uid: 'u-agent', generation: 3 },
      spec: { selector: {}, template: {} },
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 2 },
    } as DaemonSet;
    const pods = [
      readyPod('agent-a', { 'pod-template-generation': '3' }, owner),
      readyPod('agent-b', { 'pod-template-generation': '3' }, owner),
      readyPod('agent-c', { 'pod-template-generation': '2' }, owner),
    ];

    // Act
    const workload = { kind: 'DaemonSet', object: ds } as const;
    const result = assessPods(workload, currentPods(workload, [], pods), 'pass');

    // Assess
    expect(result).toEqual({
      state: 'pass',
      evidence: [{ object: 'DaemonSet/shop/agent', field: 'ready pods', value: '2/2' }],
    });
  });
});

describe('HelmRelease status', () => {
  const release = { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' };
  const condition = (type: string, status: string, reason: string) => ({
    type,
    status,
    reason,
    message: reason,
  });

  it.each([
    [
      'Ready=True, deployed',
      {
        ready: condition('Ready', 'True', 'UpgradeSucceeded'),
        latest: { chartVersion: '6.7.1', status: 'deployed' },
      },
      'pass',
    ],
    [
      'upgrade failed',
      {
        ready: condition('Ready', 'False', 'UpgradeFailed'),
        released: condition('Released', 'False', 'UpgradeFailed'),
      },
      'fail',
    ],
    [
      'rolled back after a failed upgrade',
      { ready: condition('Ready', 'False', 'RollbackSucceeded') },
      'fail',
    ],
    [
      'retries exhausted',
      {
        ready: condition('Ready', 'False', 'ArtifactFailed'),
        stalled: condition('Stalled', 'True', 'RetriesExceeded'),
      },
      'fail',
    ],
    [
      'newest history entry failed',
      {
        ready: condition('Ready', 'False', 'Progressing'),
        latest: { chartVersion: '6.7.2', status: 'failed' },
      },
      'fail',
    ],
    ['an action running', { ready: condition('Ready', 'Unknown', 'Progressing') }, 'pending'],
    [
      'a spec helm-controller has not seen',
      { generation: 3, observedGeneration: 2, ready: condition('Ready', 'True', 'UpgradeSucceeded') },
      'pending',
    ],
    [
      'the chart could not be fetched',
      { ready: condition('Ready', 'False', 'ArtifactFailed') },
      'inconclusive',
    ],
    ['a dependency not ready', { ready: condition('Ready', 'False', 'DependencyNotReady') }, 'inconclusive'],
    ['no condition yet', {}, 'inconclusive'],
  ] as const)('%s: %s', (_what, status, expected) => {
    // Act
    const observation = assessHelmRelease(release, status);

    // Assess
    expect(observation.state).toBe(expected);
  });
});
