/**
 * Test support: a cluster as the teardown finds it, served by the sandbox's Kubernetes API, and a
 * {@link ClusterAccess} that opens it (or reports it gone).
 */
import { endpointFromKubeConfig } from '../../../../lambdas/cluster/index.js';
import {
  type ClusterAccess,
  KubeTeardownClient,
  type OpenCluster,
} from '../../../../lambdas/teardown/index.js';
import { FakeKubeApi, helmRelease, type KubeObject, kustomization } from '../../../../sandbox/index.js';

/** An Ingress (the AWS Load Balancer Controller makes an ALB for it). */
export function ingress(namespace: string, name: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace },
    spec: { ingressClassName: 'alb', defaultBackend: { service: { name, port: { number: 80 } } } },
  };
}

/** A Service of `type`. */
export function service(namespace: string, name: string, type = 'ClusterIP'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { type, ports: [{ port: 80 }] },
  };
}

/** A claim and the volume bound to it, provisioned by `provisioner` with `reclaim` policy. */
export function claimWithVolume(
  namespace: string,
  name: string,
  volumeId: string,
  { provisioner = 'ebs.csi.aws.com', reclaim = 'Delete' }: { provisioner?: string; reclaim?: string } = {},
): KubeObject[] {
  const pvName = `pvc-${volumeId}`;
  return [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace },
      spec: { volumeName: pvName, storageClassName: 'ebs-gp3', accessModes: ['ReadWriteOnce'] },
      status: { phase: 'Bound' },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
      spec: {
        persistentVolumeReclaimPolicy: reclaim,
        csi: { driver: provisioner, volumeHandle: volumeId, fsType: 'ext4' },
        claimRef: { kind: 'PersistentVolumeClaim', namespace, name },
      },
      status: { phase: 'Bound' },
    },
  ];
}

/** A StatefulSet and its pod `<name>-0`, which mounts `claim`. */
export function statefulSetHolding(namespace: string, name: string, claim: string): KubeObject[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace },
      spec: { replicas: 1, selector: { matchLabels: { app: name } } },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-0`,
        namespace,
        labels: { app: name },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name, controller: true }],
      },
      spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] },
    },
  ];
}

/**
 * What this platform's clusters hold: Flux objects in two namespaces, an ALB ingress, a Service of
 * type LoadBalancer and one that is not, Prometheus's EBS claim held by its StatefulSet, a volume kept
 * on purpose (Retain) and one of another driver.
 */
export function platformObjects(): KubeObject[] {
  return [
    kustomization([], { name: 'flux-system', namespace: 'flux-system' }),
    kustomization([], { name: 'apps', namespace: 'flux-system' }),
    kustomization([], { name: 'team', namespace: 'team-a' }),
    helmRelease('kube-prometheus-stack', 'monitoring', 'monitoring'),
    helmRelease('aws-load-balancer-controller', 'kube-system', 'kube-system'),
    ingress('sre-challenge', 'web'),
    service('sre-challenge', 'web'),
    service('edge', 'public', 'LoadBalancer'),
    ...claimWithVolume('monitoring', 'prometheus-db-prometheus-0', 'vol-0aaa0000000000001'),
    ...statefulSetHolding('monitoring', 'prometheus', 'prometheus-db-prometheus-0'),
    ...claimWithVolume('shop', 'keep', 'vol-0bbb0000000000002', { reclaim: 'Retain' }),
    ...claimWithVolume('shop', 'files', 'fs-1', { provisioner: 'efs.csi.aws.com' }),
  ];
}

/** {@link ClusterAccess} to a fake API server, or to a cluster that is gone when `api` is `undefined`. */
export function fakeAccess(api: FakeKubeApi | undefined): ClusterAccess & { opened: number } {
  const access = {
    opened: 0,
    async open(): Promise<OpenCluster | undefined> {
      access.opened += 1;
      if (!api) return undefined;
      const client = new KubeTeardownClient({ endpoint: await endpointFromKubeConfig(api.kubeConfig()) });
      return { api: client, close: () => client.close() };
    },
  };
  return access;
}

export { FakeKubeApi };
