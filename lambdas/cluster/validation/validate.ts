import { sameRevision } from '../../flux/index.js';
import { KubeRequestError } from '../errors.js';
import {
  type FluxContext,
  FluxObjectError,
  type FluxSource,
  type FluxTargetKind,
  fluxContextOf,
  type WorkloadRef,
  withGitRepository,
} from '../flux-context.js';
import type { Pod, ReplicaSet, Service } from '../kube-objects.js';
import type { ClusterReader, NamespaceSnapshot } from '../kube-reader.js';
import { formatSummary, type LayerReport, type ValidationReport, type WorkloadReport } from '../report.js';
import { confirm } from './confirm.js';
import { assessProbe, healthTargets } from './health.js';
import { assessPods } from './pods.js';
import { assessRollout, type Workload } from './rollout.js';
import {
  combine,
  type Evidence,
  LAYERS,
  type Layer,
  type Observation,
  objectName,
  type Verdict,
} from './types.js';

/** The Flux object to validate. */
export interface ValidationTarget {
  kind: FluxTargetKind;
  namespace: string;
  name: string;
}

/** What to validate and how often to look. */
export interface ValidateRequest {
  target: ValidationTarget;
  /** The revision the trigger is about; when the cluster is at another one the result is inconclusive. */
  revision?: string;
  /** How many checks confirm a failure (default 3). */
  checks?: number;
  /** Pause between checks, in ms (default 10,000). */
  intervalMs?: number;
  /** Timeout of each HTTP health probe, in ms (default 3,000). */
  probeTimeoutMs?: number;
}

/** What validation reads and how it waits; tests pass their own. */
export interface ValidateDeps {
  reader: ClusterReader;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** Default number of checks. */
export const DEFAULT_CHECKS = 3;
/** Default pause between checks. */
export const DEFAULT_INTERVAL_MS = 10_000;
/** Default HTTP probe timeout: the issue's 3 s. */
export const DEFAULT_PROBE_TIMEOUT_MS = 3_000;

interface CheckResult {
  layers: Record<Layer, Observation>;
  workloads: WorkloadReport[];
  flux?: FluxContext;
}

const HELM_NAME_LABEL = 'helm.toolkit.fluxcd.io/name';
const HELM_NAMESPACE_LABEL = 'helm.toolkit.fluxcd.io/namespace';

function errorEvidence(object: string, error: unknown): Evidence {
  if (error instanceof KubeRequestError) {
    return {
      object,
      field: error.request,
      value: `${error.failure}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message.slice(error.request.length + 2)}`,
    };
  }
  return { object, field: 'read', value: (error as Error).message };
}

function everyLayer(observation: Observation): Record<Layer, Observation> {
  return { rollout: observation, pods: observation, http: observation };
}

function listError(object: string, list: { error?: KubeRequestError }): Observation | undefined {
  return list.error ? { state: 'inconclusive', evidence: [errorEvidence(object, list.error)] } : undefined;
}

function findWorkload(ref: WorkloadRef, snapshot: NamespaceSnapshot): Workload | Observation {
  const object = objectName(ref);
  const list =
    ref.kind === 'Deployment'
      ? snapshot.deployments
      : ref.kind === 'StatefulSet'
        ? snapshot.statefulSets
        : snapshot.daemonSets;
  const failed = listError(object, list);
  if (failed) return failed;
  const found = list.items?.find((o) => o.metadata?.name === ref.name);
  if (!found) {
    return {
      state: 'inconclusive',
      evidence: [{ object, field: 'metadata.name', value: 'in the inventory but not in the cluster' }],
    };
  }
  return { kind: ref.kind, object: found } as Workload;
}

function helmWorkloads(target: ValidationTarget, snapshot: NamespaceSnapshot): Array<Workload | Observation> {
  const mine = (labels: Record<string, string> | undefined) =>
    labels?.[HELM_NAME_LABEL] === target.name && labels?.[HELM_NAMESPACE_LABEL] === target.namespace;
  const out: Array<Workload | Observation> = [];
  const kinds = [
    ['Deployment', snapshot.deployments],
    ['StatefulSet', snapshot.statefulSets],
    ['DaemonSet', snapshot.daemonSets],
  ] as const;
  for (const [kind, list] of kinds) {
    const failed = listError(`${kind}/${snapshot.namespace}/*`, list);
    if (failed) out.push(failed);
    for (const object of list.items ?? []) {
      if (mine(object.metadata?.labels)) out.push({ kind, object } as Workload);
    }
  }
  return out;
}

/** One workload's (or one unreadable entry's) observations in a check. */
interface Assessed {
  rollout: Observation;
  pods: Observation;
  /** Absent for an entry that could not be read. */
  report?: WorkloadReport;
  /** Absent when the workload asks for no HTTP check. */
  http?: Observation;
}

/** Like {@link Assessed}, while the workload's HTTP probes are still under way. */
interface Assessing extends Omit<Assessed, 'http'> {
  http?: Promise<Observation>;
}

/** Waits for the HTTP probes of assessed workloads. */
async function settle(items: Assessing[]): Promise<Assessed[]> {
  return Promise.all(
    items.map(async (item): Promise<Assessed> => {
      const { http, ...rest } = item;
      return http ? { ...rest, http: await http } : rest;
    }),
  );
}

/**
 * Assesses one workload's rollout and pods from its namespace's snapshot, and starts its HTTP
 * probes at once.
 */
function assess(
  item: Workload | Observation,
  snapshot: NamespaceSnapshot,
  probeTimeoutMs: number,
  reader: ClusterReader,
): Assessing {
  if ('state' in item) return { rollout: item, pods: item };
  const namespace = item.object.metadata?.namespace ?? '';
  const ref = { kind: item.kind, namespace, name: item.object.metadata?.name ?? '' };
  const r = assessRollout(item);
  const podsFailed =
    listError(`${objectName(ref)} pods`, snapshot.pods) ??
    (item.kind === 'Deployment'
      ? listError(`${objectName(ref)} replicasets`, snapshot.replicaSets)
      : undefined);
  const p =
    podsFailed ??
    assessPods(item, snapshot.replicaSets.items as ReplicaSet[], snapshot.pods.items as Pod[], r.state);
  const report: WorkloadReport = { ...ref, rollout: r.state, pods: p.state };

  const services = snapshot.services;
  const { targets, problem } = healthTargets(item, (services.items ?? []) as Service[]);
  const annotated = targets.length > 0 || problem !== undefined;
  if (!annotated) return { rollout: r, pods: p, report };
  const servicesFailed = services.error ? listError(`${objectName(ref)} services`, services) : undefined;
  const probes: Array<Promise<Observation>> = [];
  if (servicesFailed) probes.push(Promise.resolve(servicesFailed));
  else if (problem) probes.push(Promise.resolve(problem));
  for (const t of targets) {
    const outcome =
      t.via === 'url'
        ? reader.urlGet(t.url, probeTimeoutMs)
        : reader.proxyGet(t.namespace, t.service, t.port, t.path, probeTimeoutMs);
    probes.push(outcome.then((o) => assessProbe(t, o, probeTimeoutMs)));
  }
  // While the rollout is still progressing a failing probe is expected (pods restarting, no
  // endpoints yet): it is pending, like the rollout, and only counts once the rollout settled.
  const http = Promise.all(probes)
    .then(combine)
    .then((o): Observation => (o.state === 'fail' && r.state === 'pending' ? { ...o, state: 'pending' } : o))
    .then((o) => {
      report.http = o.state;
      return o;
    });
  return { rollout: r, pods: p, report, http };
}

async function runCheck(
  request: Required<Omit<ValidateRequest, 'revision'>>,
  reader: ClusterReader,
  sourceCache: Map<string, FluxSource>,
): Promise<CheckResult> {
  const { target, probeTimeoutMs } = request;
  const targetName = objectName(target);
  if (target.kind !== 'Kustomization' && target.kind !== 'HelmRelease') {
    const evidence = [
      { object: targetName, field: 'kind', value: 'unknown kind: only Kustomization and HelmRelease' },
    ];
    return { layers: everyLayer({ state: 'inconclusive', evidence }), workloads: [] };
  }
  let flux: FluxContext;
  try {
    flux = fluxContextOf(target.kind, await reader.getFlux(target.kind, target.namespace, target.name));
  } catch (error) {
    if (!(error instanceof KubeRequestError || error instanceof FluxObjectError)) throw error;
    return {
      layers: everyLayer({ state: 'inconclusive', evidence: [errorEvidence(targetName, error)] }),
      workloads: [],
    };
  }

  const fromInventory = flux.kind === 'Kustomization' || flux.inventorySize > 0;
  const namespaces = fromInventory
    ? [...new Set(flux.workloads.map((w) => w.namespace))]
    : [flux.releaseNamespace ?? target.namespace];
  const source = flux.source;
  const sourceKey = source ? `${source.namespace}/${source.name}` : '';
  const needSource = source?.kind === 'GitRepository' && !sourceCache.has(sourceKey);
  const repo =
    needSource && source
      ? reader.getFlux('GitRepository', source.namespace, source.name).then(
          (object) => withGitRepository(source, object),
          () => undefined,
        )
      : Promise.resolve(undefined);
  // Every namespace's lists are requested at once, and each namespace is assessed (and its probes
  // sent) as soon as its own lists are in, not after every namespace's: the probes of the first
  // namespace overlap with the reading of the others' lists. Still one round-trip for the lists and
  // one for the probes.
  const snapshots = new Map(namespaces.map((ns) => [ns, reader.snapshot(ns)]));
  const inNamespace = (namespace: string): Promise<NamespaceSnapshot> =>
    snapshots.get(namespace) ?? Promise.reject(new Error(`no snapshot of namespace ${namespace}`));
  const groups: Array<Promise<Assessed[]>> = fromInventory
    ? flux.workloads.map((ref) =>
        inNamespace(ref.namespace).then((snapshot) =>
          settle([assess(findWorkload(ref, snapshot), snapshot, probeTimeoutMs, reader)]),
        ),
      )
    : namespaces.map((ns) =>
        inNamespace(ns).then((snapshot) =>
          settle(
            helmWorkloads(target, snapshot).map((item) => assess(item, snapshot, probeTimeoutMs, reader)),
          ),
        ),
      );
  const [assessed, gitRepository] = await Promise.all([Promise.all(groups).then((g) => g.flat()), repo]);
  if (gitRepository) sourceCache.set(sourceKey, gitRepository);
  flux = { ...flux, source: sourceCache.get(sourceKey) ?? flux.source };

  const found = assessed.length;
  const rollout = assessed.map((a) => a.rollout);
  const pods = assessed.map((a) => a.pods);
  const workloads = assessed.flatMap((a) => (a.report ? [a.report] : []));
  const httpObservations = assessed.flatMap((a) => (a.http ? [a.http] : []));
  const none = (what: string): Observation => ({
    state: 'pass',
    evidence: [{ object: targetName, field: 'workloads', value: what }],
  });
  return {
    flux,
    workloads,
    layers: {
      rollout: found > 0 ? combine(rollout) : none('no Deployment, StatefulSet or DaemonSet to check'),
      pods: found > 0 ? combine(pods) : none('no Deployment, StatefulSet or DaemonSet to check'),
      http:
        httpObservations.length > 0
          ? combine(httpObservations)
          : none('no workload is annotated fluxguard.io/health-path or fluxguard.io/health-url'),
    },
  };
}

function overall(layers: Record<Layer, LayerReport>): { verdict: Verdict; reason: string } {
  const failing = LAYERS.filter((l) => layers[l].verdict === 'fail');
  if (failing.length > 0) return { verdict: 'fail', reason: `${failing.join(', ')} failed on every check` };
  const unsure = LAYERS.filter((l) => layers[l].verdict === 'inconclusive');
  if (unsure.length > 0) return { verdict: 'inconclusive', reason: `${unsure.join(', ')} inconclusive` };
  return { verdict: 'pass', reason: 'rollout, pods and HTTP health all pass' };
}

/**
 * Validates a Flux rollout against the live cluster in three layers (rollout status, pods, HTTP
 * health), each `pass`, `fail` or `inconclusive` with evidence.
 *
 * Checks repeat up to `checks` times, `intervalMs` apart, stopping early once every layer passes. A
 * layer fails only when it failed on every check (see {@link confirm}); errors of fluxguard's own
 * (RBAC 403, API 5xx, timeouts, a missing object) make a layer inconclusive, never failed. The
 * overall verdict is `fail` when any layer failed, else `inconclusive` when any layer is, else `pass`;
 * and `inconclusive` when `revision` is given and Flux is at another one.
 *
 * Never throws for cluster errors; only for bugs.
 */
export async function validateRollout(
  request: ValidateRequest,
  deps: ValidateDeps,
): Promise<ValidationReport> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const settings = {
    target: request.target,
    checks: Math.max(1, request.checks ?? DEFAULT_CHECKS),
    intervalMs: Math.max(0, request.intervalMs ?? DEFAULT_INTERVAL_MS),
    probeTimeoutMs: request.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
  };
  const started = now();
  const sourceCache = new Map<string, FluxSource>();
  const results: CheckResult[] = [];
  for (let i = 0; i < settings.checks; i += 1) {
    if (i > 0) await sleep(settings.intervalMs);
    const result = await runCheck(settings, deps.reader, sourceCache);
    results.push(result);
    if (LAYERS.every((l) => result.layers[l].state === 'pass')) break;
  }
  const last = results[results.length - 1] as CheckResult;
  const layers = Object.fromEntries(
    LAYERS.map((layer): [Layer, LayerReport] => {
      const checks = results.map((r) => r.layers[layer].state);
      return [layer, { ...confirm(checks), checks, evidence: last.layers[layer].evidence }];
    }),
  ) as Record<Layer, LayerReport>;
  let { verdict, reason } = overall(layers);
  const flux = [...results].reverse().find((r) => r.flux)?.flux;
  const at = flux?.lastAttemptedRevision ?? flux?.lastAppliedRevision;
  if (request.revision && at && !sameRevision(request.revision, at)) {
    verdict = 'inconclusive';
    reason = `${settings.target.kind} is at revision ${at}, not ${request.revision}; ${reason}`;
  }
  const report: Omit<ValidationReport, 'summary'> = {
    target: { ...settings.target },
    ...(request.revision ? { revision: request.revision } : {}),
    verdict,
    reason,
    layers,
    workloads: last.workloads,
    ...(flux ? { flux } : {}),
    checks: { planned: settings.checks, run: results.length, intervalMs: settings.intervalMs },
    startedAt: started.toISOString(),
    durationMs: now().getTime() - started.getTime(),
  };
  return { ...report, summary: formatSummary(report) };
}
