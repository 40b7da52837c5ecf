/**
 * A small helm-controller for the simulation: the HelmReleases kustomize-controller applies are
 * installed, upgraded and remediated as helm-controller v2's atomic release does it. A release
 * action renders the chart ({@link renderChart}), applies its workloads and waits, like Helm, until
 * they are ready or the action's timeout passes (Helm does not fail fast on a crash loop); a failed
 * upgrade is remediated as `spec.upgrade.remediation` says (rollback to the previous release), and
 * retried at once while retries remain; a new generation resets the failure count. An action in
 * flight is never interrupted: a new spec waits for it (the platform turns on
 * `CancelHealthCheckOnNewRevision` for kustomize-controller only). Every action's outcome is written
 * to the HelmRelease's status (conditions, `history`, `observedGeneration`) and posted as
 * helm-controller's event.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { FakeKubeApi, KubeObject } from '../kube-api/fake-kube-api.js';
import { fluxDuration, parseGoDuration, type StoryClock } from './clock.js';
import { type RenderedChart, renderChart, valuesDigest } from './helm-charts.js';
import type { RolloutStatus, Workloads } from './workloads.js';

const HR = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' } as const;
const CREATED = '2026-05-04T12:00:00Z';
/** Helm polls the release's resources this often while it waits. */
const WAIT_POLL_MS = 2_000;
/** helm-controller's `--requeue-dependency` default. */
const REQUEUE_DEPENDENCY_MS = 30_000;
/** The controller's rate limiter after `ErrMustRequeue` (`--min-retry-delay` 750 ms). */
const REQUEUE_MS = 750;

/** What the simulated helm-controller did, for the timeline. */
export interface HelmEvent {
  type: 'helm';
  /** `<namespace>/<name>` of the HelmRelease. */
  release: string;
  action: 'install' | 'upgrade' | 'rollback' | 'in-sync' | 'stalled';
  outcome: 'started' | 'succeeded' | 'failed';
  chartVersion: string;
  /** The Helm release version the action made (`.v3`). */
  version?: number;
  /** The HelmRelease generation the action worked from. */
  generation: number;
  message?: string;
}

/** Posts one event about a HelmRelease as helm-controller emits it (metadata keys without prefix). */
export type HelmEventPoster = (
  release: KubeObject,
  severity: 'info' | 'error',
  reason: string,
  message: string,
  metadata: Record<string, string>,
) => Promise<void>;

/** Options of {@link HelmController}. */
export interface HelmControllerOptions {
  kube: FakeKubeApi;
  clock: StoryClock;
  workloads: Workloads;
  post: HelmEventPoster;
  onEvent?: (event: HelmEvent) => void;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

interface HistoryEntry {
  version: number;
  chart: RenderedChart;
  configDigest: string;
  status: 'deployed' | 'superseded' | 'failed' | 'pending-install' | 'pending-upgrade' | 'pending-rollback';
  at: string;
}

interface Condition {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  at: string;
}

interface ReleaseRun {
  namespace: string;
  name: string;
  /** The applied HelmRelease (its spec and metadata), as kustomize-controller last applied it. */
  desired: KubeObject;
  generation: number;
  observedGeneration?: number;
  lastAttemptedGeneration?: number;
  history: HistoryEntry[];
  failures: number;
  conditions: Map<string, Condition>;
  lastAttempted?: { action: string; chartVersion: string; configDigest: string };
  lastHandledReconcileAt?: string;
  pending: boolean;
  wake: () => void;
  loop?: Promise<void>;
}

function uid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What the release should be: its chart, version and values. */
function wanted(run: ReleaseRun): { chart: RenderedChart; configDigest: string } {
  const spec = obj(run.desired.spec);
  const chartSpec = obj(obj(spec.chart).spec);
  const values = obj(spec.values);
  return {
    chart: renderChart({
      name: run.name,
      namespace: String(spec.targetNamespace ?? run.namespace),
      chart: String(chartSpec.chart ?? run.name),
      chartVersion: String(chartSpec.version ?? '0.0.0'),
      values,
    }),
    configDigest: valuesDigest(values),
  };
}

function remediation(run: ReleaseRun): { retries: number; strategy: string; remediateLastFailure: boolean } {
  const r = obj(obj(obj(run.desired.spec).upgrade).remediation);
  const retries = typeof r.retries === 'number' ? r.retries : 0;
  return {
    retries,
    strategy: typeof r.strategy === 'string' ? r.strategy : 'rollback',
    remediateLastFailure: typeof r.remediateLastFailure === 'boolean' ? r.remediateLastFailure : retries > 0,
  };
}

function actionTimeoutMs(run: ReleaseRun, action: 'install' | 'upgrade' | 'rollback'): number {
  const spec = obj(run.desired.spec);
  const own = obj(spec[action]).timeout;
  return parseGoDuration(String(own ?? spec.timeout ?? '5m'));
}

/**
 * helm-controller of the simulated cluster.
 *
 * @example
 * ```ts
 * const helm = new HelmController({ kube, clock, workloads, post });
 * helm.apply(helmRelease); // installs it, then upgrades it whenever its spec changes
 * helm.status('kube-system', 'aws-load-balancer-controller'); // 'current' once Ready
 * ```
 */
export class HelmController {
  readonly #o: HelmControllerOptions;
  readonly #runs = new Map<string, ReleaseRun>();
  #stopped = false;

  constructor(options: HelmControllerOptions) {
    this.#o = options;
  }

  /** kustomize-controller applied `object`: a new spec (generation) is reconciled. */
  apply(object: KubeObject): void {
    const namespace = object.metadata.namespace ?? 'default';
    const key = `${namespace}/${object.metadata.name}`;
    let run = this.#runs.get(key);
    if (run && JSON.stringify(run.desired.spec) === JSON.stringify(object.spec)) {
      run.desired = object;
      this.#write(run);
      return;
    }
    if (!run) {
      run = {
        namespace,
        name: object.metadata.name,
        desired: object,
        generation: 0,
        history: [],
        failures: 0,
        conditions: new Map(),
        pending: false,
        wake: () => undefined,
      };
      this.#runs.set(key, run);
    }
    run.desired = object;
    run.generation += 1;
    this.#write(run);
    this.#wake(run);
    if (!run.loop) run.loop = this.#loop(run);
  }

  /** `reconcile.fluxcd.io/requestedAt` was set: reconcile as soon as no action is running. */
  request(namespace: string, name: string, at: string): boolean {
    const run = this.#runs.get(`${namespace}/${name}`);
    if (!run) return false;
    run.lastHandledReconcileAt = at;
    this.#write(run);
    this.#wake(run);
    return true;
  }

  /**
   * The HelmRelease as kstatus (and so kustomize-controller's health check) reads it: current once
   * Ready for its generation, failed when Stalled or Ready=False with nothing left to try.
   */
  status(namespace: string, name: string): RolloutStatus {
    const run = this.#runs.get(`${namespace}/${name}`);
    if (!run) return 'in-progress';
    if (run.conditions.get('Stalled')?.status === 'True') return 'failed';
    const ready = run.conditions.get('Ready');
    const observed = run.observedGeneration === run.generation;
    if (ready?.status === 'True' && observed) return 'current';
    if (ready?.status === 'False' && observed && !run.conditions.has('Reconciling')) return 'failed';
    return 'in-progress';
  }

  /** The chart version of the release deployed now, if any. */
  deployedVersion(namespace: string, name: string): string | undefined {
    return this.#runs.get(`${namespace}/${name}`)?.history.find((h) => h.status === 'deployed')?.chart
      .chartVersion;
  }

  /** Stops every release loop; an action in flight ends at its next poll. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const run of this.#runs.values()) run.wake();
    await Promise.all([...this.#runs.values()].map((r) => r.loop));
  }

  #wake(run: ReleaseRun): void {
    run.pending = true;
    run.wake();
  }

  async #loop(run: ReleaseRun): Promise<void> {
    while (!this.#stopped) {
      if (!run.pending) {
        const interval = parseGoDuration(String(obj(run.desired.spec).interval ?? '10m'));
        await new Promise<void>((resolve) => {
          run.wake = resolve;
          this.#o.clock.after(interval, resolve);
        });
        if (this.#stopped) return;
      }
      run.pending = false;
      await this.#reconcile(run);
    }
  }

  #after(run: ReleaseRun, ms: number): void {
    this.#o.clock.after(ms, () => this.#wake(run));
  }

  /** One reconcile: dependencies, then the atomic release's actions until one says stop. */
  async #reconcile(run: ReleaseRun): Promise<void> {
    const generation = run.generation;
    for (const dependency of (obj(run.desired.spec).dependsOn as Json[] | undefined) ?? []) {
      const ns = String(dependency.namespace ?? run.namespace);
      const name = String(dependency.name);
      if (this.status(ns, name) !== 'current') {
        const message = `dependency '${ns}/${name}' is not ready`;
        this.#condition(run, 'Ready', 'False', 'DependencyNotReady', message);
        this.#write(run);
        this.#after(run, REQUEUE_DEPENDENCY_MS);
        return;
      }
    }
    if (run.lastAttemptedGeneration !== generation) {
      // The conditions under which the release failed changed: count failures afresh.
      run.failures = 0;
      run.lastAttemptedGeneration = generation;
    }
    for (;;) {
      if (this.#stopped) return;
      const next = this.#next(run);
      if (next === 'in-sync') {
        this.#inSync(run, generation);
        return;
      }
      if (next === 'stalled') {
        this.#stall(run, generation);
        return;
      }
      const ok = await this.#act(run, next, generation);
      if (next === 'rollback') {
        // Remediation ends the reconcile; while retries remain the controller requeues at once.
        if (ok) this.#after(run, REQUEUE_MS);
        return;
      }
      if (ok) return;
    }
  }

  #next(run: ReleaseRun): 'install' | 'upgrade' | 'rollback' | 'in-sync' | 'stalled' {
    const { retries, remediateLastFailure, strategy } = remediation(run);
    const latest = run.history[0];
    if (!latest) return run.failures > retries ? 'stalled' : 'install';
    if (latest.status === 'deployed') {
      const want = wanted(run);
      const same =
        latest.chart.chartVersion === want.chart.chartVersion && latest.configDigest === want.configDigest;
      if (same) return 'in-sync';
      return run.failures > retries ? 'stalled' : 'upgrade';
    }
    if (run.failures <= 0) return 'upgrade';
    if (run.failures > retries && !remediateLastFailure) return 'stalled';
    const previous = run.history.find((h) => h.status === 'superseded' || h.status === 'deployed');
    return strategy === 'rollback' && previous ? 'rollback' : 'stalled';
  }

  /** Runs one Helm action and waits like Helm; whether it succeeded. */
  async #act(
    run: ReleaseRun,
    action: 'install' | 'upgrade' | 'rollback',
    generation: number,
  ): Promise<boolean> {
    const { clock, workloads } = this.#o;
    const timeoutMs = actionTimeoutMs(run, action);
    const running = `Running '${action}' action with timeout of ${fluxDuration(timeoutMs)}`;
    this.#condition(run, 'Reconciling', 'True', 'Progressing', running);
    if (action !== 'rollback') this.#condition(run, 'Ready', 'Unknown', 'Progressing', running);
    const previous = run.history.find((h) => h.status === 'superseded' || h.status === 'deployed');
    const want = wanted(run);
    const target =
      action === 'rollback' && previous
        ? { chart: previous.chart, configDigest: previous.configDigest }
        : want;
    const version = Math.max(0, ...run.history.map((h) => h.version)) + 1;
    const entry: HistoryEntry = {
      version,
      chart: target.chart,
      configDigest: target.configDigest,
      status: `pending-${action}`,
      at: clock.timestamp(),
    };
    run.history.unshift(entry);
    if (action !== 'rollback') {
      run.lastAttempted = { action, chartVersion: want.chart.chartVersion, configDigest: want.configDigest };
    }
    this.#write(run);
    const release = `${run.namespace}/${run.name}`;
    this.#emit(run, {
      action,
      outcome: 'started',
      chartVersion: target.chart.chartVersion,
      version,
      generation,
    });
    const logs = [`${clock.now().toISOString()}: preparing ${action}: {"name":"${run.name}"}`];
    for (const workload of target.chart.workloads) workloads.apply(workload);
    const started = clock.elapsedMs();
    let waiting: string[] = [];
    for (;;) {
      waiting = target.chart.workloads
        .filter((w) => workloads.status(w.metadata.namespace ?? run.namespace, w.metadata.name) !== 'current')
        .map((w) => `${w.kind}/${w.metadata.namespace}/${w.metadata.name}`);
      const elapsed = clock.elapsedMs() - started;
      if (waiting.length === 0 || elapsed >= timeoutMs || this.#stopped) break;
      await clock.sleep(Math.min(WAIT_POLL_MS, timeoutMs - elapsed));
    }
    if (this.#stopped) return false;
    const chartName = `${target.chart.chart}@${target.chart.chartVersion}`;
    const metadata = { revision: target.chart.chartVersion, 'app-version': target.chart.appVersion };
    if (waiting.length === 0) {
      entry.status = 'deployed';
      for (const h of run.history) if (h !== entry && h.status === 'deployed') h.status = 'superseded';
      if (action === 'rollback') {
        const message = `Helm rollback to previous release ${release}.v${previous?.version} with chart ${chartName} succeeded`;
        this.#condition(run, 'Remediated', 'True', 'RollbackSucceeded', message);
        this.#condition(run, 'Ready', 'False', 'RollbackSucceeded', message);
        const exhausted = run.failures > remediation(run).retries;
        if (exhausted) run.conditions.delete('Reconciling');
        else this.#condition(run, 'Reconciling', 'True', 'ProgressingWithRetry', message);
        run.observedGeneration = generation;
        this.#write(run);
        this.#emit(run, {
          action,
          outcome: 'succeeded',
          chartVersion: target.chart.chartVersion,
          version,
          generation,
          message,
        });
        await this.#o.post(this.#live(run), 'info', 'RollbackSucceeded', message, metadata);
        return true;
      }
      const verb = action === 'install' ? 'install' : 'upgrade';
      const reason = action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded';
      const message = `Helm ${verb} succeeded for release ${release}.v${version} with chart ${chartName}`;
      this.#condition(run, 'Released', 'True', reason, message);
      this.#condition(run, 'Ready', 'True', reason, message);
      run.conditions.delete('Reconciling');
      run.conditions.delete('Remediated');
      run.conditions.delete('Stalled');
      run.observedGeneration = generation;
      this.#write(run);
      this.#emit(run, {
        action,
        outcome: 'succeeded',
        chartVersion: target.chart.chartVersion,
        version,
        generation,
        message,
      });
      await this.#o.post(this.#live(run), 'info', reason, message, metadata);
      return true;
    }
    entry.status = 'failed';
    const cause = `timeout waiting for: [${waiting.map((w) => `${w} status: 'InProgress'`).join(', ')}]`;
    logs.push(
      `${new Date(clock.now().getTime() - (clock.elapsedMs() - started)).toISOString()}: performing ${action}: {"name":"${run.name}"}`,
      `${clock.now().toISOString()}: warning: ${action} failed: {"error":{},"name":"${run.name}"}`,
    );
    if (action === 'rollback') {
      const message = `Helm rollback to previous release ${release}.v${previous?.version} with chart ${chartName} failed: ${cause}`;
      this.#condition(run, 'Remediated', 'False', 'RollbackFailed', message);
      this.#condition(run, 'Ready', 'False', 'RollbackFailed', message);
      run.conditions.delete('Reconciling');
      this.#condition(run, 'Stalled', 'True', 'RollbackFailed', message);
      run.observedGeneration = generation;
      this.#write(run);
      this.#emit(run, {
        action,
        outcome: 'failed',
        chartVersion: target.chart.chartVersion,
        version,
        generation,
        message,
      });
      await this.#o.post(this.#live(run), 'error', 'RollbackFailed', message, metadata);
      return false;
    }
    run.failures += 1;
    const reason = action === 'install' ? 'InstallFailed' : 'UpgradeFailed';
    const message = `Helm ${action} failed for release ${release} with chart ${chartName}: ${cause}`;
    this.#condition(run, 'Released', 'False', reason, message);
    this.#condition(run, 'Ready', 'False', reason, message);
    run.observedGeneration = generation;
    this.#write(run);
    this.#emit(run, {
      action,
      outcome: 'failed',
      chartVersion: target.chart.chartVersion,
      version,
      generation,
      message,
    });
    await this.#o.post(
      this.#live(run),
      'error',
      reason,
      `${message}\n\nLast Helm logs:\n\n${logs.join('\n')}`,
      metadata,
    );
    return false;
  }

  /** The deployed release matches the spec: no action, and no event (helm-controller posts none). */
  #inSync(run: ReleaseRun, generation: number): void {
    const latest = run.history[0] as HistoryEntry;
    const wasRemediated = run.conditions.get('Remediated')?.status === 'True';
    const before = this.status(run.namespace, run.name);
    if (wasRemediated) {
      const message = `Helm upgrade succeeded for release ${run.namespace}/${run.name}.v${latest.version} with chart ${latest.chart.chart}@${latest.chart.chartVersion}`;
      run.conditions.delete('Remediated');
      this.#condition(run, 'Released', 'True', 'UpgradeSucceeded', message);
    }
    const released = run.conditions.get('Released');
    if (released) this.#condition(run, 'Ready', 'True', released.reason, released.message);
    run.conditions.delete('Reconciling');
    run.conditions.delete('Stalled');
    run.observedGeneration = generation;
    this.#write(run);
    if (before !== 'current') {
      this.#emit(run, {
        action: 'in-sync',
        outcome: 'succeeded',
        chartVersion: latest.chart.chartVersion,
        version: latest.version,
        generation,
        ...(released ? { message: released.message } : {}),
      });
    }
  }

  #stall(run: ReleaseRun, generation: number): void {
    const message = `Failed to ${run.lastAttempted?.action ?? 'upgrade'} after ${run.failures} attempt(s)`;
    this.#condition(run, 'Stalled', 'True', 'RetriesExceeded', message);
    run.conditions.delete('Reconciling');
    run.observedGeneration = generation;
    this.#write(run);
    this.#emit(run, {
      action: 'stalled',
      outcome: 'failed',
      chartVersion: run.lastAttempted?.chartVersion ?? '',
      generation,
      message,
    });
  }

  #emit(run: ReleaseRun, event: Omit<HelmEvent, 'type' | 'release'>): void {
    this.#o.onEvent?.({ type: 'helm', release: `${run.namespace}/${run.name}`, ...event });
  }

  #condition(
    run: ReleaseRun,
    type: string,
    status: Condition['status'],
    reason: string,
    message: string,
  ): void {
    const before = run.conditions.get(type);
    const at = before && before.status === status ? before.at : this.#o.clock.timestamp();
    run.conditions.set(type, { status, reason, message, at });
  }

  /** The live HelmRelease as the API serves it. */
  #live(run: ReleaseRun): KubeObject {
    return this.#o.kube.object(HR, run.namespace, run.name) ?? this.#object(run);
  }

  #object(run: ReleaseRun): KubeObject {
    const live = this.#o.kube.object(HR, run.namespace, run.name);
    const annotations = {
      ...((live?.metadata.annotations as Record<string, string> | undefined) ?? {}),
      ...((run.desired.metadata.annotations as Record<string, string> | undefined) ?? {}),
    };
    const order = ['Ready', 'Released', 'Remediated', 'Reconciling', 'Stalled'];
    const conditions = order.flatMap((type) => {
      const c = run.conditions.get(type);
      return c
        ? [
            {
              type,
              status: c.status,
              reason: c.reason,
              message: c.message,
              lastTransitionTime: c.at,
              observedGeneration: run.generation,
            },
          ]
        : [];
    });
    const status: Json = {
      conditions,
      history: run.history.slice(0, 5).map((h) => ({
        appVersion: h.chart.appVersion,
        chartName: h.chart.chart,
        chartVersion: h.chart.chartVersion,
        configDigest: h.configDigest,
        digest: `sha256:${createHash('sha256').update(`${run.name}/${h.version}`).digest('hex')}`,
        firstDeployed: CREATED,
        lastDeployed: h.at,
        name: run.name,
        namespace: run.namespace,
        status: h.status,
        version: h.version,
      })),
      storageNamespace: run.namespace,
      ...(run.failures > 0 ? { upgradeFailures: run.failures } : {}),
      ...(run.observedGeneration !== undefined ? { observedGeneration: run.observedGeneration } : {}),
      ...(run.lastAttemptedGeneration !== undefined
        ? { lastAttemptedGeneration: run.lastAttemptedGeneration }
        : {}),
      ...(run.lastAttempted
        ? {
            lastAttemptedReleaseAction: run.lastAttempted.action,
            lastAttemptedRevision: run.lastAttempted.chartVersion,
            lastAttemptedConfigDigest: run.lastAttempted.configDigest,
          }
        : {}),
      ...(run.lastHandledReconcileAt ? { lastHandledReconcileAt: run.lastHandledReconcileAt } : {}),
    };
    return {
      ...run.desired,
      metadata: {
        ...run.desired.metadata,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        generation: run.generation,
        uid: uid(`hr/${run.namespace}/${run.name}`),
        creationTimestamp: CREATED,
        finalizers: ['finalizers.fluxcd.io'],
      },
      status,
    };
  }

  #write(run: ReleaseRun): void {
    this.#o.kube.put(this.#object(run));
  }
}
