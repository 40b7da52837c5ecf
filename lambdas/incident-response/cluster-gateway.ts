/**
 * The worker's view of the cluster: the live Flux object (revision Flux attempts, annotations),
 * the Kustomization and GitRepository a revert is scoped to, validation, and the two writes the
 * guard may make: the `reconcile.fluxcd.io/requestedAt` annotation, and suspending an
 * ImageUpdateAutomation (an admission policy allows nothing else).
 *
 * @module
 */
import {
  type ClusterReader,
  type ValidateRequest,
  type ValidationReport,
  validateRollout,
} from '../cluster/index.js';
import { FLUX_API, fluxPath, type KubeObjects } from './kube-client.js';
import type { FluxKind, ObjectRef } from './model.js';

/** What the worker reads from a live Flux object. */
export interface LiveObject {
  kind: FluxKind;
  namespace: string;
  name: string;
  lastAttemptedRevision?: string;
  lastAppliedRevision?: string;
  /** The Ready condition. */
  ready?: { status: string; reason?: string; message?: string };
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

/** Where a revert goes: the Kustomization that applies the object, its path and its Git source. */
export interface RevertTarget {
  kustomization: { namespace: string; name: string };
  /** The Kustomization `spec.path` (`./apps/prod`). */
  path: string;
  /** The Git revision the Kustomization attempts (a HelmRelease's failing commit is its Kustomization's). */
  revision?: string;
  source: { namespace: string; name: string; url: string; branch: string };
}

/** A Flux object the worker asks to reconcile. */
export interface ReconcileRef {
  kind: 'GitRepository' | 'Kustomization' | 'HelmRelease';
  namespace: string;
  name: string;
}

/** The cluster as the pipeline uses it; tests may pass their own. */
export interface ClusterGateway {
  /** @throws when the object cannot be read (doubt: the pipeline alerts and does nothing) */
  readObject(ref: ObjectRef): Promise<LiveObject>;
  /** @throws when the Kustomization or its GitRepository cannot be read, or is not a Git branch */
  revertTarget(live: LiveObject): Promise<RevertTarget>;
  validate(request: ValidateRequest): Promise<ValidationReport>;
  /** Sets `reconcile.fluxcd.io/requestedAt` on each object, in order. */
  requestReconcile(objects: readonly ReconcileRef[], at: Date): Promise<void>;
  /** Suspends an ImageUpdateAutomation (`spec.suspend: true`). */
  suspendImageUpdateAutomation(namespace: string, name: string): Promise<void>;
  /** The ImageUpdateAutomations in a namespace, with the commit author they write as. */
  imageUpdateAutomations(namespace: string): Promise<ImageAutomationRef[]>;
}

/** An ImageUpdateAutomation, the author of the commits it pushes, and the GitRepository it writes to. */
export interface ImageAutomationRef {
  namespace: string;
  name: string;
  authorName?: string;
  authorEmail?: string;
  /** `spec.sourceRef`: the GitRepository it pushes to (its namespace is the automation's unless said). */
  source?: { namespace: string; name: string };
}

/** The labels kustomize-controller puts on what a Kustomization applied. */
export const KUSTOMIZATION_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
export const KUSTOMIZATION_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';
/** Flux's "reconcile now" annotation. */
export const REQUESTED_AT_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const strings = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(obj(value)).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );

/** The {@link ClusterGateway} of one cluster connection. */
export class KubeClusterGateway implements ClusterGateway {
  readonly #objects: KubeObjects;
  readonly #reader: ClusterReader;
  readonly #validateDeps: Omit<Parameters<typeof validateRollout>[1], 'reader'>;

  constructor(
    objects: KubeObjects,
    reader: ClusterReader,
    validateDeps: Omit<Parameters<typeof validateRollout>[1], 'reader'> = {},
  ) {
    this.#objects = objects;
    this.#reader = reader;
    this.#validateDeps = validateDeps;
  }

  async readObject(ref: ObjectRef): Promise<LiveObject> {
    const raw = await this.#objects.get(fluxPath(ref.kind, ref.namespace, ref.name));
    const metadata = obj(raw.metadata);
    const status = obj(raw.status);
    const ready = (Array.isArray(status.conditions) ? status.conditions : [])
      .map(obj)
      .find((c) => c.type === 'Ready');
    const live: LiveObject = {
      kind: ref.kind,
      namespace: ref.namespace,
      name: ref.name,
      annotations: strings(metadata.annotations),
      labels: strings(metadata.labels),
    };
    const attempted = str(status.lastAttemptedRevision);
    const applied = str(status.lastAppliedRevision);
    if (attempted) live.lastAttemptedRevision = attempted;
    if (applied) live.lastAppliedRevision = applied;
    if (ready) {
      live.ready = { status: str(ready.status) ?? 'Unknown' };
      const reason = str(ready.reason);
      const message = str(ready.message);
      if (reason) live.ready.reason = reason;
      if (message) live.ready.message = message;
    }
    return live;
  }

  async revertTarget(live: LiveObject): Promise<RevertTarget> {
    let kustomization = { namespace: live.namespace, name: live.name };
    if (live.kind === 'HelmRelease') {
      const name = live.labels[KUSTOMIZATION_NAME_LABEL];
      const namespace = live.labels[KUSTOMIZATION_NAMESPACE_LABEL];
      if (!name || !namespace) {
        throw new Error(
          `HelmRelease ${live.namespace}/${live.name} has no ${KUSTOMIZATION_NAME_LABEL} label: no Kustomization applied it, so there is nothing in git to revert`,
        );
      }
      kustomization = { namespace, name };
    }
    const ks = await this.#objects.get(
      fluxPath('Kustomization', kustomization.namespace, kustomization.name),
    );
    const spec = obj(ks.spec);
    const sourceRef = obj(spec.sourceRef);
    if (sourceRef.kind !== 'GitRepository') {
      throw new Error(
        `Kustomization ${kustomization.namespace}/${kustomization.name} reads a ${String(sourceRef.kind)}, not a GitRepository: nothing to revert in git`,
      );
    }
    const sourceNs = str(sourceRef.namespace) ?? kustomization.namespace;
    const sourceName = str(sourceRef.name) ?? '';
    const repo = await this.#objects.get(fluxPath('GitRepository', sourceNs, sourceName));
    const repoSpec = obj(repo.spec);
    const branch = str(obj(repoSpec.ref).branch);
    const url = str(repoSpec.url);
    if (!url || !branch) {
      throw new Error(
        `GitRepository ${sourceNs}/${sourceName} does not follow a branch: nothing to revert on`,
      );
    }
    const attempted = str(obj(ks.status).lastAttemptedRevision);
    return {
      kustomization,
      path: str(spec.path) ?? './',
      source: { namespace: sourceNs, name: sourceName, url, branch },
      ...(attempted ? { revision: attempted } : {}),
    };
  }

  validate(request: ValidateRequest): Promise<ValidationReport> {
    return validateRollout(request, { ...this.#validateDeps, reader: this.#reader });
  }

  async requestReconcile(objects: readonly ReconcileRef[], at: Date): Promise<void> {
    const patch = { metadata: { annotations: { [REQUESTED_AT_ANNOTATION]: at.toISOString() } } };
    for (const o of objects) await this.#objects.mergePatch(fluxPath(o.kind, o.namespace, o.name), patch);
  }

  async imageUpdateAutomations(namespace: string): Promise<ImageAutomationRef[]> {
    const api = FLUX_API.ImageUpdateAutomation as { prefix: string; plural: string };
    const list = await this.#objects.get(
      `${api.prefix}/namespaces/${encodeURIComponent(namespace)}/${api.plural}`,
    );
    return (Array.isArray(list.items) ? list.items : []).map(obj).map((item) => {
      const author = obj(obj(obj(obj(item.spec).git).commit).author);
      const ref: ImageAutomationRef = { namespace, name: str(obj(item.metadata).name) ?? '' };
      const name = str(author.name);
      const email = str(author.email);
      const sourceRef = obj(obj(item.spec).sourceRef);
      const sourceName = str(sourceRef.name);
      if (name) ref.authorName = name;
      if (email) ref.authorEmail = email;
      if (sourceName) ref.source = { namespace: str(sourceRef.namespace) ?? namespace, name: sourceName };
      return ref;
    });
  }

  async suspendImageUpdateAutomation(namespace: string, name: string): Promise<void> {
    await this.#objects.mergePatch(fluxPath('ImageUpdateAutomation', namespace, name), {
      spec: { suspend: true },
    });
  }
}
