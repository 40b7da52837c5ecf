import { createHash } from 'node:crypto';
import type { KubeObject } from './fake-kube-api.js';

/**
 * Builders for objects shaped like `kubectl get -o json` output on Kubernetes 1.3x with Flux 2.x
 * (field names, defaults, condition reasons and messages as the controllers write them).
 */

const T0 = '2026-05-04T12:00:00Z';
const T1 = '2026-05-04T12:31:07Z';

function uid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function hash(seed: string): string {
  return createHash('sha256')
    .update(seed)
    .digest('hex')
    .replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)] ?? 'x')
    .slice(0, 10);
}

/** How an app's rollout looks at a check. */
export type AppState = 'healthy' | 'deadline' | 'crashloop' | 'imagepull' | 'progressing' | 'half-ready';

/** Options for {@link app}. */
export interface AppOptions {
  namespace?: string;
  replicas?: number;
  state?: AppState;
  /** Health annotations; `false` for none. Default `/health` on port `http`. */
  health?: { path: string; port?: string; service?: string; url?: string } | false;
  /** Extra labels on the Deployment (e.g. the helm-controller's). */
  labels?: Record<string, string>;
  /** The Flux owner labels; default the Kustomization flux-system/apps. */
  owner?: Record<string, string>;
}

interface PodSpecState {
  name: string;
  ready: boolean;
  waiting?: { reason: string; message: string };
  restartCount?: number;
  lastTerminated?: { reason: string; exitCode: number };
  creating?: boolean;
}

function pod(
  ns: string,
  app: string,
  rs: { name: string; uid: string; hash: string },
  labels: Record<string, string>,
  image: string,
  state: PodSpecState,
): KubeObject {
  const ready = state.ready ? 'True' : 'False';
  const containerState = state.waiting
    ? { waiting: state.waiting }
    : state.creating
      ? { waiting: { reason: 'ContainerCreating' } }
      : { running: { startedAt: T1 } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: T1,
      generateName: `${rs.name}-`,
      labels: { ...labels, 'pod-template-hash': rs.hash },
      name: state.name,
      namespace: ns,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'ReplicaSet',
          name: rs.name,
          uid: rs.uid,
        },
      ],
      resourceVersion: '90211',
      uid: uid(`${ns}/${state.name}`),
    },
    spec: {
      containers: [
        {
          image,
          imagePullPolicy: 'IfNotPresent',
          name: app,
          ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
          readinessProbe: {
            failureThreshold: 3,
            httpGet: { path: '/health', port: 'http', scheme: 'HTTP' },
            periodSeconds: 10,
            successThreshold: 1,
            timeoutSeconds: 1,
          },
          resources: { limits: { memory: '128Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      nodeName: 'ip-10-0-12-34.eu-west-1.compute.internal',
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
    },
    status: {
      conditions: [
        { lastProbeTime: null, lastTransitionTime: T1, status: 'True', type: 'PodReadyToStartContainers' },
        { lastProbeTime: null, lastTransitionTime: T1, status: 'True', type: 'Initialized' },
        {
          lastProbeTime: null,
          lastTransitionTime: T1,
          status: ready,
          type: 'Ready',
          ...(state.ready
            ? {}
            : { reason: 'ContainersNotReady', message: `containers with unready status: [${app}]` }),
        },
        {
          lastProbeTime: null,
          lastTransitionTime: T1,
          status: ready,
          type: 'ContainersReady',
          ...(state.ready
            ? {}
            : { reason: 'ContainersNotReady', message: `containers with unready status: [${app}]` }),
        },
        { lastProbeTime: null, lastTransitionTime: T1, status: 'True', type: 'PodScheduled' },
      ],
      containerStatuses: [
        {
          ...(state.waiting || state.creating ? {} : { containerID: `containerd://${hash(state.name)}` }),
          image,
          imageID: state.waiting?.reason.includes('Image')
            ? ''
            : `${image.split(':')[0]}@sha256:${'ab'.repeat(32)}`,
          lastState: state.lastTerminated
            ? {
                terminated: {
                  ...state.lastTerminated,
                  finishedAt: T1,
                  startedAt: T1,
                  containerID: 'containerd://0',
                },
              }
            : {},
          name: app,
          ready: state.ready,
          restartCount: state.restartCount ?? 0,
          started: !state.waiting && !state.creating,
          state: containerState,
        },
      ],
      hostIP: '10.0.12.34',
      phase: state.creating || state.waiting?.reason.includes('Image') ? 'Pending' : 'Running',
      podIP: '10.0.14.7',
      qosClass: 'Burstable',
      startTime: T1,
    },
  };
}

/** A ReplicaSet's identity: name, uid and `pod-template-hash`. */
interface ReplicaSetId {
  name: string;
  uid: string;
  hash: string;
}

/** What the Deployment controller shows for an app in a given state: its new pods, old pods and status. */
interface RolloutPicture {
  newPods: PodSpecState[];
  oldPodCount: number;
  status: Record<string, unknown>;
}

function progressingCondition(reason: string, message: string, status = 'True') {
  return { lastTransitionTime: T1, lastUpdateTime: T1, message, reason, status, type: 'Progressing' };
}

function availableCondition(available: boolean) {
  return {
    lastTransitionTime: T0,
    lastUpdateTime: T0,
    message: available
      ? 'Deployment has minimum availability.'
      : 'Deployment does not have minimum availability.',
    reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
    status: available ? 'True' : 'False',
    type: 'Available',
  };
}

/** The pods and Deployment status of an app in `state`, as the controllers write them. */
function rolloutPicture(
  state: AppState,
  name: string,
  ns: string,
  replicas: number,
  newRs: ReplicaSetId,
  image: string,
): RolloutPicture {
  const podName = (index: number) => `${newRs.name}-${hash(`${name}${index}`).slice(0, 5)}`;
  const progressed = () =>
    progressingCondition('NewReplicaSetAvailable', `ReplicaSet "${newRs.name}" has successfully progressed.`);
  const progressing = () =>
    progressingCondition('ReplicaSetUpdated', `ReplicaSet "${newRs.name}" is progressing.`);
  const base = { observedGeneration: 4 };
  switch (state) {
    case 'healthy':
      return {
        newPods: Array.from({ length: replicas }, (_, index) => ({ name: podName(index), ready: true })),
        oldPodCount: 0,
        status: {
          ...base,
          availableReplicas: replicas,
          readyReplicas: replicas,
          replicas,
          updatedReplicas: replicas,
          conditions: [availableCondition(true), progressed()],
        },
      };
    case 'half-ready': {
      const ready = Math.floor(replicas / 2);
      return {
        newPods: Array.from({ length: replicas }, (_, index) => ({
          name: podName(index),
          ready: index < ready,
        })),
        oldPodCount: 0,
        status: {
          ...base,
          availableReplicas: ready,
          readyReplicas: ready,
          replicas,
          unavailableReplicas: replicas - ready,
          updatedReplicas: replicas,
          conditions: [progressed(), availableCondition(false)],
        },
      };
    }
    case 'progressing':
      return {
        newPods: [
          ...Array.from({ length: replicas - 1 }, (_, index) => ({ name: podName(index), ready: true })),
          { name: podName(replicas - 1), ready: false, creating: true },
        ],
        oldPodCount: 1,
        status: {
          ...base,
          availableReplicas: replicas,
          readyReplicas: replicas,
          replicas: replicas + 1,
          unavailableReplicas: 1,
          updatedReplicas: replicas,
          conditions: [availableCondition(true), progressing()],
        },
      };
    case 'crashloop':
    case 'imagepull':
    case 'deadline': {
      const waiting =
        state === 'crashloop'
          ? {
              reason: 'CrashLoopBackOff',
              message: `back-off 2m40s restarting failed container=${name} pod=${podName(0)}_${ns}(${uid(podName(0))})`,
            }
          : state === 'imagepull'
            ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` }
            : undefined;
      const deadline = progressingCondition(
        'ProgressDeadlineExceeded',
        `ReplicaSet "${newRs.name}" has timed out progressing.`,
        'False',
      );
      return {
        newPods: [
          {
            name: podName(0),
            ready: false,
            ...(waiting ? { waiting } : {}),
            ...(state === 'crashloop'
              ? { restartCount: 5, lastTerminated: { reason: 'Error', exitCode: 1 } }
              : {}),
          },
        ],
        oldPodCount: replicas,
        status: {
          ...base,
          availableReplicas: replicas,
          readyReplicas: replicas,
          replicas: replicas + 1,
          unavailableReplicas: 1,
          updatedReplicas: 1,
          conditions: [availableCondition(true), state === 'deadline' ? deadline : progressing()],
        },
      };
    }
  }
}

function podTemplate(name: string, selector: Record<string, string>, image: string) {
  return {
    metadata: { labels: selector },
    spec: {
      containers: [
        {
          image,
          imagePullPolicy: 'IfNotPresent',
          name,
          ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    },
  };
}

/** A ReplicaSet of the Deployment `name` at `revision`, with `count` pods of which `ready` are ready. */
function replicaSetOf(
  deployment: { name: string; ns: string; uid: string; replicas: number; selector: Record<string, string> },
  rs: ReplicaSetId,
  revision: string,
  counts: { count: number; ready: number },
  template: ReturnType<typeof podTemplate>,
  image: string,
): KubeObject {
  const { name, ns, replicas, selector } = deployment;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + 1),
        'deployment.kubernetes.io/revision': revision,
      },
      creationTimestamp: T0,
      generation: 1,
      labels: { ...selector, 'pod-template-hash': rs.hash },
      name: rs.name,
      namespace: ns,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'Deployment',
          name,
          uid: deployment.uid,
        },
      ],
      uid: rs.uid,
    },
    spec: {
      replicas: counts.count,
      selector: { matchLabels: { ...selector, 'pod-template-hash': rs.hash } },
      template: {
        ...template,
        metadata: { labels: { ...selector, 'pod-template-hash': rs.hash } },
        spec: { ...template.spec, containers: [{ ...template.spec.containers[0], image }] },
      },
    },
    status: {
      availableReplicas: counts.ready,
      fullyLabeledReplicas: counts.count,
      observedGeneration: 1,
      readyReplicas: counts.ready,
      replicas: counts.count,
    },
  };
}

function serviceOf(
  name: string,
  ns: string,
  selector: Record<string, string>,
  owner: Record<string, string>,
) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      creationTimestamp: T0,
      labels: { ...selector, ...owner },
      name,
      namespace: ns,
      uid: uid(`${ns}/svc/${name}`),
    },
    spec: {
      clusterIP: '172.20.14.9',
      clusterIPs: ['172.20.14.9'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      selector,
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  } satisfies KubeObject;
}

function healthAnnotations(health: AppOptions['health']): Record<string, string> {
  if (!health) return {};
  return {
    'fluxguard.io/health-path': health.path,
    ...(health.port ? { 'fluxguard.io/health-port': health.port } : {}),
    ...(health.service ? { 'fluxguard.io/health-service': health.service } : {}),
    ...(health.url ? { 'fluxguard.io/health-url': health.url } : {}),
  };
}

/**
 * One app: Deployment, its ReplicaSets (old and current), pods and Service, in the given state.
 */
export function app(name: string, options: AppOptions = {}): KubeObject[] {
  const ns = options.namespace ?? 'shop';
  const replicas = options.replicas ?? 3;
  const selector = { 'app.kubernetes.io/name': name };
  const owner = options.owner ?? {
    'kustomize.toolkit.fluxcd.io/name': 'apps',
    'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
  };
  const deploymentUid = uid(`${ns}/deploy/${name}`);
  const oldRs = {
    name: `${name}-${hash(`${name}old`)}`,
    uid: uid(`${ns}/rs/${name}/old`),
    hash: hash(`${name}old`),
  };
  const newRs = {
    name: `${name}-${hash(`${name}new`)}`,
    uid: uid(`${ns}/rs/${name}/new`),
    hash: hash(`${name}new`),
  };
  const image = 'ghcr.io/acme/shop-web:1.4.3';
  const oldImage = 'ghcr.io/acme/shop-web:1.4.2';
  const { newPods, oldPodCount, status } = rolloutPicture(
    options.state ?? 'healthy',
    name,
    ns,
    replicas,
    newRs,
    image,
  );
  const template = podTemplate(name, selector, image);
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      annotations: {
        'deployment.kubernetes.io/revision': '4',
        ...healthAnnotations(options.health ?? { path: '/health', port: 'http' }),
      },
      creationTimestamp: T0,
      generation: 4,
      labels: { ...selector, ...owner, ...options.labels },
      name,
      namespace: ns,
      resourceVersion: '90377',
      uid: deploymentUid,
    },
    spec: {
      progressDeadlineSeconds: 600,
      replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: selector },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template,
    },
    status,
  };
  const owning = { name, ns, uid: deploymentUid, replicas, selector };
  const oldPods = Array.from({ length: oldPodCount }, (_, index) =>
    pod(ns, name, oldRs, selector, oldImage, {
      name: `${oldRs.name}-${hash(`${name}o${index}`).slice(0, 5)}`,
      ready: true,
    }),
  );
  return [
    deployment,
    replicaSetOf(owning, oldRs, '3', { count: oldPodCount, ready: oldPodCount }, template, oldImage),
    replicaSetOf(
      owning,
      newRs,
      '4',
      { count: newPods.length, ready: newPods.filter((p) => p.ready).length },
      template,
      image,
    ),
    ...oldPods,
    ...newPods.map((p) => pod(ns, name, newRs, selector, image, p)),
    serviceOf(name, ns, selector, owner),
  ];
}

/** A pod owned (as its controller) by a workload, running and ready unless `ready` is false. */
function ownedPod(
  owner: { kind: string; name: string; uid: string },
  namespace: string,
  name: string,
  labels: Record<string, string>,
  ready = true,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: T1,
      labels,
      name,
      namespace,
      ownerReferences: [{ apiVersion: 'apps/v1', controller: true, ...owner }],
      uid: uid(`${namespace}/${name}`),
    },
    status: {
      conditions: [{ lastTransitionTime: T1, status: ready ? 'True' : 'False', type: 'Ready' }],
      phase: 'Running',
      startTime: T1,
    },
  };
}

/** Options for {@link daemonSet}. */
export interface DaemonSetOptions {
  namespace?: string;
  /** Nodes it runs on (default 2), each with a ready pod. */
  nodes?: number;
  /** `metadata.generation`: any spec change raises it (default 1). */
  generation?: number;
  /** The template generation the API server records, and the pods' `pod-template-generation` (default 1). */
  templateGeneration?: number;
}

/** A DaemonSet whose rollout finished, with one ready pod per node of its template generation. */
export function daemonSet(name: string, options: DaemonSetOptions = {}): KubeObject[] {
  const { namespace = 'logging', nodes = 2, generation = 1, templateGeneration = 1 } = options;
  const owner = { kind: 'DaemonSet', name, uid: uid(`${namespace}/ds/${name}`) };
  const labels = { 'app.kubernetes.io/name': name };
  const workload: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      annotations: { 'deprecated.daemonset.template.generation': String(templateGeneration) },
      creationTimestamp: T0,
      generation,
      labels,
      name,
      namespace,
      uid: owner.uid,
    },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels } } },
    status: {
      currentNumberScheduled: nodes,
      desiredNumberScheduled: nodes,
      numberAvailable: nodes,
      numberMisscheduled: 0,
      numberReady: nodes,
      observedGeneration: generation,
      updatedNumberScheduled: nodes,
    },
  };
  const podLabels = { ...labels, 'controller-revision-hash': hash(`${name}${templateGeneration}`) };
  const pods = Array.from({ length: nodes }, (_, index) =>
    ownedPod(owner, namespace, `${name}-${hash(`${name}${index}`).slice(0, 5)}`, {
      ...podLabels,
      'pod-template-generation': String(templateGeneration),
    }),
  );
  return [workload, ...pods];
}

/** Options for {@link statefulSet}. */
export interface StatefulSetOptions {
  namespace?: string;
  replicas?: number;
  /** `OnDelete`, or `RollingUpdate` with a partition (default `RollingUpdate`, partition 0). */
  strategy?: { type: 'OnDelete' } | { type: 'RollingUpdate'; partition?: number };
  /** Whether the template changed: pods the strategy moves then run the update revision. */
  templateChanged?: boolean;
}

/**
 * A StatefulSet with ready pods, as its controller leaves them: after a template change, `OnDelete`
 * keeps every pod at the current revision and a partition keeps the pods below it there.
 */
export function statefulSet(name: string, options: StatefulSetOptions = {}): KubeObject[] {
  const {
    namespace = 'shop',
    replicas = 3,
    strategy = { type: 'RollingUpdate' },
    templateChanged = false,
  } = options;
  const owner = { kind: 'StatefulSet', name, uid: uid(`${namespace}/sts/${name}`) };
  const labels = { 'app.kubernetes.io/name': name };
  const current = `${name}-${hash(`${name}current`).slice(0, 8)}`;
  const update = templateChanged ? `${name}-${hash(`${name}update`).slice(0, 8)}` : current;
  const moved = strategy.type === 'OnDelete' ? 0 : Math.max(0, replicas - (strategy.partition ?? 0));
  const revisionOf = (ordinal: number) => (ordinal >= replicas - moved ? update : current);
  const updated = Array.from({ length: replicas }, (_, ordinal) => revisionOf(ordinal)).filter(
    (revision) => revision === update,
  ).length;
  const workload: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { creationTimestamp: T0, generation: 2, labels, name, namespace, uid: owner.uid },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      serviceName: name,
      template: { metadata: { labels } },
      updateStrategy:
        strategy.type === 'OnDelete'
          ? { type: 'OnDelete' }
          : { type: 'RollingUpdate', rollingUpdate: { partition: strategy.partition ?? 0 } },
    },
    status: {
      availableReplicas: replicas,
      currentReplicas: replicas - updated,
      currentRevision: updated === replicas ? update : current,
      observedGeneration: 2,
      readyReplicas: replicas,
      replicas,
      updateRevision: update,
      updatedReplicas: updated,
    },
  };
  const pods = Array.from({ length: replicas }, (_, ordinal) =>
    ownedPod(owner, namespace, `${name}-${ordinal}`, {
      ...labels,
      'controller-revision-hash': revisionOf(ordinal),
    }),
  );
  return [workload, ...pods];
}

/** The Flux revision used throughout the tests. */
export const REVISION = 'main@sha1:4f2b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c';
/** The revision before it. */
export const PREVIOUS_REVISION = 'main@sha1:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';

/** A `kustomize.toolkit.fluxcd.io/v1` Kustomization whose inventory lists the given objects. */
export function kustomization(
  inventory: readonly KubeObject[],
  {
    name = 'apps',
    namespace = 'flux-system',
    failed = false,
  }: { name?: string; namespace?: string; failed?: boolean } = {},
): KubeObject {
  const entries = inventory
    .filter(
      (o) =>
        o.kind === 'Deployment' || o.kind === 'Service' || o.kind === 'StatefulSet' || o.kind === 'DaemonSet',
    )
    .map((o) => {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      const version = o.apiVersion.split('/').pop();
      return { id: `${o.metadata.namespace}_${o.metadata.name}_${group}_${o.kind}`, v: version };
    });
  entries.push({ id: '_shop__Namespace', v: 'v1' });
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: {
      creationTimestamp: T0,
      finalizers: ['finalizers.fluxcd.io'],
      generation: 1,
      labels: {
        'kustomize.toolkit.fluxcd.io/name': 'flux-system',
        'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
      },
      name,
      namespace,
      uid: uid(`ks/${name}`),
    },
    spec: {
      force: false,
      interval: '10m0s',
      path: './gitops/apps/production',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      timeout: '5m0s',
      wait: true,
    },
    status: {
      conditions: failed
        ? [
            {
              lastTransitionTime: T1,
              message: `health check failed after 5m0.027s: timeout waiting for: [Deployment/shop/web status: 'InProgress']`,
              observedGeneration: 1,
              reason: 'HealthCheckFailed',
              status: 'False',
              type: 'Ready',
            },
          ]
        : [
            {
              lastTransitionTime: T1,
              message: `Applied revision: ${REVISION}`,
              observedGeneration: 1,
              reason: 'ReconciliationSucceeded',
              status: 'True',
              type: 'Ready',
            },
          ],
      inventory: { entries },
      lastAppliedOriginRevision: failed ? PREVIOUS_REVISION : REVISION,
      lastAppliedRevision: failed ? PREVIOUS_REVISION : REVISION,
      lastAttemptedRevision: REVISION,
      observedGeneration: 1,
    },
  };
}

/** The `source.toolkit.fluxcd.io/v1` GitRepository the Kustomization reads. */
export function gitRepository(name = 'flux-system', namespace = 'flux-system'): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { creationTimestamp: T0, generation: 1, name, namespace, uid: uid(`git/${name}`) },
    spec: {
      interval: '1m0s',
      ref: { branch: 'main' },
      secretRef: { name: 'flux-system' },
      timeout: '60s',
      url: 'https://github.com/acme/fluxguard.git',
    },
    status: {
      artifact: {
        digest: `sha256:${'cd'.repeat(32)}`,
        lastUpdateTime: T1,
        path: `gitrepository/${namespace}/${name}/4f2b1c9e.tar.gz`,
        revision: REVISION,
        size: 48213,
        url: `http://source-controller.flux-system.svc.cluster.local./gitrepository/${namespace}/${name}/4f2b1c9e.tar.gz`,
      },
      conditions: [
        {
          lastTransitionTime: T1,
          message: `stored artifact for revision '${REVISION}'`,
          observedGeneration: 1,
          reason: 'Succeeded',
          status: 'True',
          type: 'Ready',
        },
      ],
      observedGeneration: 1,
    },
  };
}

/** How a HelmRelease looks: its last upgrade succeeded, failed, or is still running. */
export type HelmReleaseState = 'deployed' | 'upgrade-failed' | 'upgrading';

/** Options for {@link helmRelease}. */
export interface HelmReleaseOptions {
  state?: HelmReleaseState;
  /** The Kustomization that applies it, as kustomize-controller labels what it applies. */
  appliedBy?: { namespace: string; name: string };
}

/** The `Ready`/`Released` conditions and newest history entry helm-controller writes for a state. */
function helmStatus(name: string, targetNamespace: string, chartVersion: string, state: HelmReleaseState) {
  const release = `${targetNamespace}/${name}`;
  const deployed = {
    appVersion: chartVersion,
    chartName: name,
    chartVersion,
    configDigest: `sha256:${'ef'.repeat(32)}`,
    digest: `sha256:${'01'.repeat(32)}`,
    firstDeployed: T0,
    lastDeployed: T1,
    name,
    namespace: targetNamespace,
    status: 'deployed',
    version: 3,
  };
  const condition = (type: string, status: string, reason: string, message: string) => ({
    lastTransitionTime: T1,
    message,
    observedGeneration: 2,
    reason,
    status,
    type,
  });
  switch (state) {
    case 'deployed':
      return {
        conditions: [
          condition(
            'Ready',
            'True',
            'UpgradeSucceeded',
            `Helm upgrade succeeded for release ${release}.v3 with chart ${name}@${chartVersion}`,
          ),
        ],
        history: [deployed],
      };
    case 'upgrade-failed': {
      const failed = `Helm upgrade failed for release ${release} with chart ${name}@${chartVersion}: context deadline exceeded`;
      return {
        conditions: [
          condition('Ready', 'False', 'UpgradeFailed', failed),
          condition('Released', 'False', 'UpgradeFailed', failed),
        ],
        history: [
          { ...deployed, status: 'failed', version: 4 },
          { ...deployed, chartVersion: '6.7.0', appVersion: '6.7.0', status: 'superseded' },
        ],
      };
    }
    case 'upgrading':
      return {
        conditions: [
          condition('Ready', 'Unknown', 'Progressing', 'Running upgrade action'),
          condition('Reconciling', 'True', 'Progressing', 'Running upgrade action'),
        ],
        history: [{ ...deployed, chartVersion: '6.7.0', appVersion: '6.7.0' }],
      };
  }
}

/**
 * A `helm.toolkit.fluxcd.io/v2` HelmRelease installed into `targetNamespace`: `chartVersion` deployed,
 * or attempted when the upgrade failed or still runs.
 */
export function helmRelease(
  name: string,
  namespace: string,
  targetNamespace: string,
  chartVersion = '6.7.1',
  { state = 'deployed', appliedBy }: HelmReleaseOptions = {},
): KubeObject {
  const { conditions, history } = helmStatus(name, targetNamespace, chartVersion, state);
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: {
      creationTimestamp: T0,
      finalizers: ['finalizers.fluxcd.io'],
      generation: 2,
      ...(appliedBy
        ? {
            labels: {
              'kustomize.toolkit.fluxcd.io/name': appliedBy.name,
              'kustomize.toolkit.fluxcd.io/namespace': appliedBy.namespace,
            },
          }
        : {}),
      name,
      namespace,
      uid: uid(`hr/${name}`),
    },
    spec: {
      chart: {
        spec: {
          chart: name,
          reconcileStrategy: 'ChartVersion',
          sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
          version: '6.x',
        },
      },
      interval: '10m',
      releaseName: name,
      targetNamespace,
    },
    status: {
      conditions,
      history,
      lastAttemptedConfigDigest: `sha256:${'ef'.repeat(32)}`,
      lastAttemptedGeneration: 2,
      lastAttemptedReleaseAction: 'upgrade',
      lastAttemptedRevision: chartVersion,
      observedGeneration: 2,
      storageNamespace: targetNamespace,
    },
  };
}
