import { describe, expect, it } from 'vitest';
import {
  describeLeftovers,
  ebsVolumes,
  isClean,
  loadBalancerServices,
  podsMounting,
  toSuspend,
} from '../../../lambdas/teardown/plan.js';
import type { KubeItem } from '../../../lambdas/teardown/resources.js';

const pv = (name: string, spec: KubeItem['spec'], provisioner = 'ebs.csi.aws.com'): KubeItem => ({
  metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
  spec,
});

describe('ebsVolumes', () => {
  it('takes the volumes the EBS CSI driver provisioned with reclaim policy Delete, with their claims', () => {
    // Prepare
    const volumes = [
      pv('pvc-1', {
        persistentVolumeReclaimPolicy: 'Delete',
        csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1' },
        claimRef: { namespace: 'monitoring', name: 'data-prometheus-0' },
      }),
      pv('pvc-retained', {
        persistentVolumeReclaimPolicy: 'Retain',
        csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-2' },
        claimRef: { namespace: 'shop', name: 'keep' },
      }),
      pv(
        'pvc-efs',
        { persistentVolumeReclaimPolicy: 'Delete', csi: { driver: 'efs.csi.aws.com', volumeHandle: 'fs-1' } },
        'efs.csi.aws.com',
      ),
      pv('pvc-released', {
        persistentVolumeReclaimPolicy: 'Delete',
        csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-3' },
      }),
      {
        metadata: { name: 'static' },
        spec: { persistentVolumeReclaimPolicy: 'Delete', csi: { volumeHandle: 'vol-4' } },
      },
    ];

    // Act
    const found = ebsVolumes(volumes);

    // Assess
    expect(found).toEqual([
      {
        volumeId: 'vol-1',
        persistentVolume: 'pvc-1',
        claim: { namespace: 'monitoring', name: 'data-prometheus-0' },
      },
      { volumeId: 'vol-3', persistentVolume: 'pvc-released' },
    ]);
  });
});

describe('selection', () => {
  it('suspends only what is not suspended or being deleted', () => {
    const items: KubeItem[] = [
      { metadata: { name: 'apps', namespace: 'flux-system' }, spec: {} },
      { metadata: { name: 'infra', namespace: 'flux-system' }, spec: { suspend: true } },
      { metadata: { name: 'old', namespace: 'flux-system', deletionTimestamp: '2026-12-03T10:00:00Z' } },
    ];
    expect(toSuspend(items)).toEqual([{ namespace: 'flux-system', name: 'apps' }]);
  });

  it('deletes only Services of type LoadBalancer', () => {
    const services: KubeItem[] = [
      { metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'ClusterIP' } },
      { metadata: { name: 'edge', namespace: 'shop' }, spec: { type: 'LoadBalancer' } },
      { metadata: { name: 'node', namespace: 'shop' }, spec: { type: 'NodePort' } },
    ];
    expect(loadBalancerServices(services)).toEqual([{ namespace: 'shop', name: 'edge' }]);
  });

  it('finds the pods that mount a claim, in the claim’s namespace only', () => {
    const mounting = (namespace: string, claimName: string): KubeItem => ({
      metadata: { name: `${namespace}-${claimName}`, namespace },
      spec: { volumes: [{}, { persistentVolumeClaim: { claimName } }] },
    });
    const pods = [mounting('monitoring', 'data'), mounting('shop', 'data'), mounting('monitoring', 'other')];
    expect(
      podsMounting(pods, [{ namespace: 'monitoring', name: 'data' }]).map((p) => p.metadata.name),
    ).toEqual(['monitoring-data']);
  });
});

describe('describeLeftovers', () => {
  it('names every leftover, counted, and says nothing when clean', () => {
    const leftovers = { loadBalancers: ['k8s-shop-web'], targetGroups: [], volumes: ['vol-1', 'vol-2'] };
    expect(describeLeftovers(leftovers)).toBe('1 load balancer (k8s-shop-web), 2 EBS volumes (vol-1, vol-2)');
    expect(isClean(leftovers)).toBe(false);
    const clean = { loadBalancers: [], targetGroups: [], volumes: [] };
    expect(describeLeftovers(clean)).toBe('nothing');
    expect(isClean(clean)).toBe(true);
  });
});
