/**
 * The Kubernetes half of the teardown: stop Flux, then delete what made AWS resources.
 *
 * @module
 */
import type { TeardownKubeApi } from './kube-client.js';
import {
  controllerOf,
  type EbsVolume,
  ebsVolumes,
  loadBalancerServices,
  notDeleting,
  type ObjectKey,
  podsMounting,
  toSuspend,
} from './plan.js';
import { type KubeItem, type KubeResource, RESOURCES, WORKLOAD_OWNERS } from './resources.js';

/** What one sweep did. */
export interface SweepReport {
  /** `Kind namespace/name` of every object suspended. */
  suspended: string[];
  /** `Kind namespace/name` of every object deleted. */
  deleted: string[];
  /** Every EBS volume the driver provisioned with reclaim policy Delete, as the sweep found them. */
  volumes: EbsVolume[];
}

function label(resource: KubeResource, key: ObjectKey): string {
  return `${resource.kind} ${key.namespace === undefined ? '' : `${key.namespace}/`}${key.name}`;
}

/** How many controller references a pod's owner chain is followed (Pod → ReplicaSet → Deployment → …). */
const MAX_OWNER_DEPTH = 4;

/**
 * The object to delete so that nothing re-creates `pod`: the top of its controller chain among
 * {@link WORKLOAD_OWNERS}, or the pod itself when it has no known controller.
 */
async function holderOf(
  api: TeardownKubeApi,
  pod: KubeItem,
): Promise<{ resource: KubeResource; item: KubeItem }> {
  let holder: { resource: KubeResource; item: KubeItem } = { resource: RESOURCES.pod, item: pod };
  for (let depth = 0; depth < MAX_OWNER_DEPTH; depth += 1) {
    const owner = controllerOf(holder.item);
    const resource = owner ? WORKLOAD_OWNERS[`${owner.apiVersion}/${owner.kind}`] : undefined;
    if (!owner || !resource) break;
    const item = await api.get(resource, pod.metadata.namespace, owner.name);
    if (!item) break;
    holder = { resource, item };
  }
  return holder;
}

/**
 * One pass over the cluster, safe to repeat:
 * 1. suspends every Flux Kustomization and HelmRelease, so nothing deleted next is re-applied;
 * 2. deletes every Ingress and every Service of type LoadBalancer (the AWS Load Balancer Controller
 *    then deletes their load balancers, target groups and security groups);
 * 3. deletes the claim of every volume the EBS CSI driver provisioned with reclaim policy Delete
 *    (the driver then deletes the EBS volume), and the workloads whose pods hold those claims,
 *    since a claim stays until no pod uses it and a StatefulSet would re-create it.
 *
 * Every write of step 1 has finished before step 2 starts.
 *
 * @throws {KubeApiError} when a list, patch or delete fails (a missing kind or object is not a failure)
 */
export async function sweepCluster(api: TeardownKubeApi): Promise<SweepReport> {
  const report: SweepReport = { suspended: [], deleted: [], volumes: [] };
  const suspend = async (resource: KubeResource) => {
    const keys = toSuspend(await api.list(resource));
    const done = await Promise.all(keys.map((key) => api.suspend(resource, key.namespace, key.name)));
    report.suspended.push(...keys.filter((_, index) => done[index]).map((key) => label(resource, key)));
  };
  const remove = async (resource: KubeResource, keys: readonly ObjectKey[]) => {
    const done = await Promise.all(keys.map((key) => api.remove(resource, key.namespace, key.name)));
    report.deleted.push(...keys.filter((_, index) => done[index]).map((key) => label(resource, key)));
  };

  await Promise.all([suspend(RESOURCES.kustomization), suspend(RESOURCES.helmRelease)]);

  const [ingresses, services, persistentVolumes] = await Promise.all([
    api.list(RESOURCES.ingress),
    api.list(RESOURCES.service),
    api.list(RESOURCES.persistentVolume),
  ]);
  report.volumes = ebsVolumes(persistentVolumes);
  const claims = report.volumes.flatMap((volume) => (volume.claim ? [volume.claim] : []));
  await Promise.all([
    remove(RESOURCES.ingress, notDeleting(ingresses)),
    remove(RESOURCES.service, loadBalancerServices(services)),
    remove(RESOURCES.persistentVolumeClaim, claims),
  ]);
  if (claims.length === 0) return report;

  const holders = new Map<string, { resource: KubeResource; keys: ObjectKey[] }>();
  for (const pod of podsMounting(await api.list(RESOURCES.pod), claims)) {
    const { resource, item } = await holderOf(api, pod);
    const key = { namespace: item.metadata.namespace ?? '', name: item.metadata.name };
    const group = holders.get(resource.kind) ?? { resource, keys: [] };
    if (!group.keys.some((k) => k.namespace === key.namespace && k.name === key.name)) group.keys.push(key);
    holders.set(resource.kind, group);
  }
  await Promise.all([...holders.values()].map(({ resource, keys }) => remove(resource, keys)));
  return report;
}
