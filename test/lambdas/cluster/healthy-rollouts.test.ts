import { describe, expect, it } from 'vitest';
import { app, daemonSet, type KubeObject, statefulSet } from '../../../sandbox/index.js';
import {
  byKind,
  evidenceOf,
  secondsAfterPodsCreated,
  validationCluster,
} from './support/validation-cluster.js';

const cluster = validationCluster();

type Mutable = KubeObject & { spec: Record<string, unknown>; status: Record<string, unknown> };

function first(objects: readonly KubeObject[], kind: string): Mutable {
  const found = byKind(objects, kind)[0];
  if (!found) throw new Error(`no ${kind}`);
  return found as Mutable;
}

describe('validation never fails a healthy rollout', () => {
  it('finds the current pods of a DaemonSet whose generation is ahead of its template generation', async () => {
    // Prepare: a spec change outside the template (e.g. maxUnavailable) raised metadata.generation to 3;
    // the pods keep pod-template-generation 2, the template generation the API server recorded.
    cluster.put(daemonSet('fluent-bit', { generation: 3, templateGeneration: 2 }));

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.rollout.verdict).toBe('pass');
    expect(report.layers.pods.verdict).toBe('pass');
    expect(evidenceOf(report, 'pods')).toContain('DaemonSet/logging/fluent-bit ready pods: 2/2');
    expect(report.verdict).toBe('pass');
  });

  it('is inconclusive, not failed, when it finds fewer current pods than the controller reports ready', async () => {
    // Prepare: no template-generation annotation, and pods labelled with a generation that matches nothing
    const objects = daemonSet('agent', { generation: 7, templateGeneration: 5 });
    const annotations = first(objects, 'DaemonSet').metadata.annotations as Record<string, string>;
    delete annotations['deprecated.daemonset.template.generation'];
    cluster.put(objects);

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.pods.verdict).toBe('inconclusive');
    expect(report.verdict).toBe('inconclusive');
  });

  it('leaves an Evicted pod its ReplicaSet already replaced out of a fully ready Deployment', async () => {
    // Prepare
    const objects = app('web', { replicas: 3, state: 'healthy', health: false });
    const template = first(objects, 'Pod');
    const evicted = structuredClone(template);
    evicted.metadata.name = `${template.metadata.name}-evicted`;
    evicted.status = {
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91Mi.',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [],
    };
    cluster.put([...objects, evicted]);

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.pods.verdict).toBe('pass');
    expect(report.verdict).toBe('pass');
    expect(evidenceOf(report, 'pods')).toContain('status.phase: Failed Evicted (replaced; not counted)');
  });

  it('keeps a scale-up after a finished rollout pending while its new pods start', async () => {
    // Prepare: the HPA raised replicas 3 -> 5; Progressing stays NewReplicaSetAvailable
    const objects = app('web', { replicas: 3, state: 'healthy', health: false });
    const deployment = first(objects, 'Deployment');
    deployment.metadata.generation = 5;
    deployment.spec.replicas = 5;
    Object.assign(deployment.status, {
      observedGeneration: 5,
      replicas: 5,
      updatedReplicas: 5,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 2,
    });
    const template = byKind(objects, 'Pod').at(-1) as KubeObject;
    const starting = [0, 1].map((index) => {
      const pod = structuredClone(template);
      pod.metadata.name = `${template.metadata.name}-new${index}`;
      pod.status = {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
        ],
      };
      return pod;
    });
    cluster.put([...objects, ...starting]);

    // Act
    const report = await cluster.validate({}, { now: secondsAfterPodsCreated(40) });

    // Assess
    expect(report.layers.rollout.checks).toEqual(['pending', 'pending', 'pending']);
    expect(report.layers.rollout.verdict).toBe('inconclusive');
    expect(report.layers.pods.verdict).toBe('inconclusive');
    expect(report.verdict).toBe('inconclusive');
  });

  it('keeps a scale-up waiting on a new node pending while its Unschedulable pods are young', async () => {
    // Prepare
    const objects = app('web', { replicas: 3, state: 'healthy', health: false });
    const deployment = first(objects, 'Deployment');
    deployment.metadata.generation = 5;
    deployment.spec.replicas = 5;
    Object.assign(deployment.status, {
      observedGeneration: 5,
      replicas: 5,
      updatedReplicas: 5,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 2,
    });
    const template = byKind(objects, 'Pod').at(-1) as KubeObject;
    const unschedulable = [0, 1].map((index) => {
      const pod = structuredClone(template);
      pod.metadata.name = `${template.metadata.name}-new${index}`;
      pod.status = {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient cpu.',
          },
        ],
      };
      return pod;
    });
    cluster.put([...objects, ...unschedulable]);

    // Act
    const young = await cluster.validate({}, { now: secondsAfterPodsCreated(60) });
    const stuck = await cluster.validate({}, { now: secondsAfterPodsCreated(30 * 60) });

    // Assess
    expect(young.layers.rollout.checks).toEqual(['pending', 'pending', 'pending']);
    expect(young.layers.pods.checks).toEqual(['pending', 'pending', 'pending']);
    expect(young.verdict).toBe('inconclusive');
    expect(stuck.layers.pods.verdict).toBe('fail');
    expect(stuck.verdict).toBe('fail');
    expect(stuck.definitiveFailure).toBe(false);
  });

  it('passes an OnDelete StatefulSet whose old pods keep running after a template change', async () => {
    // Prepare
    cluster.put(statefulSet('db', { strategy: { type: 'OnDelete' }, templateChanged: true }));

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.rollout.verdict).toBe('pass');
    expect(report.layers.pods.verdict).toBe('pass');
    expect(report.verdict).toBe('pass');
  });

  it('passes a partitioned StatefulSet whose pods below the partition stay at the old revision', async () => {
    // Prepare: partition 2 of 3 replicas: only db-2 moves to the update revision
    cluster.put(
      statefulSet('db', { strategy: { type: 'RollingUpdate', partition: 2 }, templateChanged: true }),
    );

    // Act
    const report = await cluster.validate();

    // Assess
    expect(report.layers.rollout.verdict).toBe('pass');
    expect(report.layers.pods.verdict).toBe('pass');
    expect(report.verdict).toBe('pass');
  });

  it('is inconclusive, not failed, when the service-proxy probe times out behind a slow API server', async () => {
    // Prepare: every answer of the API server comes 600 ms late; the probe timeout is 500 ms
    cluster.put(app('web', { replicas: 3, state: 'healthy', health: { path: '/health', port: 'http' } }));
    cluster.api.delayMs = 600;

    // Act
    const report = await cluster.validate({ probeTimeoutMs: 500, checks: 1 });

    // Assess
    expect(report.layers.rollout.verdict).toBe('pass');
    expect(report.layers.http.verdict).toBe('inconclusive');
    expect(evidenceOf(report, 'http')).toContain('no answer within 500 ms');
    expect(evidenceOf(report, 'http')).toMatch(/the API server took \d+ ms to answer its lists/);
    expect(report.verdict).toBe('inconclusive');
  });

  it('still fails a probe that times out while the API server answers its lists promptly', async () => {
    // Prepare
    cluster.put(app('web', { replicas: 3, state: 'healthy', health: { path: '/health', port: 'http' } }));
    cluster.api.proxy('shop', 'web:http', () => 'hang');

    // Act
    const report = await cluster.validate({ probeTimeoutMs: 1_000 });

    // Assess
    expect(report.layers.http.verdict).toBe('fail');
    expect(report.verdict).toBe('fail');
  });
});
