import { z } from 'zod';

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

/** A Kubernetes condition, as Flux and apps/v1 report them. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
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

/**
 * What fluxguard read about the Flux object: its revisions, readiness, source and workloads. The
 * revert engine needs `source.url`, `source.branch` and `path`.
 */
export interface FluxContext {
  kind: FluxTargetKind;
  namespace: string;
  name: string;
  /** Set only after apply, prune and health checks all passed. */
  lastAppliedRevision?: string;
  /** The revision Flux last tried (the new one after a failed health check). */
  lastAttemptedRevision?: string;
  /** Kustomization `spec.path`: the directory in the source that is applied. */
  path?: string;
  /** The object's `Ready` condition. */
  ready?: Condition;
  source?: FluxSource;
  /** HelmRelease: where the release's objects live (`spec.targetNamespace`, else the object's namespace). */
  releaseNamespace?: string;
  /** Deployments, StatefulSets and DaemonSets from the inventory (Kustomization), sorted. */
  workloads: WorkloadRef[];
  /** How many objects the inventory lists in all. */
  inventorySize: number;
}

const condition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
const sourceRef = z.looseObject({ kind: z.string(), name: z.string(), namespace: z.string().optional() });
const metadata = z.looseObject({ name: z.string(), namespace: z.string().default('default') });
const inventory = z.looseObject({
  entries: z.array(z.looseObject({ id: z.string(), v: z.string().optional() })).default([]),
});

const kustomizationSchema = z.looseObject({
  kind: z.literal('Kustomization').optional(),
  metadata,
  spec: z.looseObject({ path: z.string().optional(), sourceRef }),
  status: z
    .looseObject({
      lastAppliedRevision: z.string().optional(),
      lastAttemptedRevision: z.string().optional(),
      conditions: z.array(condition).optional(),
      inventory: inventory.optional(),
    })
    .default({}),
});

const helmReleaseSchema = z.looseObject({
  kind: z.literal('HelmRelease').optional(),
  metadata,
  spec: z.looseObject({
    targetNamespace: z.string().optional(),
    chart: z.looseObject({ spec: z.looseObject({ sourceRef }) }).optional(),
    chartRef: sourceRef.optional(),
  }),
  status: z
    .looseObject({
      lastAppliedRevision: z.string().optional(),
      lastAttemptedRevision: z.string().optional(),
      conditions: z.array(condition).optional(),
      history: z
        .array(z.looseObject({ chartVersion: z.string().optional(), status: z.string().optional() }))
        .optional(),
      inventory: inventory.optional(),
    })
    .default({}),
});

const gitRepositorySchema = z.looseObject({
  metadata,
  spec: z.looseObject({
    url: z.string(),
    ref: z
      .looseObject({
        branch: z.string().optional(),
        tag: z.string().optional(),
        semver: z.string().optional(),
        commit: z.string().optional(),
      })
      .optional(),
  }),
  status: z
    .looseObject({ artifact: z.looseObject({ revision: z.string().optional() }).optional() })
    .optional(),
});

/** A Flux object did not have the shape fluxguard needs. */
export class FluxObjectError extends Error {
  override name = 'FluxObjectError';
}

const WORKLOAD_KINDS = new Set<string>(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * The workloads in a Flux inventory. Entry ids are `<namespace>_<name>_<group>_<kind>` (an empty
 * namespace for cluster-scoped objects, an empty group for the core group); names cannot contain
 * `_`, so splitting from both ends is unambiguous.
 */
export function workloadsOfInventory(ids: readonly string[]): WorkloadRef[] {
  const workloads: WorkloadRef[] = [];
  for (const id of ids) {
    const parts = id.split('_');
    if (parts.length < 4) continue;
    const kind = parts[parts.length - 1] ?? '';
    const group = parts[parts.length - 2];
    const namespace = parts[0] ?? '';
    const name = parts.slice(1, -2).join('_');
    if (group === 'apps' && WORKLOAD_KINDS.has(kind) && namespace !== '') {
      workloads.push({ kind: kind as WorkloadKind, namespace, name });
    }
  }
  // Ordinal, not localeCompare: for Kubernetes names (lowercase letters, digits, '-', '.') and the
  // three kinds the order is the same, and the first localeCompare in a process loads ICU's
  // collation data (about 12 ms of a cold validation pass).
  const key = (w: WorkloadRef) => `${w.namespace}/${w.kind}/${w.name}`;
  return workloads.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function parse<T>(schema: z.ZodType<T>, object: unknown, what: string): T {
  // Without zod's JIT: it compiles a parser per object schema on first use (`new Function`), which
  // costs more (5-10 ms in a cold process) than it saves on the one or two objects parsed per check.
  const result = schema.safeParse(object, { jitless: true });
  if (!result.success) {
    throw new FluxObjectError(`${what} is not shaped as expected: ${z.prettifyError(result.error)}`);
  }
  return result.data;
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
    return {
      kind,
      namespace: ks.metadata.namespace,
      name: ks.metadata.name,
      lastAppliedRevision: ks.status.lastAppliedRevision,
      lastAttemptedRevision: ks.status.lastAttemptedRevision,
      path: ks.spec.path,
      ready: ks.status.conditions?.find((c) => c.type === 'Ready'),
      source: {
        kind: ks.spec.sourceRef.kind,
        name: ks.spec.sourceRef.name,
        namespace: ks.spec.sourceRef.namespace ?? ks.metadata.namespace,
      },
      workloads: workloadsOfInventory(entries.map((e) => e.id)),
      inventorySize: entries.length,
    };
  }
  const hr = parse(helmReleaseSchema, object, 'HelmRelease');
  const ref = hr.spec.chartRef ?? hr.spec.chart?.spec.sourceRef;
  const latest = hr.status.history?.[0];
  const entries = hr.status.inventory?.entries ?? [];
  return {
    kind,
    namespace: hr.metadata.namespace,
    name: hr.metadata.name,
    lastAppliedRevision:
      hr.status.lastAppliedRevision ?? (latest?.status === 'deployed' ? latest.chartVersion : undefined),
    lastAttemptedRevision: hr.status.lastAttemptedRevision,
    ready: hr.status.conditions?.find((c) => c.type === 'Ready'),
    source: ref
      ? { kind: ref.kind, name: ref.name, namespace: ref.namespace ?? hr.metadata.namespace }
      : undefined,
    releaseNamespace: hr.spec.targetNamespace ?? hr.metadata.namespace,
    workloads: workloadsOfInventory(entries.map((e) => e.id)),
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
