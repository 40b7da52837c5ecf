/**
 * What the teardown does to a cluster, decided from the objects it listed, and how what is left in
 * AWS is reported. Pure.
 *
 * @module
 */
import type { KubeItem, OwnerReference } from './resources.js';

/** The tag the AWS Load Balancer Controller puts on every load balancer and target group it creates. */
export const LOAD_BALANCER_CLUSTER_TAG = 'elbv2.k8s.aws/cluster';
/** The EBS CSI driver's name, as it signs the volumes it provisions. */
export const EBS_CSI_DRIVER = 'ebs.csi.aws.com';
/** The annotation the external provisioner puts on every volume it created. */
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';

/** One namespaced (or cluster-scoped) object. */
export interface ObjectKey {
  namespace?: string;
  name: string;
}

/** An EBS volume the teardown deletes through its claim and waits for. */
export interface EbsVolume {
  /** `vol-…`, the PersistentVolume's `spec.csi.volumeHandle`. */
  volumeId: string;
  /** The PersistentVolume's name. */
  persistentVolume: string;
  /** The bound claim, if the volume still has one. */
  claim?: { namespace: string; name: string };
}

function keyOf(item: KubeItem): ObjectKey {
  const { name, namespace } = item.metadata;
  return namespace === undefined ? { name } : { namespace, name };
}

/** Kustomizations or HelmReleases that are not suspended yet (and not being deleted). */
export function toSuspend(items: readonly KubeItem[]): ObjectKey[] {
  return items
    .filter((item) => item.spec?.suspend !== true && item.metadata.deletionTimestamp === undefined)
    .map(keyOf);
}

/** Objects not already being deleted. */
export function notDeleting(items: readonly KubeItem[]): ObjectKey[] {
  return items.filter((item) => item.metadata.deletionTimestamp === undefined).map(keyOf);
}

/** Services of type LoadBalancer (each backed by an NLB or a classic ELB in AWS). */
export function loadBalancerServices(services: readonly KubeItem[]): ObjectKey[] {
  return notDeleting(services.filter((service) => service.spec?.type === 'LoadBalancer'));
}

/**
 * Volumes the EBS CSI driver provisioned with reclaim policy Delete: deleting the claim deletes the
 * EBS volume. A volume with policy Retain outlives its claim by design and is left alone.
 */
export function ebsVolumes(persistentVolumes: readonly KubeItem[]): EbsVolume[] {
  const volumes: EbsVolume[] = [];
  for (const pv of persistentVolumes) {
    const provisioner = pv.metadata.annotations?.[PROVISIONED_BY_ANNOTATION];
    const volumeId = pv.spec?.csi?.volumeHandle;
    if (provisioner !== EBS_CSI_DRIVER || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete' || !volumeId)
      continue;
    const claim = pv.spec.claimRef;
    volumes.push({
      volumeId,
      persistentVolume: pv.metadata.name,
      ...(claim?.name && claim.namespace ? { claim: { namespace: claim.namespace, name: claim.name } } : {}),
    });
  }
  return volumes;
}

/** Pods that mount one of `claims` (namespace and name). */
export function podsMounting(
  pods: readonly KubeItem[],
  claims: ReadonlyArray<{ namespace: string; name: string }>,
): KubeItem[] {
  const wanted = new Set(claims.map((claim) => `${claim.namespace}/${claim.name}`));
  return pods.filter((pod) =>
    (pod.spec?.volumes ?? []).some((volume) => {
      const claimName = volume.persistentVolumeClaim?.claimName;
      return claimName !== undefined && wanted.has(`${pod.metadata.namespace}/${claimName}`);
    }),
  );
}

/** The owner reference that marks an object's managing controller, if any. */
export function controllerOf(item: KubeItem): OwnerReference | undefined {
  return item.metadata.ownerReferences?.find((owner) => owner.controller === true);
}

/** What is still in AWS for the cluster. */
export interface Leftovers {
  /** Load balancer names. */
  loadBalancers: string[];
  /** Target group names. */
  targetGroups: string[];
  /** EBS volume ids. */
  volumes: string[];
}

/** Whether nothing is left. */
export function isClean(leftovers: Leftovers): boolean {
  return (
    leftovers.loadBalancers.length === 0 &&
    leftovers.targetGroups.length === 0 &&
    leftovers.volumes.length === 0
  );
}

function counted(items: readonly string[], singular: string, plural: string): string | undefined {
  if (items.length === 0) return undefined;
  return `${items.length} ${items.length === 1 ? singular : plural} (${items.join(', ')})`;
}

/**
 * One line naming everything left, e.g.
 * `1 load balancer (k8s-shop-web-0a1b2c3d4e), 2 EBS volumes (vol-1, vol-2)`; `nothing` when clean.
 */
export function describeLeftovers(leftovers: Leftovers): string {
  const parts = [
    counted(leftovers.loadBalancers, 'load balancer', 'load balancers'),
    counted(leftovers.targetGroups, 'target group', 'target groups'),
    counted(leftovers.volumes, 'EBS volume', 'EBS volumes'),
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}
