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

/**
 * One app: Deployment, its ReplicaSets (old and current), pods and Service, in the given state.
 */
export function app(name: string, options: AppOptions = {}): KubeObject[] {
  const ns = options.namespace ?? 'shop';
  const replicas = options.replicas ?? 3;
  const state = options.state ?? 'healthy';
  const health = options.health ?? { path: '/health', port: 'http' };
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
  const annotations: Record<string, string> = { 'deployment.kubernetes.io/revision': '4' };
  if (health) {
    annotations['fluxguard.io/health-path'] = health.path;
    if (health.port) annotations['fluxguard.io/health-port'] = health.port;
    if (health.service) annotations['fluxguard.io/health-service'] = health.service;
    if (health.url) annotations['fluxguard.io/health-url'] = health.url;
  }

  const newPods: PodSpecState[] = [];
  let oldPodCount = 0;
  const status: Record<string, unknown> = { observedGeneration: 4 };
  const progressing = (reason: string, message: string, s = 'True') => ({
    lastTransitionTime: T1,
    lastUpdateTime: T1,
    message,
    reason,
    status: s,
    type: 'Progressing',
  });
  const available = (ok: boolean) => ({
    lastTransitionTime: T0,
    lastUpdateTime: T0,
    message: ok ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
    reason: ok ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
    status: ok ? 'True' : 'False',
    type: 'Available',
  });
  const podName = (i: number) => `${newRs.name}-${hash(`${name}${i}`).slice(0, 5)}`;
  switch (state) {
    case 'healthy':
      for (let i = 0; i < replicas; i += 1) newPods.push({ name: podName(i), ready: true });
      Object.assign(status, {
        availableReplicas: replicas,
        readyReplicas: replicas,
        replicas,
        updatedReplicas: replicas,
        conditions: [
          available(true),
          progressing('NewReplicaSetAvailable', `ReplicaSet "${newRs.name}" has successfully progressed.`),
        ],
      });
      break;
    case 'half-ready': {
      const ready = Math.floor(replicas / 2);
      for (let i = 0; i < replicas; i += 1) newPods.push({ name: podName(i), ready: i < ready });
      Object.assign(status, {
        availableReplicas: ready,
        readyReplicas: ready,
        replicas,
        unavailableReplicas: replicas - ready,
        updatedReplicas: replicas,
        conditions: [
          progressing('NewReplicaSetAvailable', `ReplicaSet "${newRs.name}" has successfully progressed.`),
          available(false),
        ],
      });
      break;
    }
    case 'progressing':
      for (let i = 0; i < replicas - 1; i += 1) newPods.push({ name: podName(i), ready: true });
      newPods.push({ name: podName(replicas - 1), ready: false, creating: true });
      oldPodCount = 1;
      Object.assign(status, {
        availableReplicas: replicas,
        readyReplicas: replicas,
        replicas: replicas + 1,
        unavailableReplicas: 1,
        updatedReplicas: replicas,
        conditions: [
          available(true),
          progressing('ReplicaSetUpdated', `ReplicaSet "${newRs.name}" is progressing.`),
        ],
      });
      break;
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
      newPods.push({
        name: podName(0),
        ready: false,
        ...(waiting ? { waiting } : {}),
        ...(state === 'crashloop'
          ? { restartCount: 5, lastTerminated: { reason: 'Error', exitCode: 1 } }
          : {}),
      });
      oldPodCount = replicas;
      Object.assign(status, {
        availableReplicas: replicas,
        readyReplicas: replicas,
        replicas: replicas + 1,
        unavailableReplicas: 1,
        updatedReplicas: 1,
        conditions: [
          available(true),
          state === 'deadline'
            ? progressing(
                'ProgressDeadlineExceeded',
                `ReplicaSet "${newRs.name}" has timed out progressing.`,
                'False',
              )
            : progressing('ReplicaSetUpdated', `ReplicaSet "${newRs.name}" is progressing.`),
        ],
      });
      break;
    }
  }

  const template = {
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
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      annotations,
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
  const replicaSet = (
    rs: typeof newRs,
    revision: string,
    count: number,
    ready: number,
    img: string,
  ): KubeObject => ({
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
          uid: deploymentUid,
        },
      ],
      uid: rs.uid,
    },
    spec: {
      replicas: count,
      selector: { matchLabels: { ...selector, 'pod-template-hash': rs.hash } },
      template: {
        ...template,
        metadata: { labels: { ...selector, 'pod-template-hash': rs.hash } },
        spec: { ...template.spec, containers: [{ ...template.spec.containers[0], image: img }] },
      },
    },
    status: {
      availableReplicas: ready,
      fullyLabeledReplicas: count,
      observedGeneration: 1,
      readyReplicas: ready,
      replicas: count,
    },
  });
  const oldPods = Array.from({ length: oldPodCount }, (_, i) =>
    pod(ns, name, oldRs, selector, oldImage, {
      name: `${oldRs.name}-${hash(`${name}o${i}`).slice(0, 5)}`,
      ready: true,
    }),
  );
  const service: KubeObject = {
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
  };
  return [
    deployment,
    replicaSet(oldRs, '3', oldPodCount, oldPodCount, oldImage),
    replicaSet(newRs, '4', newPods.length, newPods.filter((p) => p.ready).length, image),
    ...oldPods,
    ...newPods.map((p) => pod(ns, name, newRs, selector, image, p)),
    service,
  ];
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

/** A `helm.toolkit.fluxcd.io/v2` HelmRelease installed into `targetNamespace`. */
export function helmRelease(
  name: string,
  namespace: string,
  targetNamespace: string,
  chartVersion = '6.7.1',
): KubeObject {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: {
      creationTimestamp: T0,
      finalizers: ['finalizers.fluxcd.io'],
      generation: 2,
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
      conditions: [
        {
          lastTransitionTime: T1,
          message: `Helm upgrade succeeded for release ${targetNamespace}/${name}.v3 with chart ${name}@${chartVersion}`,
          observedGeneration: 2,
          reason: 'UpgradeSucceeded',
          status: 'True',
          type: 'Ready',
        },
      ],
      history: [
        {
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
        },
      ],
      lastAttemptedConfigDigest: `sha256:${'ef'.repeat(32)}`,
      lastAttemptedGeneration: 2,
      lastAttemptedReleaseAction: 'upgrade',
      lastAttemptedRevision: chartVersion,
      observedGeneration: 2,
      storageNamespace: targetNamespace,
    },
  };
}
