/**
 * A small Flux for the simulation: source-controller (follows a branch of the GitHub stand-in's
 * repository), kustomize-controller (builds a Kustomization's path at the new revision, applies it
 * into the {@link FakeKubeApi}, health-checks what it applied and writes the status fields Flux
 * writes), helm-controller ({@link HelmController}: installs, upgrades and remediates the
 * HelmReleases a Kustomization applies) and notification-controller (posts each event, signed, to
 * the webhook). It reconciles
 * on its intervals, when the branch moves, and when `reconcile.fluxcd.io/requestedAt` is set
 * through the API, as `flux reconcile` or the guard does; with `CancelHealthCheckOnNewRevision`
 * (the platform turns it on) a new revision cancels a running health check.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { GitRepo } from '../github/git-repo.js';
import type { FakeKubeApi, KubeObject, WriteEvent } from '../kube-api/fake-kube-api.js';
import { fluxDuration, parseGoDuration, type StoryClock } from './clock.js';
import { HelmController, type HelmEvent } from './helm-controller.js';
import { buildKustomization, objectId } from './manifests.js';
import { type Delivery, type FluxEventBody, ProviderNotifier } from './notifier.js';
import { type ImageBehaviour, type RolloutTimings, Workloads } from './workloads.js';

/** Flux's "reconcile now" annotation. */
export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const GIT = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' } as const;
const HR = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' } as const;
/** Health checks poll this often (kustomize-controller's fixed 5 s). */
const POLL_MS = 5_000;
const CREATED = '2026-05-04T12:00:00Z';

/** What the simulator did, for the timeline. */
export type SimulatorEvent =
  | { type: 'reconcile-requested'; kind: string; name: string; at: string }
  | { type: 'artifact'; revision: string; subject: string }
  | { type: 'applied'; kustomization: string; revision: string; changeset: string[] }
  | { type: 'healthy'; kustomization: string; revision: string; afterMs: number }
  | { type: 'health-check-failed'; kustomization: string; revision: string; afterMs: number; message: string }
  | { type: 'health-check-canceled'; kustomization: string; revision: string }
  | { type: 'build-failed'; kustomization: string; revision: string; message: string }
  | { type: 'event-posted'; delivery: Delivery }
  | HelmEvent;

/** A Kustomization the simulator reconciles (its manifest, e.g. from `gitops/clusters/<env>/apps.yaml`). */
export interface SimulatedKustomization {
  name: string;
  namespace: string;
  path: string;
  intervalMs: number;
  retryIntervalMs: number;
  timeoutMs: number;
}

/** Options of {@link FluxSimulator}. */
export interface FluxSimulatorOptions {
  kube: FakeKubeApi;
  repo: GitRepo;
  clock: StoryClock;
  /** The Provider: the webhook address and the HMAC token. */
  provider: { address: string; token: string };
  /** The Alert's `eventMetadata` (cluster, env, region), merged into every event. */
  eventMetadata: Record<string, string>;
  /** The `cluster-config` ConfigMap's values for post-build substitution. */
  variables: Record<string, string>;
  /** How each image's pods behave. */
  images: (image: string) => ImageBehaviour;
  kustomizations: SimulatedKustomization[];
  /** The GitRepository (default `flux-system/flux-system`, branch `main`, every minute). */
  source: { name?: string; namespace?: string; url: string; branch?: string; intervalMs?: number };
  /** kustomize-controller's feature gate (default on, as the platform configures it). */
  cancelHealthCheckOnNewRevision?: boolean;
  timings?: RolloutTimings;
  onEvent?: (event: SimulatorEvent) => void;
}

/** Reads `spec` of a Flux Kustomization manifest into what the simulator needs. */
export function simulatedKustomization(manifest: KubeObject): SimulatedKustomization {
  const spec = (manifest.spec ?? {}) as Record<string, unknown>;
  const intervalMs = parseGoDuration(String(spec.interval ?? '10m'));
  return {
    name: manifest.metadata.name,
    namespace: manifest.metadata.namespace ?? 'flux-system',
    path: String(spec.path ?? './'),
    intervalMs,
    retryIntervalMs: spec.retryInterval ? parseGoDuration(String(spec.retryInterval)) : intervalMs,
    timeoutMs: spec.timeout ? parseGoDuration(String(spec.timeout)) : Math.max(30_000, intervalMs - 30_000),
  };
}

function uid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The kinds the API stand-in stores; others are applied (listed in the change set) but not stored. */
const STORED = new Set([
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'apps/v1/DaemonSet',
  'batch/v1/Job',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'networking.k8s.io/v1/Ingress',
  'v1/Service',
  'v1/ConfigMap',
  'v1/Namespace',
  'v1/PersistentVolumeClaim',
  'helm.toolkit.fluxcd.io/v2/HelmRelease',
]);

interface KustomizationRun {
  spec: SimulatedKustomization;
  /** The revision of the last apply, and what it applied (by object id, as JSON). */
  applied: Map<string, string>;
  attempted?: string;
  lastApplied?: string;
  wake: () => void;
  /** Set when a reconcile must start over (new revision or a request): cancels a health check. */
  pending: boolean;
  triggeredBy?: string;
  failed: boolean;
}

/**
 * The Flux controllers of the simulated cluster.
 *
 * @example
 * ```ts
 * const flux = new FluxSimulator({ kube, repo, clock, provider, eventMetadata, variables, images, kustomizations });
 * await flux.start(); // applies the branch head, waits for it to become healthy
 * ```
 */
export class FluxSimulator {
  readonly workloads: Workloads;
  /** helm-controller: the HelmReleases the Kustomizations applied. */
  readonly helm: HelmController;
  /** Every event posted, in order. */
  readonly deliveries: Delivery[] = [];
  readonly #options: FluxSimulatorOptions;
  readonly #notifier: ProviderNotifier;
  readonly #runs = new Map<string, KustomizationRun>();
  readonly #source: { name: string; namespace: string; url: string; branch: string; intervalMs: number };
  #revision?: string;
  #stopped = false;
  #unsubscribe?: () => void;
  #sourceWake: () => void = () => undefined;
  readonly #loops: Promise<void>[] = [];

  constructor(options: FluxSimulatorOptions) {
    this.#options = options;
    this.workloads = new Workloads(options.kube, options.clock, options.images, options.timings);
    this.helm = new HelmController({
      kube: options.kube,
      clock: options.clock,
      workloads: this.workloads,
      post: (release, severity, reason, message, metadata) =>
        this.#postHelm(release, severity, reason, message, metadata),
      onEvent: (event) => this.#emit(event),
    });
    this.#notifier = new ProviderNotifier({
      address: options.provider.address,
      token: options.provider.token,
      clock: options.clock,
    });
    this.#source = {
      name: options.source.name ?? 'flux-system',
      namespace: options.source.namespace ?? 'flux-system',
      url: options.source.url,
      branch: options.source.branch ?? 'main',
      intervalMs: options.source.intervalMs ?? 60_000,
    };
    for (const spec of options.kustomizations) {
      this.#runs.set(`${spec.namespace}/${spec.name}`, {
        spec,
        applied: new Map(),
        wake: () => undefined,
        pending: false,
        failed: false,
      });
    }
  }

  /** The revision source-controller last fetched (`main@sha1:<sha>`). */
  get revision(): string | undefined {
    return this.#revision;
  }

  /** The last revision a Kustomization applied successfully. */
  lastAppliedRevision(namespace: string, name: string): string | undefined {
    return this.#runs.get(`${namespace}/${name}`)?.lastApplied;
  }

  /**
   * Creates the GitRepository and Kustomizations, fetches the branch head, and starts the
   * controllers; resolves once every Kustomization finished its first reconcile.
   */
  async start(): Promise<void> {
    const { kube } = this.#options;
    kube.put(this.#gitRepositoryObject());
    for (const run of this.#runs.values()) kube.put(this.#kustomizationObject(run));
    this.#unsubscribe = kube.onWrite((event) => this.#onWrite(event));
    await this.#fetch();
    const firsts = [...this.#runs.values()].map(
      (run) =>
        new Promise<void>((resolve) => {
          const loop = this.#kustomizationLoop(run, resolve);
          this.#loops.push(loop);
        }),
    );
    this.#loops.push(this.#sourceLoop());
    await Promise.all(firsts);
  }

  /** Stops every controller loop. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.workloads.stop();
    this.#sourceWake();
    for (const run of this.#runs.values()) run.wake();
    await Promise.all([...this.#loops, this.helm.stop()]);
  }

  #emit(event: SimulatorEvent): void {
    this.#options.onEvent?.(event);
  }

  /** A patch through the API (the guard, or `flux reconcile`) that sets `requestedAt`. */
  #onWrite(event: WriteEvent): void {
    if (event.via === 'put' || event.type === 'DELETED') return;
    const object = event.object;
    const at = (object.metadata.annotations as Record<string, string> | undefined)?.[REQUESTED_AT];
    if (!at) return;
    const status = (object.status ?? {}) as Record<string, unknown>;
    if (status.lastHandledReconcileAt === at) return;
    if (object.kind === 'GitRepository' && object.metadata.name === this.#source.name) {
      this.#emit({ type: 'reconcile-requested', kind: 'GitRepository', name: object.metadata.name, at });
      this.#markHandled(GIT, object, at);
      this.#sourceWake();
    } else if (object.kind === 'Kustomization') {
      const run = this.#runs.get(`${object.metadata.namespace}/${object.metadata.name}`);
      if (!run) return;
      this.#emit({ type: 'reconcile-requested', kind: 'Kustomization', name: object.metadata.name, at });
      this.#markHandled(KS, object, at);
      this.#request(run, `Kustomization/${object.metadata.namespace}/${object.metadata.name}`);
    } else if (object.kind === 'HelmRelease') {
      const ns = object.metadata.namespace ?? 'default';
      this.#emit({ type: 'reconcile-requested', kind: 'HelmRelease', name: object.metadata.name, at });
      this.helm.request(ns, object.metadata.name, at);
    }
  }

  #markHandled(kind: { apiVersion: string; kind: string }, object: KubeObject, at: string): void {
    const live = this.#options.kube.object(kind, object.metadata.namespace, object.metadata.name);
    if (!live) return;
    live.status = { ...((live.status ?? {}) as object), lastHandledReconcileAt: at };
    this.#options.kube.put(live);
  }

  #request(run: KustomizationRun, by: string): void {
    run.pending = true;
    run.triggeredBy = by;
    run.wake();
  }

  async #sourceLoop(): Promise<void> {
    while (!this.#stopped) {
      await new Promise<void>((resolve) => {
        this.#sourceWake = resolve;
        this.#options.clock.after(this.#source.intervalMs, resolve);
      });
      if (this.#stopped) return;
      await this.#fetch();
    }
  }

  /** source-controller: a new commit on the branch becomes the artifact; its Kustomizations reconcile. */
  async #fetch(): Promise<void> {
    const { repo, kube } = this.#options;
    const sha = await repo.revParse(`refs/heads/${this.#source.branch}`);
    const revision = `${this.#source.branch}@sha1:${sha}`;
    if (revision === this.#revision) return;
    this.#revision = revision;
    const subject = (await repo.git(['log', '-1', '--format=%s', sha])).trim();
    this.#emit({ type: 'artifact', revision, subject });
    const live = kube.object(GIT, this.#source.namespace, this.#source.name) ?? this.#gitRepositoryObject();
    live.status = {
      ...((live.status ?? {}) as object),
      artifact: {
        digest: `sha256:${createHash('sha256').update(sha).digest('hex')}`,
        lastUpdateTime: this.#options.clock.timestamp(),
        path: `gitrepository/${this.#source.namespace}/${this.#source.name}/${sha}.tar.gz`,
        revision,
        size: 48_213,
        url: `http://source-controller.flux-system.svc.cluster.local./gitrepository/${this.#source.namespace}/${this.#source.name}/${sha}.tar.gz`,
      },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Succeeded',
          message: `stored artifact for revision '${revision}'`,
          lastTransitionTime: this.#options.clock.timestamp(),
          observedGeneration: 1,
        },
      ],
      observedGeneration: 1,
    };
    kube.put(live);
    for (const run of this.#runs.values())
      this.#request(run, `GitRepository/${this.#source.namespace}/${this.#source.name}`);
  }

  async #kustomizationLoop(run: KustomizationRun, firstDone: () => void): Promise<void> {
    let first = true;
    run.pending = true;
    while (!this.#stopped) {
      if (!run.pending) {
        await new Promise<void>((resolve) => {
          run.wake = resolve;
          this.#options.clock.after(run.failed ? run.spec.retryIntervalMs : run.spec.intervalMs, resolve);
        });
        if (this.#stopped) break;
      }
      run.pending = false;
      await this.#reconcile(run);
      if (first) {
        first = false;
        firstDone();
      }
    }
    if (first) firstDone();
  }

  /** kustomize-controller's reconcile: build, apply, health-check, status, events. */
  async #reconcile(run: KustomizationRun): Promise<void> {
    const { repo, clock } = this.#options;
    const revision = this.#revision;
    if (!revision) return;
    const sha = revision.slice(revision.indexOf(':') + 1);
    const name = `${run.spec.namespace}/${run.spec.name}`;
    const started = clock.elapsedMs();
    this.#setStatus(run, {
      lastAttemptedRevision: revision,
      ready: { status: 'Unknown', reason: 'Progressing', message: 'Reconciliation in progress' },
    });
    run.attempted = revision;
    let objects: KubeObject[];
    try {
      objects = await buildKustomization(repo, sha, run.spec.path, this.#options.variables);
    } catch (error) {
      const message = `kustomize build failed: ${(error as Error).message}`;
      run.failed = true;
      this.#setStatus(run, { ready: { status: 'False', reason: 'BuildFailed', message } });
      this.#emit({ type: 'build-failed', kustomization: name, revision, message });
      await this.#post(run, 'error', 'BuildFailed', message, revision);
      return;
    }
    const changeset = this.#apply(run, objects);
    this.#setStatus(run, { inventory: objects });
    if (changeset.length > 0) {
      this.#emit({ type: 'applied', kustomization: name, revision, changeset });
      await this.#post(run, 'info', 'Progressing', changeset.join('\n'), revision);
    }
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    const releases = objects.filter((o) => o.apiVersion === HR.apiVersion && o.kind === HR.kind);
    const timeout = run.spec.timeoutMs;
    for (;;) {
      const statuses = [
        ...deployments.map((d) => ({
          id: objectId(d),
          status: this.workloads.status(d.metadata.namespace ?? 'default', d.metadata.name),
        })),
        ...releases.map((r) => ({
          id: objectId(r),
          status: this.helm.status(r.metadata.namespace ?? 'default', r.metadata.name),
        })),
      ];
      const elapsed = clock.elapsedMs() - started;
      if (statuses.every((s) => s.status === 'current')) {
        run.failed = false;
        run.lastApplied = revision;
        this.#setStatus(run, {
          lastAppliedRevision: revision,
          ready: {
            status: 'True',
            reason: 'ReconciliationSucceeded',
            message: `Applied revision: ${revision}`,
          },
        });
        this.#emit({ type: 'healthy', kustomization: name, revision, afterMs: elapsed });
        await this.#post(
          run,
          'info',
          'ReconciliationSucceeded',
          `Reconciliation finished in ${(elapsed / 1000).toFixed(3)}s, next run in ${fluxDuration(run.spec.intervalMs)}`,
          revision,
          { commit_status: 'update' },
        );
        return;
      }
      const stalled = statuses.filter((s) => s.status === 'failed');
      if (stalled.length > 0 || elapsed >= timeout) {
        const message =
          stalled.length > 0
            ? `health check failed after ${(elapsed / 1000).toFixed(9)}s: failed early due to stalled resources: [${stalled.map((s) => `${s.id} status: 'Failed'`).join(', ')}]`
            : `health check failed after ${fluxDuration(elapsed)}: timeout waiting for: [${statuses
                .filter((s) => s.status !== 'current')
                .map((s) => `${s.id} status: 'InProgress'`)
                .join(', ')}]`;
        run.failed = true;
        this.#setStatus(run, { ready: { status: 'False', reason: 'HealthCheckFailed', message } });
        this.#emit({ type: 'health-check-failed', kustomization: name, revision, afterMs: elapsed, message });
        await this.#post(run, 'error', 'HealthCheckFailed', message, revision);
        return;
      }
      if (run.pending && (this.#options.cancelHealthCheckOnNewRevision ?? true)) {
        const message = `Health checks canceled due to new reconciliation triggered by ${run.triggeredBy ?? 'a request'}`;
        this.#setStatus(run, { ready: { status: 'Unknown', reason: 'HealthCheckCanceled', message } });
        this.#emit({ type: 'health-check-canceled', kustomization: name, revision });
        await this.#post(run, 'info', 'HealthCheckCanceled', message, revision);
        return;
      }
      await clock.sleep(Math.min(POLL_MS, Math.max(1, timeout - elapsed)));
      if (this.#stopped) return;
    }
  }

  /** Server-side apply of the built objects: what changed, as Flux's change set lines. */
  #apply(run: KustomizationRun, objects: KubeObject[]): string[] {
    const { kube } = this.#options;
    const changeset: string[] = [];
    const owner = {
      'kustomize.toolkit.fluxcd.io/name': run.spec.name,
      'kustomize.toolkit.fluxcd.io/namespace': run.spec.namespace,
    };
    for (const object of objects) {
      const labelled: KubeObject = {
        ...object,
        metadata: { ...object.metadata, labels: { ...(object.metadata.labels ?? {}), ...owner } },
      };
      const id = objectId(labelled);
      const json = JSON.stringify(labelled);
      const before = run.applied.get(id);
      run.applied.set(id, json);
      if (before === json) continue;
      changeset.push(`${id} ${before === undefined ? 'created' : 'configured'}`);
      if (labelled.kind === 'Deployment') {
        this.workloads.apply(labelled, { replicas: this.#replicasFor(labelled, objects) });
      } else if (labelled.apiVersion === HR.apiVersion && labelled.kind === HR.kind) {
        this.helm.apply(labelled);
      } else if (STORED.has(`${labelled.apiVersion}/${labelled.kind}`)) {
        kube.put({
          ...labelled,
          metadata: { ...labelled.metadata, uid: uid(id), creationTimestamp: CREATED },
        });
      } else if (labelled.apiVersion === 'image.toolkit.fluxcd.io/v1') {
        // The API server serves every version of a CRD; the stand-in stores image automation at
        // v1beta2, whose fields these objects share.
        kube.put({
          ...labelled,
          apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
          metadata: { ...labelled.metadata, uid: uid(id), creationTimestamp: CREATED },
        });
      }
    }
    this.#serveHealth(objects.filter((o) => o.kind === 'Deployment'));
    return changeset;
  }

  /** The HorizontalPodAutoscaler's `minReplicas` when one targets the Deployment (it owns the count). */
  #replicasFor(deployment: KubeObject, objects: KubeObject[]): number | undefined {
    const hpa = objects.find((o) => {
      const target = ((o.spec ?? {}) as Record<string, Record<string, unknown>>).scaleTargetRef;
      return (
        o.kind === 'HorizontalPodAutoscaler' &&
        o.metadata.namespace === deployment.metadata.namespace &&
        target?.kind === 'Deployment' &&
        target.name === deployment.metadata.name
      );
    });
    const min = ((hpa?.spec ?? {}) as Record<string, unknown>).minReplicas;
    return typeof min === 'number' ? min : undefined;
  }

  /**
   * The service proxy of the Services in each Deployment's namespace, on every port by name and by
   * number: `/health` answers as the Deployment's running pods do.
   */
  #serveHealth(deployments: KubeObject[]): void {
    const { kube } = this.#options;
    for (const deployment of deployments) {
      const ns = deployment.metadata.namespace ?? 'default';
      const name = deployment.metadata.name;
      const annotations = (deployment.metadata.annotations ?? {}) as Record<string, string>;
      const path = annotations['fluxguard.io/health-path'] ?? '/health';
      const handler = (requested: string) => {
        if (this.workloads.servesErrors(ns, name)) {
          return {
            status: 500,
            body: '{"status":"error","checks":{"upstream":"down"}}',
            contentType: 'application/json',
          };
        }
        return requested.startsWith(path)
          ? { status: 200, body: 'ok\n' }
          : { status: 404, body: '404 page not found\n' };
      };
      const services = kube
        .objects({ apiVersion: 'v1', kind: 'Service' })
        .filter((o) => o.metadata.namespace === ns);
      for (const service of services) {
        const ports =
          ((service.spec ?? {}) as { ports?: Array<{ name?: string; port?: number }> }).ports ?? [];
        for (const port of ports) {
          for (const key of [port.name, port.port === undefined ? undefined : String(port.port)]) {
            if (key) kube.proxy(ns, `${service.metadata.name}:${key}`, handler);
          }
        }
      }
    }
  }

  /** An event about a HelmRelease, as helm-controller emits it and notification-controller posts it. */
  async #postHelm(
    release: KubeObject,
    severity: 'info' | 'error',
    reason: string,
    message: string,
    metadata: Record<string, string>,
  ): Promise<void> {
    const event: FluxEventBody = {
      involvedObject: {
        kind: 'HelmRelease',
        namespace: release.metadata.namespace ?? 'default',
        name: release.metadata.name,
        uid: String(release.metadata.uid ?? uid(`hr/${release.metadata.namespace}/${release.metadata.name}`)),
        apiVersion: HR.apiVersion,
        resourceVersion: String(release.metadata.resourceVersion ?? '1'),
      },
      severity,
      timestamp: this.#options.clock.timestamp(),
      message,
      reason,
      metadata: { ...this.#options.eventMetadata, ...metadata },
      reportingController: 'helm-controller',
      reportingInstance: 'helm-controller-5f4d6c9b8-q2xkz',
    };
    const delivery = await this.#notifier.post(event);
    this.deliveries.push(delivery);
    this.#emit({ type: 'event-posted', delivery });
  }

  async #post(
    run: KustomizationRun,
    severity: 'info' | 'error',
    reason: string,
    message: string,
    revision: string,
    extra: Record<string, string> = {},
  ): Promise<void> {
    const live = this.#options.kube.object(KS, run.spec.namespace, run.spec.name);
    const event: FluxEventBody = {
      involvedObject: {
        kind: 'Kustomization',
        namespace: run.spec.namespace,
        name: run.spec.name,
        uid: uid(`ks/${run.spec.namespace}/${run.spec.name}`),
        apiVersion: KS.apiVersion,
        resourceVersion: String(live?.metadata.resourceVersion ?? '1'),
      },
      severity,
      timestamp: this.#options.clock.timestamp(),
      message,
      reason,
      metadata: { ...this.#options.eventMetadata, revision, ...extra },
      reportingController: 'kustomize-controller',
      reportingInstance: 'kustomize-controller-7c7b47f5f-8bhrp',
    };
    const delivery = await this.#notifier.post(event);
    this.deliveries.push(delivery);
    this.#emit({ type: 'event-posted', delivery });
  }

  #setStatus(
    run: KustomizationRun,
    change: {
      lastAttemptedRevision?: string;
      lastAppliedRevision?: string;
      ready?: { status: string; reason: string; message: string };
      inventory?: KubeObject[];
    },
  ): void {
    const { kube } = this.#options;
    const live = kube.object(KS, run.spec.namespace, run.spec.name) ?? this.#kustomizationObject(run);
    const status = { ...((live.status ?? {}) as Record<string, unknown>) };
    if (change.lastAttemptedRevision) status.lastAttemptedRevision = change.lastAttemptedRevision;
    if (change.lastAppliedRevision) {
      status.lastAppliedRevision = change.lastAppliedRevision;
      status.lastAppliedOriginRevision = change.lastAppliedRevision;
    }
    if (change.ready) {
      status.conditions = [
        {
          type: 'Ready',
          ...change.ready,
          lastTransitionTime: this.#options.clock.timestamp(),
          observedGeneration: Number(live.metadata.generation ?? 1),
        },
      ];
    }
    if (change.inventory) {
      status.inventory = {
        entries: change.inventory.map((o) => {
          const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
          return {
            id: `${o.metadata.namespace ?? ''}_${o.metadata.name}_${group}_${o.kind}`,
            v: o.apiVersion.split('/').pop(),
          };
        }),
      };
    }
    status.observedGeneration = Number(live.metadata.generation ?? 1);
    kube.put({ ...live, status });
  }

  #gitRepositoryObject(): KubeObject {
    const s = this.#source;
    return {
      ...GIT,
      metadata: {
        name: s.name,
        namespace: s.namespace,
        generation: 1,
        uid: uid(`git/${s.name}`),
        creationTimestamp: CREATED,
      },
      spec: {
        interval: fluxDuration(s.intervalMs),
        ref: { branch: s.branch },
        secretRef: { name: 'flux-system' },
        timeout: '60s',
        url: s.url,
      },
      status: {},
    };
  }

  #kustomizationObject(run: KustomizationRun): KubeObject {
    const s = run.spec;
    return {
      ...KS,
      metadata: {
        name: s.name,
        namespace: s.namespace,
        generation: 1,
        uid: uid(`ks/${s.namespace}/${s.name}`),
        creationTimestamp: CREATED,
        finalizers: ['finalizers.fluxcd.io'],
        labels: {
          'kustomize.toolkit.fluxcd.io/name': 'flux-system',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        },
      },
      spec: {
        interval: fluxDuration(s.intervalMs),
        retryInterval: fluxDuration(s.retryIntervalMs),
        timeout: fluxDuration(s.timeoutMs),
        path: s.path,
        prune: true,
        wait: true,
        sourceRef: { kind: 'GitRepository', name: this.#source.name },
      },
      status: {},
    };
  }
}
