import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endpointFromKubeConfig } from '../../../lambdas/cluster/index.js';
import { KubeApiError, KubeTeardownClient, sweepCluster } from '../../../lambdas/teardown/index.js';
import { FakeKubeApi, type WriteEvent } from '../../../sandbox/index.js';
import { platformObjects } from './support/cluster.js';

const api = new FakeKubeApi();
let client: KubeTeardownClient;
const listening: Array<() => void> = [];

beforeAll(async () => {
  await api.start();
  client = new KubeTeardownClient({ endpoint: await endpointFromKubeConfig(api.kubeConfig()) });
});
afterAll(async () => {
  await client.close();
  await api.close();
});
beforeEach(() => {
  api.clear();
  api.put(...platformObjects());
  // Garbage collection, as the API server does it: a deleted StatefulSet takes its pods along.
  listening.push(
    api.onWrite((event) => {
      if (event.type !== 'DELETED' || event.object.kind !== 'StatefulSet') return;
      for (const pod of api.objects({ apiVersion: 'v1', kind: 'Pod' })) {
        const owners = (pod.metadata.ownerReferences ?? []) as Array<{ kind: string; name: string }>;
        if (owners.some((o) => o.kind === 'StatefulSet' && o.name === event.object.metadata.name))
          api.remove(pod, pod.metadata.namespace, pod.metadata.name);
      }
    }),
  );
});
afterEach(() => {
  for (const stop of listening.splice(0)) stop();
});

const writes = (): WriteEvent[] => {
  const seen: WriteEvent[] = [];
  listening.push(
    api.onWrite((event) => {
      if (event.via !== 'put') seen.push(event);
    }),
  );
  return seen;
};
const names = (kind: { apiVersion: string; kind: string }) =>
  api
    .objects(kind)
    .map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`)
    .sort();

describe('sweepCluster', () => {
  it('suspends every Kustomization and HelmRelease, in every namespace, before it deletes anything', async () => {
    // Prepare
    const seen = writes();

    // Act
    const report = await sweepCluster(client);

    // Assess
    const kinds = ['Kustomization', 'HelmRelease'];
    const patches = seen.filter((e) => e.via === 'PATCH');
    const firstDelete = seen.findIndex((e) => e.via === 'DELETE');
    expect(patches.map((e) => e.object.kind).sort()).toEqual(
      ['HelmRelease', 'HelmRelease', 'Kustomization', 'Kustomization', 'Kustomization'].sort(),
    );
    expect(firstDelete).toBeGreaterThan(0);
    expect(seen.slice(0, firstDelete).every((e) => e.via === 'PATCH' && kinds.includes(e.object.kind))).toBe(
      true,
    );
    expect(seen.slice(firstDelete).every((e) => e.via === 'DELETE')).toBe(true);
    for (const kind of [
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' },
    ]) {
      expect(api.objects(kind).every((o) => (o.spec as { suspend?: boolean }).suspend === true)).toBe(true);
    }
    expect(report.suspended).toContain('Kustomization team-a/team');
    expect(report.suspended).toContain('HelmRelease monitoring/kube-prometheus-stack');
  });

  it('deletes every Ingress, LoadBalancer Service and EBS claim (Delete policy), and the StatefulSet holding it', async () => {
    // Act
    const report = await sweepCluster(client);

    // Assess
    expect(names({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' })).toEqual([]);
    expect(names({ apiVersion: 'v1', kind: 'Service' })).toEqual(['sre-challenge/web']);
    expect(names({ apiVersion: 'v1', kind: 'PersistentVolumeClaim' })).toEqual(['shop/files', 'shop/keep']);
    expect(names({ apiVersion: 'apps/v1', kind: 'StatefulSet' })).toEqual([]);
    expect(report.deleted.sort()).toEqual(
      [
        'Ingress sre-challenge/web',
        'Service edge/public',
        'PersistentVolumeClaim monitoring/prometheus-db-prometheus-0',
        'StatefulSet monitoring/prometheus',
      ].sort(),
    );
    expect(report.volumes.map((v) => v.volumeId)).toEqual(['vol-0aaa0000000000001']);
  });

  it('deletes a pod that holds a claim and has no controller it knows', async () => {
    // Prepare
    api.remove({ apiVersion: 'apps/v1', kind: 'StatefulSet' }, 'monitoring', 'prometheus');
    api.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'prometheus-0', namespace: 'monitoring' },
      spec: { volumes: [{ persistentVolumeClaim: { claimName: 'prometheus-db-prometheus-0' } }] },
    });

    // Act
    const report = await sweepCluster(client);

    // Assess
    expect(report.deleted).toContain('Pod monitoring/prometheus-0');
    expect(api.object({ apiVersion: 'v1', kind: 'Pod' }, 'monitoring', 'prometheus-0')).toBeUndefined();
  });

  it('is harmless to repeat: a second sweep suspends and deletes nothing new', async () => {
    // Prepare
    await sweepCluster(client);
    const seen = writes();

    // Act
    const again = await sweepCluster(client);

    // Assess
    expect(again.suspended).toEqual([]);
    expect(again.deleted).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('takes a kind that is not installed (404 on its list) as nothing to do', async () => {
    // Prepare
    api.faults.push(({ method, path }) =>
      method === 'GET' && path === '/apis/helm.toolkit.fluxcd.io/v2/helmreleases'
        ? { status: 404 }
        : undefined,
    );

    // Act
    const report = await sweepCluster(client);

    // Assess
    expect(report.suspended.filter((s) => s.startsWith('HelmRelease'))).toEqual([]);
    expect(report.deleted).toContain('Ingress sre-challenge/web');
  });

  it('fails naming the request when RBAC refuses a verb', async () => {
    // Prepare
    api.faults.push(({ method }) =>
      method === 'DELETE' ? { status: 403, message: 'ingresses is forbidden' } : undefined,
    );

    // Act
    const failure = await sweepCluster(client).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(KubeApiError);
    expect((failure as KubeApiError).status).toBe(403);
    expect((failure as Error).message).toMatch(/^DELETE \/api.*forbidden/);
  });
});
