import { FluxObjectError, KubeRequestError } from '../errors.js';
import { describeCondition, type Pod, type ReplicaSet, type Service } from '../kube-objects.js';
import type { ClusterReader, NamespaceSnapshot } from '../kube-reader.js';
import {
  type FluxContext,
  type FluxSource,
  type FluxTargetKind,
  fluxContextOf,
  type ObjectRef,
  type WorkloadRef,
  withGitRepository,
} from './flux-context.js';
import { assessProbe, healthTargets } from './health.js';
import { assessHelmRelease, releaseLagsSpec } from './helm-release.js';
import { assessPods, currentPods } from './pods.js';
import type { ReleaseReport, WorkloadReport } from './report.js';
import { assessRollout } from './rollout.js';
import { combine, type Evidence, type Layer, type Observation, objectName, type Workload } from './types.js';

/** The Flux object to validate. */
export interface ValidationTarget {
  kind: FluxTargetKind;
  namespace: string;
  name: string;
}

/** How one check runs. */
export interface CheckSettings {
  target: ValidationTarget;
  probeTimeoutMs: number;
  /** The time of this check. */
  now: Date;
}

/** What one check saw. */
export interface CheckResult {
  layers: Record<Layer, Observation>;
  workloads: WorkloadReport[];
  releases: ReleaseReport[];
  flux?: FluxContext;
}

/** What one assessed item (a workload, a HelmRelease, an unreadable entry) contributes to a check. */
interface Assessed {
  rollout?: Observation;
  pods?: Observation;
  http?: Observation;
  workload?: WorkloadReport;
  release?: ReleaseReport;
}

/** Like {@link Assessed}, while HTTP probes are still under way. */
interface Assessing extends Omit<Assessed, 'http'> {
  http?: Promise<Observation>;
}

const HELM_NAME_LABEL = 'helm.toolkit.fluxcd.io/name';
const HELM_NAMESPACE_LABEL = 'helm.toolkit.fluxcd.io/namespace';
/** How many unchecked inventory objects the evidence names. */
const UNCHECKED_NAMED = 10;

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

function inconclusive(evidence: Evidence): Observation {
  return { state: 'inconclusive', evidence: [evidence] };
}

function everyLayer(observation: Observation): Record<Layer, Observation> {
  return { rollout: observation, pods: observation, http: observation };
}

function listError(object: string, list: { error?: KubeRequestError }): Observation | undefined {
  return list.error ? inconclusive(errorEvidence(object, list.error)) : undefined;
}

/** Reads and parses the Flux object, or says why every layer is inconclusive. */
async function readFluxObject(
  target: ValidationTarget,
  reader: ClusterReader,
): Promise<{ flux: FluxContext } | { unreadable: CheckResult }> {
  const targetName = objectName(target);
  const unreadable = (evidence: Evidence) => ({
    unreadable: { layers: everyLayer(inconclusive(evidence)), workloads: [], releases: [] },
  });
  if (target.kind !== 'Kustomization' && target.kind !== 'HelmRelease') {
    return unreadable({
      object: targetName,
      field: 'kind',
      value: 'unknown kind: only Kustomization and HelmRelease',
    });
  }
  try {
    return {
      flux: fluxContextOf(target.kind, await reader.getFlux(target.kind, target.namespace, target.name)),
    };
  } catch (error) {
    if (!(error instanceof KubeRequestError || error instanceof FluxObjectError)) throw error;
    return unreadable(errorEvidence(targetName, error));
  }
}

/** The GitRepository behind the Flux object, read once per validation (the revert engine needs its URL). */
async function readSource(
  flux: FluxContext,
  reader: ClusterReader,
  sourceCache: Map<string, FluxSource>,
): Promise<FluxSource | undefined> {
  const { source } = flux;
  if (source?.kind !== 'GitRepository') return source;
  const key = `${source.namespace}/${source.name}`;
  const cached = sourceCache.get(key);
  if (cached) return cached;
  try {
    const read = withGitRepository(
      source,
      await reader.getFlux('GitRepository', source.namespace, source.name),
    );
    sourceCache.set(key, read);
    return read;
  } catch {
    return source;
  }
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
  const found = list.items?.find((listed) => listed.metadata?.name === ref.name);
  if (!found)
    return inconclusive({ object, field: 'metadata.name', value: 'in the inventory but not in the cluster' });
  return { kind: ref.kind, object: found } as Workload;
}

/** The workloads helm-controller labelled as applied by the release `release`. */
function helmWorkloads(release: ObjectRef, snapshot: NamespaceSnapshot): Array<Workload | Observation> {
  const mine = (labels: Record<string, string> | undefined) =>
    labels?.[HELM_NAME_LABEL] === release.name && labels?.[HELM_NAMESPACE_LABEL] === release.namespace;
  const found: Array<Workload | Observation> = [];
  const kinds = [
    ['Deployment', snapshot.deployments],
    ['StatefulSet', snapshot.statefulSets],
    ['DaemonSet', snapshot.daemonSets],
  ] as const;
  for (const [kind, list] of kinds) {
    const failed = listError(`${kind}/${snapshot.namespace}/*`, list);
    if (failed) found.push(failed);
    for (const object of list.items ?? []) {
      if (mine(object.metadata?.labels)) found.push({ kind, object } as Workload);
    }
  }
  return found;
}

/** Starts the HTTP probes a workload asks for; undefined when it asks for none. */
function probeHealth(
  workload: Workload,
  rollout: Observation,
  snapshot: NamespaceSnapshot,
  settings: CheckSettings,
  reader: ClusterReader,
): Promise<Observation> | undefined {
  const { targets, problem } = healthTargets(workload, (snapshot.services.items ?? []) as Service[]);
  if (targets.length === 0 && problem === undefined) return undefined;
  const servicesFailed = listError(`${objectName(workloadRef(workload))} services`, snapshot.services);
  const context = { timeoutMs: settings.probeTimeoutMs, apiLatencyMs: snapshot.elapsedMs };
  const probes: Array<Promise<Observation>> = [];
  if (servicesFailed) probes.push(Promise.resolve(servicesFailed));
  else if (problem) probes.push(Promise.resolve(problem));
  for (const target of targets) {
    const outcome =
      target.via === 'url'
        ? reader.urlGet(target.url, settings.probeTimeoutMs)
        : reader.proxyGet(
            target.namespace,
            target.service,
            target.port,
            target.path,
            settings.probeTimeoutMs,
          );
    probes.push(outcome.then((answer) => assessProbe(target, answer, context)));
  }
  // While the rollout is still progressing a failing probe is expected (pods restarting, no
  // endpoints yet): it is pending, like the rollout, and only counts once the rollout settled.
  return Promise.all(probes)
    .then(combine)
    .then(
      (o): Observation =>
        o.state === 'fail' && rollout.state === 'pending' ? { ...o, state: 'pending' } : o,
    );
}

function workloadRef(workload: Workload): WorkloadRef {
  return {
    kind: workload.kind,
    namespace: workload.object.metadata?.namespace ?? '',
    name: workload.object.metadata?.name ?? '',
  };
}

/** One workload's rollout and pods from its namespace's snapshot; its HTTP probes start at once. */
function assessWorkload(
  item: Workload | Observation,
  snapshot: NamespaceSnapshot,
  settings: CheckSettings,
  reader: ClusterReader,
): Assessing {
  if ('state' in item) return { rollout: item, pods: item };
  const ref = workloadRef(item);
  const listFailed =
    listError(`${objectName(ref)} pods`, snapshot.pods) ??
    (item.kind === 'Deployment'
      ? listError(`${objectName(ref)} replicasets`, snapshot.replicaSets)
      : undefined);
  const current = listFailed
    ? undefined
    : currentPods(
        item,
        (snapshot.replicaSets.items ?? []) as ReplicaSet[],
        (snapshot.pods.items ?? []) as Pod[],
      );
  const { now } = settings;
  const rollout = assessRollout(item, { now, ...(current ? { currentPods: current.pods } : {}) });
  const pods = listFailed ?? (current ? assessPods(item, current, rollout.state, { now }) : rollout);
  const workload: WorkloadReport = { ...ref, rollout: rollout.state, pods: pods.state };
  const http = probeHealth(item, rollout, snapshot, settings, reader)?.then((observation) => {
    workload.http = observation.state;
    return observation;
  });
  return { rollout, pods, workload, ...(http ? { http } : {}) };
}

/** Waits for the HTTP probes of assessed items. */
async function settle(items: Assessing[]): Promise<Assessed[]> {
  return Promise.all(
    items.map(async (item): Promise<Assessed> => {
      const { http, ...rest } = item;
      return http ? { ...rest, http: await http } : rest;
    }),
  );
}

/** Lists of a namespace, requested once per check however many items live there. */
function snapshotsOf(reader: ClusterReader): (namespace: string) => Promise<NamespaceSnapshot> {
  const snapshots = new Map<string, Promise<NamespaceSnapshot>>();
  return (namespace) => {
    let snapshot = snapshots.get(namespace);
    if (!snapshot) {
      snapshot = reader.snapshot(namespace);
      snapshots.set(namespace, snapshot);
    }
    return snapshot;
  };
}

/** A HelmRelease's own status, as a rollout observation and a report line. */
function releaseStatus(release: ObjectRef, flux: FluxContext): Assessed {
  const status = assessHelmRelease(release, flux.helm ?? {});
  const report: ReleaseReport = {
    namespace: release.namespace,
    name: release.name,
    state: status.state,
    ...(flux.lastAttemptedRevision ? { lastAttemptedRevision: flux.lastAttemptedRevision } : {}),
  };
  return { rollout: status, release: report };
}

/** A HelmRelease's own status and the workloads it labelled in its release namespace. */
async function assessRelease(
  release: ObjectRef,
  flux: FluxContext,
  snapshotOf: (namespace: string) => Promise<NamespaceSnapshot>,
  settings: CheckSettings,
  reader: ClusterReader,
): Promise<Assessed[]> {
  const snapshot = await snapshotOf(flux.releaseNamespace ?? release.namespace);
  const workloads = await settle(
    helmWorkloads(release, snapshot).map((item) => assessWorkload(item, snapshot, settings, reader)),
  );
  // Until helm-controller acts on the newest spec, the release's workloads are the previous spec's
  // (a Helm action in flight is never interrupted): their failures are not this revision's.
  const previousSpec = releaseLagsSpec(flux.helm ?? {});
  return [
    releaseStatus(release, flux),
    ...(previousSpec ? workloads.map(ofPreviousSpec(release)) : workloads),
  ];
}

/** A workload's failures as pending: it runs what the release declared before its newest spec. */
function ofPreviousSpec(release: ObjectRef): (item: Assessed) => Assessed {
  const why = {
    object: objectName(release),
    field: 'status.observedGeneration',
    value: 'behind metadata.generation: its workloads still run the previous spec',
  };
  const pending = (observation?: Observation): Observation | undefined =>
    observation?.state === 'fail'
      ? {
          state: 'pending',
          evidence: [
            why,
            ...observation.evidence.map(({ definitive: _definitive, ...evidence }) => evidence),
          ],
        }
      : observation;
  return (item) => {
    const rollout = pending(item.rollout);
    const pods = pending(item.pods);
    const http = pending(item.http);
    return { ...item, ...(rollout ? { rollout } : {}), ...(pods ? { pods } : {}), ...(http ? { http } : {}) };
  };
}

/** Reads a HelmRelease listed in an inventory, then assesses it like a HelmRelease target. */
async function assessListedRelease(
  release: ObjectRef,
  snapshotOf: (namespace: string) => Promise<NamespaceSnapshot>,
  settings: CheckSettings,
  reader: ClusterReader,
): Promise<Assessed[]> {
  let flux: FluxContext;
  try {
    flux = fluxContextOf('HelmRelease', await reader.getFlux('HelmRelease', release.namespace, release.name));
  } catch (error) {
    if (!(error instanceof KubeRequestError || error instanceof FluxObjectError)) throw error;
    return [{ rollout: inconclusive(errorEvidence(objectName(release), error)) }];
  }
  return assessRelease(release, flux, snapshotOf, settings, reader);
}

/**
 * Assesses everything the Flux object manages. Every namespace's lists are requested at once, and
 * each namespace is assessed (and its probes sent) as soon as its own lists are in: the probes of
 * the first namespace overlap with the reading of the others' lists. HelmReleases in an inventory
 * are read in the same batch as the lists; their release namespaces are listed once they are known.
 */
async function assessNamespaces(
  flux: FluxContext,
  settings: CheckSettings,
  reader: ClusterReader,
): Promise<Assessed[]> {
  const snapshotOf = snapshotsOf(reader);
  const groups: Array<Promise<Assessed[]>> = [];
  const fromInventory = flux.kind === 'Kustomization' || flux.inventorySize > 0;
  if (fromInventory) {
    for (const ref of flux.workloads) {
      groups.push(
        snapshotOf(ref.namespace).then((snapshot) =>
          settle([assessWorkload(findWorkload(ref, snapshot), snapshot, settings, reader)]),
        ),
      );
    }
    for (const release of flux.helmReleases) {
      groups.push(assessListedRelease(release, snapshotOf, settings, reader));
    }
  }
  if (flux.kind === 'HelmRelease') {
    const release = { kind: 'HelmRelease', namespace: flux.namespace, name: flux.name };
    // With an inventory, the release's workloads were assessed from it: add only its own status.
    groups.push(
      fromInventory
        ? Promise.resolve([releaseStatus(release, flux)])
        : assessRelease(release, flux, snapshotOf, settings, reader),
    );
  }
  return (await Promise.all(groups)).flat();
}

/** The Flux object's own readiness, when it says more than the checks can: not ready, or still reconciling. */
function fluxReadiness(flux: FluxContext): Observation | undefined {
  const { ready } = flux;
  if (flux.kind !== 'Kustomization' || !ready || ready.status === 'True') return undefined;
  const evidence: Evidence = {
    object: objectName(flux),
    field: 'status.conditions[Ready]',
    value: describeCondition(ready),
  };
  return { state: ready.status === 'Unknown' ? 'pending' : 'inconclusive', evidence: [evidence] };
}

/** Inventory objects fluxguard cannot check: inconclusive unless Flux reports the object Ready. */
function uncheckedObjects(flux: FluxContext): Observation | undefined {
  const { unchecked } = flux;
  if (unchecked.length === 0) return undefined;
  const more = unchecked.length > UNCHECKED_NAMED ? `, and ${unchecked.length - UNCHECKED_NAMED} more` : '';
  const names = `${unchecked.slice(0, UNCHECKED_NAMED).map(objectName).join(', ')}${more}`;
  const vouched = flux.ready?.status === 'True';
  return {
    state: vouched ? 'pass' : 'inconclusive',
    evidence: [
      {
        object: objectName(flux),
        field: 'status.inventory',
        value: vouched
          ? `not checked by fluxguard, reported healthy by Flux (Ready=True): ${names}`
          : `not checked by fluxguard, and Flux does not report them healthy: ${names}`,
      },
    ],
  };
}

/**
 * Combines what was assessed into one observation per layer. Nothing checked is never a pass: with
 * no workload and no HelmRelease the rollout and pods layers are inconclusive; with a HelmRelease
 * but no workload the pods layer passes on the release's own status.
 */
function layerObservations(flux: FluxContext, assessed: readonly Assessed[]): Record<Layer, Observation> {
  const object = objectName(flux);
  const rollout = assessed.flatMap((item) => (item.rollout ? [item.rollout] : []));
  const pods = assessed.flatMap((item) => (item.pods ? [item.pods] : []));
  const http = assessed.flatMap((item) => (item.http ? [item.http] : []));
  const releases = assessed.filter((item) => item.release).length;
  const flagged = [fluxReadiness(flux), uncheckedObjects(flux)].flatMap((observation) =>
    observation ? [observation] : [],
  );
  const nothing = (value: string): Observation => inconclusive({ object, field: 'workloads', value });
  if (pods.length === 0 && releases === 0) {
    rollout.push(
      nothing('nothing fluxguard can check: no Deployment, StatefulSet, DaemonSet or HelmRelease'),
    );
  }
  return {
    rollout: combine([...rollout, ...flagged]),
    pods:
      pods.length > 0
        ? combine(pods)
        : releases > 0
          ? {
              state: 'pass',
              evidence: [{ object, field: 'workloads', value: 'no workload besides the release itself' }],
            }
          : nothing('no Deployment, StatefulSet or DaemonSet to check'),
    http:
      http.length > 0
        ? combine(http)
        : {
            state: 'pass',
            evidence: [
              {
                object,
                field: 'workloads',
                value: 'no workload is annotated fluxguard.io/health-path or health-url',
              },
            ],
          },
  };
}

/**
 * One check of the three layers: {@link readFluxObject}, then {@link assessNamespaces} (with the
 * GitRepository read alongside), then {@link layerObservations}.
 */
export async function runCheck(
  settings: CheckSettings,
  reader: ClusterReader,
  sourceCache: Map<string, FluxSource>,
): Promise<CheckResult> {
  const read = await readFluxObject(settings.target, reader);
  if ('unreadable' in read) return read.unreadable;
  const [assessed, source] = await Promise.all([
    assessNamespaces(read.flux, settings, reader),
    readSource(read.flux, reader, sourceCache),
  ]);
  const flux: FluxContext = { ...read.flux, ...(source ? { source } : {}) };
  return {
    flux,
    layers: layerObservations(flux, assessed),
    workloads: assessed.flatMap((item) => (item.workload ? [item.workload] : [])),
    releases: assessed.flatMap((item) => (item.release ? [item.release] : [])),
  };
}
