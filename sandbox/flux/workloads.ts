/**
 * The Deployment controller and the kubelet, as far as a rollout shows in the API: applying a
 * Deployment makes (or reuses) the ReplicaSet of its pod template, rolls pods over with the
 * strategy's surge, and the new pods start, crash-loop, fail to pull their image, or answer
 * `/health` with 500, as the story says for their image. Every change is written into the
 * {@link FakeKubeApi}, shaped as `kubectl get -o json` shows it.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { FakeKubeApi, KubeObject } from '../kube-api/fake-kube-api.js';
import type { StoryClock } from './clock.js';

/** How the pods of an image behave once scheduled. */
export type ImageBehaviour =
  /** Start and become ready after {@link RolloutTimings.startMs}. */
  | 'ready'
  /** Become ready, but only after {@link RolloutTimings.slowStartMs}: a slow, healthy rollout. */
  | 'slow'
  /** Exit 1 at start: CrashLoopBackOff with growing restarts. */
  | 'crashloop'
  /** The tag does not exist: ErrImagePull, then ImagePullBackOff. */
  | 'imagepull'
  /** Run, but `/health` answers 500: never ready, restarted by the liveness probe. */
  | 'health-500';

/** Story durations of a rollout. */
export interface RolloutTimings {
  /** From pod creation to Ready for a `ready` image. */
  startMs: number;
  /** The same for a `slow` image. */
  slowStartMs: number;
  /** First crash of a `crashloop` image, then back-off 10 s, 20 s, 40 s ... (kubelet's). */
  firstCrashMs: number;
  /** First pull error of an `imagepull` image. */
  pullErrorMs: number;
}

/** The kubelet's and the images' defaults: seconds, as on a real node. */
export const DEFAULT_TIMINGS: RolloutTimings = {
  startMs: 6_000,
  slowStartMs: 150_000,
  firstCrashMs: 3_000,
  pullErrorMs: 2_000,
};

const APPS = { apiVersion: 'apps/v1' } as const;
const CREATED = '2026-05-04T12:00:00Z';

function digest(seed: string, length = 10): string {
  return createHash('sha256')
    .update(seed)
    .digest('hex')
    .replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)] ?? 'x')
    .slice(0, length);
}

function uid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function percent(value: unknown, replicas: number, round: 'up' | 'down', fallback: number): number {
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  if (!match) return fallback;
  const exact = (Number(match[1]) * replicas) / 100;
  return round === 'up' ? Math.ceil(exact) : Math.floor(exact);
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

interface PodState {
  name: string;
  created: number;
}

interface ReplicaSetState {
  name: string;
  uid: string;
  hash: string;
  revision: number;
  template: Json;
  images: string[];
  behaviour: ImageBehaviour;
  pods: PodState[];
}

interface DeploymentState {
  manifest: KubeObject;
  uid: string;
  generation: number;
  replicas: number;
  replicaSets: ReplicaSetState[];
  current?: ReplicaSetState;
  rolloutStarted: number;
  /** Bumped on every apply, so an older rollout loop stops. */
  epoch: number;
  lastRevision: number;
}

/** A Deployment's state in kstatus terms, which Flux's health check reads. */
export type RolloutStatus = 'current' | 'in-progress' | 'failed';

/**
 * The workloads of the simulated cluster: Deployments and what their controllers make of them.
 *
 * @example
 * ```ts
 * const workloads = new Workloads(kube, clock, (image) => (image.endsWith(':bad') ? 'crashloop' : 'ready'));
 * await workloads.apply(deploymentManifest, { replicas: 2 });
 * ```
 */
export class Workloads {
  readonly #kube: FakeKubeApi;
  readonly #clock: StoryClock;
  readonly #behaviour: (image: string) => ImageBehaviour;
  readonly #timings: RolloutTimings;
  readonly #deployments = new Map<string, DeploymentState>();
  #tick = 0;

  constructor(
    kube: FakeKubeApi,
    clock: StoryClock,
    behaviour: (image: string) => ImageBehaviour,
    timings: RolloutTimings = DEFAULT_TIMINGS,
  ) {
    this.#kube = kube;
    this.#clock = clock;
    this.#behaviour = behaviour;
    this.#timings = timings;
    this.#scheduleTick();
  }

  /**
   * Applies a Deployment manifest as `kubectl apply` and the Deployment controller would: a changed
   * pod template starts a rollout (to an existing ReplicaSet of the same template when there is one).
   *
   * @returns whether the Deployment changed (`configured`) or was created
   */
  apply(
    manifest: KubeObject,
    { replicas }: { replicas?: number } = {},
  ): 'created' | 'configured' | 'unchanged' {
    const key = `${manifest.metadata.namespace}/${manifest.metadata.name}`;
    const spec = obj(manifest.spec);
    const template = obj(spec.template);
    const hash = digest(JSON.stringify(template));
    const existing = this.#deployments.get(key);
    const wanted = replicas ?? (typeof spec.replicas === 'number' ? spec.replicas : 1);
    if (existing && existing.current?.hash === hash && existing.replicas === wanted) return 'unchanged';
    const state: DeploymentState = existing ?? {
      manifest,
      uid: uid(`deploy/${key}`),
      generation: 0,
      replicas: wanted,
      replicaSets: [],
      rolloutStarted: this.#clock.elapsedMs(),
      epoch: 0,
      lastRevision: 0,
    };
    state.manifest = manifest;
    state.generation += 1;
    state.replicas = wanted;
    state.epoch += 1;
    state.rolloutStarted = this.#clock.elapsedMs();
    let rs = state.replicaSets.find((r) => r.hash === hash);
    if (!rs) {
      const containers = (obj(template.spec).containers as Json[] | undefined) ?? [];
      const images = containers.map((c) => String(c.image ?? ''));
      rs = {
        name: `${manifest.metadata.name}-${hash}`,
        uid: uid(`rs/${key}/${hash}`),
        hash,
        revision: 0,
        template,
        images,
        behaviour: this.#worst(images),
        pods: [],
      };
      state.replicaSets.push(rs);
    }
    state.lastRevision += 1;
    rs.revision = state.lastRevision;
    state.current = rs;
    this.#deployments.set(key, state);
    this.#reconcile(state);
    return existing ? 'configured' : 'created';
  }

  /** The Deployment's state as kstatus (and so Flux's health check) reads it. */
  status(namespace: string, name: string): RolloutStatus {
    const state = this.#deployments.get(`${namespace}/${name}`);
    if (!state?.current) return 'in-progress';
    const status = obj(this.#deployment(state).status);
    const conditions = (status.conditions as Json[] | undefined) ?? [];
    if (conditions.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')) {
      return 'failed';
    }
    const replicas = state.replicas;
    return status.updatedReplicas === replicas &&
      status.readyReplicas === replicas &&
      status.availableReplicas === replicas &&
      status.replicas === replicas
      ? 'current'
      : 'in-progress';
  }

  /** The images of the Deployment's current pod template. */
  images(namespace: string, name: string): string[] {
    return [...(this.#deployments.get(`${namespace}/${name}`)?.current?.images ?? [])];
  }

  /** Whether any running pod of the Service's Deployment answers `/health` with 500. */
  servesErrors(namespace: string, name: string): boolean {
    const state = this.#deployments.get(`${namespace}/${name}`);
    return (state?.replicaSets ?? []).some((rs) => rs.behaviour === 'health-500' && rs.pods.length > 0);
  }

  /** Stops the controllers' clock ticks. */
  stop(): void {
    this.#tick += 1;
  }

  #worst(images: string[]): ImageBehaviour {
    const order: ImageBehaviour[] = ['imagepull', 'crashloop', 'health-500', 'slow', 'ready'];
    const found = images.map((i) => this.#behaviour(i));
    return order.find((b) => found.includes(b)) ?? 'ready';
  }

  /** Re-evaluates every Deployment once per story second, as the controllers' resyncs would. */
  #scheduleTick(): void {
    const tick = this.#tick;
    // One story second, but no more often than every 25 ms of wall time at high time scales.
    this.#clock.after(Math.max(1_000, this.#clock.scale * 25), () => {
      if (tick !== this.#tick) return;
      for (const state of this.#deployments.values()) this.#reconcile(state);
      this.#scheduleTick();
    });
  }

  #ready(rs: ReplicaSetState, pod: PodState, now: number): boolean {
    const age = now - pod.created;
    if (rs.behaviour === 'ready') return age >= this.#timings.startMs;
    if (rs.behaviour === 'slow') return age >= this.#timings.slowStartMs;
    return false;
  }

  /** One pass of the Deployment controller's rolling update, then the objects written out. */
  #reconcile(state: DeploymentState): void {
    const current = state.current;
    if (!current) return;
    const now = this.#clock.elapsedMs();
    const strategy = obj(obj(state.manifest.spec).strategy);
    const rolling = obj(strategy.rollingUpdate);
    const surge = Math.max(1, percent(rolling.maxSurge, state.replicas, 'up', 1));
    const maxUnavailable = percent(rolling.maxUnavailable, state.replicas, 'down', 0);
    const old = state.replicaSets.filter((rs) => rs !== current);
    const oldPods = () => old.reduce((n, rs) => n + rs.pods.length, 0);
    const readyNew = () => current.pods.filter((p) => this.#ready(current, p, now)).length;
    // Scale the new ReplicaSet up within the surge, then the old ones down by what became ready.
    const ceiling = state.replicas + surge;
    while (current.pods.length < state.replicas && current.pods.length + oldPods() < ceiling) {
      current.pods.push({
        name: `${current.name}-${digest(`${current.name}/${now}/${current.pods.length}`, 5)}`,
        created: now,
      });
    }
    const minAvailable = state.replicas - maxUnavailable;
    for (const rs of old) {
      while (rs.pods.length > 0) {
        const available = readyNew() + oldPods() - 1;
        if (available < minAvailable && !this.#oldPodsUnready(rs, now)) break;
        rs.pods.pop();
      }
    }
    while (current.pods.length < state.replicas && current.pods.length + oldPods() < ceiling) {
      current.pods.push({
        name: `${current.name}-${digest(`${current.name}/${now}/${current.pods.length}`, 5)}`,
        created: now,
      });
    }
    this.#write(state, now);
  }

  /** Old pods that never became ready (a failed revision) are scaled down first and freely. */
  #oldPodsUnready(rs: ReplicaSetState, now: number): boolean {
    return rs.pods.every((p) => !this.#ready(rs, p, now));
  }

  #write(state: DeploymentState, now: number): void {
    const objects: KubeObject[] = [this.#deployment(state)];
    const live = new Set<string>();
    for (const rs of state.replicaSets) {
      objects.push(this.#replicaSet(state, rs, now));
      for (const pod of rs.pods) {
        objects.push(this.#pod(state, rs, pod, now));
        live.add(pod.name);
      }
    }
    const ns = state.manifest.metadata.namespace;
    for (const pod of this.#kube.objects({ apiVersion: 'v1', kind: 'Pod' })) {
      const owner = (pod.metadata.ownerReferences as Json[] | undefined)?.[0];
      const ownRs = state.replicaSets.some((rs) => rs.uid === owner?.uid);
      if (pod.metadata.namespace === ns && ownRs && !live.has(pod.metadata.name)) {
        this.#kube.remove({ apiVersion: 'v1', kind: 'Pod' }, ns, pod.metadata.name);
      }
    }
    this.#kube.put(...objects);
  }

  #deployment(state: DeploymentState): KubeObject {
    const now = this.#clock.elapsedMs();
    const current = state.current as ReplicaSetState;
    const all = state.replicaSets.flatMap((rs) => rs.pods.map((p) => ({ rs, p })));
    const ready = all.filter(({ rs, p }) => this.#ready(rs, p, now)).length;
    const updated = current.pods.length;
    const updatedReady = current.pods.filter((p) => this.#ready(current, p, now)).length;
    const manifest = state.manifest;
    const spec = obj(manifest.spec);
    const deadlineMs = Number(spec.progressDeadlineSeconds ?? 600) * 1000;
    const complete = updatedReady === state.replicas && all.length === state.replicas;
    const stalled = !complete && now - state.rolloutStarted > deadlineMs;
    const available =
      ready >=
      state.replicas -
        percent(obj(obj(spec.strategy).rollingUpdate).maxUnavailable, state.replicas, 'down', 0);
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const metadata = manifest.metadata;
    return {
      ...manifest,
      metadata: {
        ...metadata,
        annotations: {
          ...((metadata.annotations as Record<string, string> | undefined) ?? {}),
          'deployment.kubernetes.io/revision': String(current.revision),
        },
        creationTimestamp: CREATED,
        generation: state.generation,
        uid: state.uid,
      },
      spec: { ...spec, replicas: state.replicas },
      status: {
        observedGeneration: state.generation,
        replicas: all.length,
        updatedReplicas: updated,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(all.length - ready > 0 ? { unavailableReplicas: all.length - ready } : {}),
        conditions: [
          {
            type: 'Available',
            status: available ? 'True' : 'False',
            reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
            message: available
              ? 'Deployment has minimum availability.'
              : 'Deployment does not have minimum availability.',
            lastTransitionTime: at,
            lastUpdateTime: at,
          },
          {
            type: 'Progressing',
            status: stalled ? 'False' : 'True',
            reason: complete
              ? 'NewReplicaSetAvailable'
              : stalled
                ? 'ProgressDeadlineExceeded'
                : 'ReplicaSetUpdated',
            message: complete
              ? `ReplicaSet "${current.name}" has successfully progressed.`
              : stalled
                ? `ReplicaSet "${current.name}" has timed out progressing.`
                : `ReplicaSet "${current.name}" is progressing.`,
            lastTransitionTime: at,
            lastUpdateTime: at,
          },
        ],
      },
    };
  }

  #replicaSet(state: DeploymentState, rs: ReplicaSetState, now: number): KubeObject {
    const labels = {
      ...(obj(obj(rs.template).metadata).labels as Record<string, string>),
      'pod-template-hash': rs.hash,
    };
    const ready = rs.pods.filter((p) => this.#ready(rs, p, now)).length;
    return {
      ...APPS,
      kind: 'ReplicaSet',
      metadata: {
        name: rs.name,
        namespace: state.manifest.metadata.namespace,
        uid: rs.uid,
        creationTimestamp: CREATED,
        generation: 1,
        labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(state.replicas),
          'deployment.kubernetes.io/max-replicas': String(state.replicas + 1),
          'deployment.kubernetes.io/revision': String(rs.revision),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: state.manifest.metadata.name,
            uid: state.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: rs.pods.length,
        selector: { matchLabels: labels },
        template: { ...rs.template, metadata: { ...obj(rs.template.metadata), labels } },
      },
      status: {
        replicas: rs.pods.length,
        fullyLabeledReplicas: rs.pods.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: 1,
      },
    };
  }

  #pod(state: DeploymentState, rs: ReplicaSetState, pod: PodState, now: number): KubeObject {
    const labels = {
      ...(obj(obj(rs.template).metadata).labels as Record<string, string>),
      'pod-template-hash': rs.hash,
    };
    const age = now - pod.created;
    const ready = this.#ready(rs, pod, now);
    const containers = (obj(rs.template.spec).containers as Json[] | undefined) ?? [];
    const statuses = containers.map((c) =>
      this.#containerStatus(rs, String(c.name), String(c.image), age, ready),
    );
    const pending = statuses.some(
      (s) =>
        obj(obj(s.state).waiting).reason !== undefined && s.started === false && rs.behaviour !== 'crashloop',
    );
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const condition = (type: string, status: boolean) => ({
      type,
      status: status ? 'True' : 'False',
      lastProbeTime: null,
      lastTransitionTime: at,
      ...(status
        ? {}
        : {
            reason: 'ContainersNotReady',
            message: `containers with unready status: [${containers.map((c) => String(c.name)).join(' ')}]`,
          }),
    });
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: pod.name,
        namespace: state.manifest.metadata.namespace,
        generateName: `${rs.name}-`,
        uid: uid(`pod/${pod.name}`),
        creationTimestamp: CREATED,
        labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.name,
            uid: rs.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { ...obj(rs.template.spec), nodeName: 'ip-10-0-12-34.eu-central-1.compute.internal' },
      status: {
        phase: pending ? 'Pending' : 'Running',
        conditions: [
          condition('PodReadyToStartContainers', true),
          condition('Initialized', true),
          condition('Ready', ready),
          condition('ContainersReady', ready),
          condition('PodScheduled', true),
        ],
        containerStatuses: statuses,
        hostIP: '10.0.12.34',
        podIP: '10.0.14.7',
        qosClass: 'Burstable',
        startTime: CREATED,
      },
    };
  }

  #containerStatus(rs: ReplicaSetState, name: string, image: string, age: number, ready: boolean): Json {
    const behaviour = this.#behaviour(image);
    const base = { name, image, ready, restartCount: 0 };
    const imageId = `${image.split(':')[0]}@sha256:${digest(image, 64)}`;
    const running = {
      ...base,
      imageID: imageId,
      containerID: `containerd://${digest(`${rs.name}/${name}`, 64)}`,
      started: true,
      state: { running: { startedAt: CREATED } },
    };
    const creating = {
      ...base,
      imageID: '',
      started: false,
      state: { waiting: { reason: 'ContainerCreating' } },
    };
    switch (behaviour) {
      case 'ready':
      case 'slow':
        return age >= (behaviour === 'ready' ? this.#timings.startMs : this.#timings.slowStartMs) ||
          age > 1_000
          ? { ...running, ready, started: true }
          : creating;
      case 'crashloop': {
        if (age < this.#timings.firstCrashMs) return creating;
        // kubelet back-off: 10 s, doubled after each crash, capped at 5 minutes.
        let restarts = 0;
        let t = this.#timings.firstCrashMs;
        let backoff = 10_000;
        while (t + backoff <= age) {
          t += backoff;
          restarts += 1;
          backoff = Math.min(backoff * 2, 300_000);
        }
        return {
          ...base,
          imageID: imageId,
          restartCount: restarts + 1,
          started: false,
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: CREATED,
              finishedAt: CREATED,
              containerID: 'containerd://0',
            },
          },
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off ${Math.round(backoff / 1000)}s restarting failed container=${name} pod=${rs.name}`,
            },
          },
        };
      }
      case 'imagepull': {
        if (age < this.#timings.pullErrorMs) return creating;
        const error = `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
        const backingOff = age >= this.#timings.pullErrorMs * 2;
        return {
          ...base,
          imageID: '',
          started: false,
          state: {
            waiting: backingOff
              ? {
                  reason: 'ImagePullBackOff',
                  message: `Back-off pulling image "${image}": ErrImagePull: ${error}`,
                }
              : { reason: 'ErrImagePull', message: `rpc error: code = NotFound desc = ${error}` },
          },
        };
      }
      case 'health-500':
        if (age < this.#timings.firstCrashMs) return creating;
        // The liveness probe (every 10 s, 3 failures) restarts the container every 30 s.
        return { ...running, ready: false, restartCount: Math.floor(age / 30_000) };
    }
  }
}
