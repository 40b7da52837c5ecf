/**
 * The Kubernetes kinds the teardown reads or changes, where the API server serves them, and the
 * few fields of their objects it looks at.
 *
 * @module
 */

/** Where the API server serves a kind. */
export interface KubeResource {
  readonly kind: string;
  /** `/api/v1` or `/apis/<group>/<version>`. */
  readonly prefix: string;
  readonly plural: string;
  readonly clusterScoped?: boolean;
}

/** The kinds the teardown lists, patches or deletes. */
export const RESOURCES = {
  kustomization: {
    kind: 'Kustomization',
    prefix: '/apis/kustomize.toolkit.fluxcd.io/v1',
    plural: 'kustomizations',
  },
  helmRelease: { kind: 'HelmRelease', prefix: '/apis/helm.toolkit.fluxcd.io/v2', plural: 'helmreleases' },
  ingress: { kind: 'Ingress', prefix: '/apis/networking.k8s.io/v1', plural: 'ingresses' },
  service: { kind: 'Service', prefix: '/api/v1', plural: 'services' },
  persistentVolumeClaim: {
    kind: 'PersistentVolumeClaim',
    prefix: '/api/v1',
    plural: 'persistentvolumeclaims',
  },
  persistentVolume: {
    kind: 'PersistentVolume',
    prefix: '/api/v1',
    plural: 'persistentvolumes',
    clusterScoped: true,
  },
  pod: { kind: 'Pod', prefix: '/api/v1', plural: 'pods' },
} as const satisfies Record<string, KubeResource>;

/**
 * Controllers that may own a pod holding an EBS volume, keyed by `<apiVersion>/<kind>` as an owner
 * reference names them. The teardown walks a pod's controller references through these kinds and
 * deletes the top one, so nothing re-creates the pod (and its claim) once the claim is deleted:
 * a StatefulSet re-creates a missing claim for its pending pod, and the Prometheus Operator
 * re-creates a StatefulSet deleted under its Prometheus, Alertmanager or ThanosRuler.
 */
export const WORKLOAD_OWNERS: Readonly<Record<string, KubeResource>> = {
  'apps/v1/ReplicaSet': { kind: 'ReplicaSet', prefix: '/apis/apps/v1', plural: 'replicasets' },
  'apps/v1/Deployment': { kind: 'Deployment', prefix: '/apis/apps/v1', plural: 'deployments' },
  'apps/v1/StatefulSet': { kind: 'StatefulSet', prefix: '/apis/apps/v1', plural: 'statefulsets' },
  'monitoring.coreos.com/v1/Prometheus': {
    kind: 'Prometheus',
    prefix: '/apis/monitoring.coreos.com/v1',
    plural: 'prometheuses',
  },
  'monitoring.coreos.com/v1/Alertmanager': {
    kind: 'Alertmanager',
    prefix: '/apis/monitoring.coreos.com/v1',
    plural: 'alertmanagers',
  },
  'monitoring.coreos.com/v1/ThanosRuler': {
    kind: 'ThanosRuler',
    prefix: '/apis/monitoring.coreos.com/v1',
    plural: 'thanosrulers',
  },
};

/** An owner reference as the API server returns it. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  controller?: boolean;
}

/** The fields of an object the teardown reads; everything else is ignored. */
export interface KubeItem {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    ownerReferences?: OwnerReference[];
  };
  spec?: {
    suspend?: boolean;
    type?: string;
    persistentVolumeReclaimPolicy?: string;
    claimRef?: { namespace?: string; name?: string };
    csi?: { driver?: string; volumeHandle?: string };
    volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }>;
  };
}

/** Path of a kind's collection: in one namespace, or across all of them when `namespace` is omitted. */
export function collectionPath(resource: KubeResource, namespace?: string): string {
  if (resource.clusterScoped || namespace === undefined) return `${resource.prefix}/${resource.plural}`;
  return `${resource.prefix}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`;
}

/** Path of one object. */
export function objectPath(resource: KubeResource, namespace: string | undefined, name: string): string {
  const collection = resource.clusterScoped
    ? collectionPath(resource)
    : collectionPath(resource, namespace ?? 'default');
  return `${collection}/${encodeURIComponent(name)}`;
}
