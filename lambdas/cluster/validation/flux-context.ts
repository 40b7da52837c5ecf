import * as z from 'zod/mini';
import { FluxObjectError } from '../errors.js';
import { type Condition, conditionOf } from '../kube-objects.js';

/** A Flux object validation starts from. */
export type FluxTargetKind = 'Kustomization' | 'HelmRelease';

/** The workload kinds validation checks. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** One workload a Flux object manages. */
export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

/** A namespaced object by kind, namespace and name. */
export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/** Where a Flux object's manifests come from; URL and branch are set for a GitRepository. */
export interface FluxSource {
  kind: string;
  namespace: string;
  name: string;
  url?: string;
  branch?: string;
  tag?: string;
  semver?: string;
  commit?: string;
  /** The revision of the source's current artifact, e.g. `main@sha1:…`. */
  artifactRevision?: string;
}

/** What helm-controller reports about a release (`helm.toolkit.fluxcd.io/v2` status). */
export interface HelmReleaseStatus {
  generation?: number;
  observedGeneration?: number;
  ready?: Condition;
  /** `Released`: whether the last install or upgrade succeeded. */
  released?: Condition;
  /** `Stalled`: helm-controller stopped retrying (e.g. `RetriesExceeded`). */
  stalled?: Condition;
  /** The newest release in `status.history`: its chart version and Helm status (`deployed`, `failed`…). */
  latest?: { chartVersion?: string; status?: string };
}

/**
 * What fluxguard read about the Flux object: its revisions, readiness, source and what its
 * inventory holds. The revert engine needs `source.url`, `source.branch` and `path`; the incident
 * worker needs `lastAttemptedRevision` and, for a HelmRelease, `kustomization`.
 */
export interface FluxContext {
  kind: FluxTargetKind;
  namespace: string;
  name: string;
  /** Set only after apply, prune and health checks all passed. */
  lastAppliedRevision?: string;
  /** The revision Flux is attempting now (the new one after a failed health check). */
  lastAttemptedRevision?: string;
  /** Kustomization `spec.path`: the directory in the source that is applied. */
  path?: string;
  /** The object's `Ready` condition. */
  ready?: Condition;
  source?: FluxSource;
  /**
   * The Kustomization that applies this object, from the `kustomize.toolkit.fluxcd.io/name` and
   * `/namespace` labels kustomize-controller puts on what it applies.
   */
  kustomization?: { namespace: string; name: string };
  /** HelmRelease: where the release's objects live (`spec.targetNamespace`, else the object's namespace). */
  releaseNamespace?: string;
  /** HelmRelease: its own status. */
  helm?: HelmReleaseStatus;
  /** Deployments, StatefulSets and DaemonSets from the inventory, sorted. */
  workloads: WorkloadRef[];
  /** HelmReleases from the inventory, sorted. */
  helmReleases: ObjectRef[];
  /**
   * Inventory objects whose health fluxguard does not check (Jobs, custom resources, nested
   * Kustomizations, claims…), sorted; objects without a health of their own (ConfigMaps, RBAC,
   * Services…) are left out.
   */
  unchecked: ObjectRef[];
  /** How many objects the inventory lists in all. */
  inventorySize: number;
}

const condition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.optional(z.string()),
  message: z.optional(z.string()),
  lastTransitionTime: z.optional(z.string()),
});
const sourceRef = z.looseObject({ kind: z.string(), name: z.string(), namespace: z.optional(z.string()) });
const metadata = z.looseObject({
  name: z.string(),
  namespace: z._default(z.string(), 'default'),
  generation: z.optional(z.number()),
  labels: z.optional(z.record(z.string(), z.string())),
});
const inventory = z.looseObject({
  entries: z._default(z.array(z.looseObject({ id: z.string(), v: z.optional(z.string()) })), []),
});

const kustomizationSchema = z.looseObject({
  kind: z.optional(z.literal('Kustomization')),
  metadata,
  spec: z.looseObject({ path: z.optional(z.string()), sourceRef }),
  status: z._default(
    z.looseObject({
      lastAppliedRevision: z.optional(z.string()),
      lastAttemptedRevision: z.optional(z.string()),
      conditions: z.optional(z.array(condition)),
      inventory: z.optional(inventory),
    }),
    {},
  ),
});

const helmReleaseSchema = z.looseObject({
  kind: z.optional(z.literal('HelmRelease')),
  metadata,
  spec: z.looseObject({
    targetNamespace: z.optional(z.string()),
    chart: z.optional(z.looseObject({ spec: z.looseObject({ sourceRef }) })),
    chartRef: z.optional(sourceRef),
  }),
  status: z._default(
    z.looseObject({
      observedGeneration: z.optional(z.number()),
      lastAppliedRevision: z.optional(z.string()),
      lastAttemptedRevision: z.optional(z.string()),
      conditions: z.optional(z.array(condition)),
      history: z.optional(
        z.array(z.looseObject({ chartVersion: z.optional(z.string()), status: z.optional(z.string()) })),
      ),
      inventory: z.optional(inventory),
    }),
    {},
  ),
});

const gitRepositorySchema = z.looseObject({
  metadata,
  spec: z.looseObject({
    url: z.string(),
    ref: z.optional(
      z.looseObject({
        branch: z.optional(z.string()),
        tag: z.optional(z.string()),
        semver: z.optional(z.string()),
        commit: z.optional(z.string()),
      }),
    ),
  }),
  status: z.optional(
    z.looseObject({ artifact: z.optional(z.looseObject({ revision: z.optional(z.string()) })) }),
  ),
});

const WORKLOAD_KINDS = new Set<string>(['Deployment', 'StatefulSet', 'DaemonSet']);
const HELM_GROUP = 'helm.toolkit.fluxcd.io';

/**
 * API groups whose objects have no health of their own (configuration, access control, policy,
 * Flux sources and notifications, monitoring rules): nothing about them can fail a rollout that the
 * workloads would not show.
 */
const PASSIVE_GROUPS = new Set([
  'rbac.authorization.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'coordination.k8s.io',
  'source.toolkit.fluxcd.io',
  'notification.toolkit.fluxcd.io',
  'image.toolkit.fluxcd.io',
  'monitoring.coreos.com',
]);

/** Kinds, as `<group>/<kind>` (`/<kind>` for the core group), with no health of their own. */
const PASSIVE_KINDS = new Set([
  '/ConfigMap',
  '/Secret',
  '/Service',
  '/ServiceAccount',
  '/Namespace',
  '/LimitRange',
  '/ResourceQuota',
  '/Endpoints',
  'networking.k8s.io/NetworkPolicy',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/Ingress',
  'policy/PodDisruptionBudget',
  'autoscaling/HorizontalPodAutoscaler',
  'batch/CronJob',
  'apps/ControllerRevision',
]);

/** What a Flux inventory holds, by what validation does with it. */
export interface InventoryContents {
  workloads: WorkloadRef[];
  helmReleases: ObjectRef[];
  unchecked: ObjectRef[];
}

// Ordinal, not localeCompare: for Kubernetes names (lowercase letters, digits, '-', '.') and kinds the
// order is the same, and the first localeCompare in a process loads ICU's collation data (about
// 12 ms of a cold validation pass).
function byNamespaceKindName<T extends ObjectRef>(refs: T[]): T[] {
  const key = (ref: ObjectRef) => `${ref.namespace}/${ref.kind}/${ref.name}`;
  return refs.sort((a, b) => {
    const left = key(a);
    const right = key(b);
    return left < right ? -1 : left > right ? 1 : 0;
  });
}

/**
 * Sorts a Flux inventory. Entry ids are `<namespace>_<name>_<group>_<kind>` (an empty namespace for
 * cluster-scoped objects, an empty group for the core group); names cannot contain `_`, so
 * splitting from both ends is unambiguous.
 */
export function inventoryContents(ids: readonly string[]): InventoryContents {
  const contents: InventoryContents = { workloads: [], helmReleases: [], unchecked: [] };
  for (const id of ids) {
    const parts = id.split('_');
    if (parts.length < 4) continue;
    const kind = parts.at(-1) ?? '';
    const group = parts.at(-2) ?? '';
    const namespace = parts[0] ?? '';
    const name = parts.slice(1, -2).join('_');
    if (group === 'apps' && WORKLOAD_KINDS.has(kind) && namespace !== '') {
      contents.workloads.push({ kind: kind as WorkloadKind, namespace, name });
    } else if (group === HELM_GROUP && kind === 'HelmRelease') {
      contents.helmReleases.push({ kind, namespace, name });
    } else if (!PASSIVE_GROUPS.has(group) && !PASSIVE_KINDS.has(`${group}/${kind}`)) {
      contents.unchecked.push({ kind, namespace, name });
    }
  }
  byNamespaceKindName(contents.workloads);
  byNamespaceKindName(contents.helmReleases);
  byNamespaceKindName(contents.unchecked);
  return contents;
}

/** The Deployments, StatefulSets and DaemonSets of a Flux inventory, sorted. */
export function workloadsOfInventory(ids: readonly string[]): WorkloadRef[] {
  return inventoryContents(ids).workloads;
}

function parse<T>(schema: z.ZodMiniType<T>, object: unknown, what: string): T {
  // Without zod's JIT: it compiles a parser per object schema on first use (`new Function`), which
  // costs more (5-10 ms in a cold process) than it saves on the one or two objects parsed per check.
  const result = schema.safeParse(object, { jitless: true });
  if (!result.success) {
    throw new FluxObjectError(`${what} is not shaped as expected: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

function appliedBy(labels: Record<string, string> | undefined): FluxContext['kustomization'] {
  const name = labels?.['kustomize.toolkit.fluxcd.io/name'];
  const namespace = labels?.['kustomize.toolkit.fluxcd.io/namespace'];
  return name && namespace ? { namespace, name } : undefined;
}

/**
 * Reads a Kustomization (`kustomize.toolkit.fluxcd.io/v1`) or HelmRelease
 * (`helm.toolkit.fluxcd.io/v2`) as the API server returns it.
 *
 * @throws {FluxObjectError} when required fields are missing
 */
export function fluxContextOf(kind: FluxTargetKind, object: unknown): FluxContext {
  if (kind === 'Kustomization') {
    const ks = parse(kustomizationSchema, object, 'Kustomization');
    const entries = ks.status.inventory?.entries ?? [];
    const kustomization = appliedBy(ks.metadata.labels);
    return {
      kind,
      namespace: ks.metadata.namespace,
      name: ks.metadata.name,
      lastAppliedRevision: ks.status.lastAppliedRevision,
      lastAttemptedRevision: ks.status.lastAttemptedRevision,
      path: ks.spec.path,
      ready: conditionOf(ks.status.conditions, 'Ready'),
      source: {
        kind: ks.spec.sourceRef.kind,
        name: ks.spec.sourceRef.name,
        namespace: ks.spec.sourceRef.namespace ?? ks.metadata.namespace,
      },
      ...(kustomization ? { kustomization } : {}),
      ...inventoryContents(entries.map((entry) => entry.id)),
      inventorySize: entries.length,
    };
  }
  const hr = parse(helmReleaseSchema, object, 'HelmRelease');
  const ref = hr.spec.chartRef ?? hr.spec.chart?.spec.sourceRef;
  const latest = hr.status.history?.[0];
  const entries = hr.status.inventory?.entries ?? [];
  const kustomization = appliedBy(hr.metadata.labels);
  const conditions = hr.status.conditions;
  return {
    kind,
    namespace: hr.metadata.namespace,
    name: hr.metadata.name,
    lastAppliedRevision:
      hr.status.lastAppliedRevision ?? (latest?.status === 'deployed' ? latest.chartVersion : undefined),
    lastAttemptedRevision: hr.status.lastAttemptedRevision,
    ready: conditionOf(conditions, 'Ready'),
    source: ref
      ? { kind: ref.kind, name: ref.name, namespace: ref.namespace ?? hr.metadata.namespace }
      : undefined,
    ...(kustomization ? { kustomization } : {}),
    releaseNamespace: hr.spec.targetNamespace ?? hr.metadata.namespace,
    helm: {
      generation: hr.metadata.generation,
      observedGeneration: hr.status.observedGeneration,
      ready: conditionOf(conditions, 'Ready'),
      released: conditionOf(conditions, 'Released'),
      stalled: conditionOf(conditions, 'Stalled'),
      ...(latest ? { latest: { chartVersion: latest.chartVersion, status: latest.status } } : {}),
    },
    ...inventoryContents(entries.map((entry) => entry.id)),
    inventorySize: entries.length,
  };
}

/** Adds a GitRepository's URL, ref and artifact revision to a {@link FluxSource}. */
export function withGitRepository(source: FluxSource, object: unknown): FluxSource {
  const repo = parse(gitRepositorySchema, object, 'GitRepository');
  return {
    ...source,
    url: repo.spec.url,
    branch: repo.spec.ref?.branch,
    tag: repo.spec.ref?.tag,
    semver: repo.spec.ref?.semver,
    commit: repo.spec.ref?.commit,
    artifactRevision: repo.status?.artifact?.revision,
  };
}
