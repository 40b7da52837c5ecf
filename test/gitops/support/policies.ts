import { asArray, asRecord, field, type KubeObject, objectRef } from './kube-object.js';

/** A policy violation, always starting with the offending object's `Kind/namespace/name`. */
export type Violation = string;

/** Kinds whose `spec.template.spec` is a pod spec. */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

interface Container {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  securityContext?: Record<string, unknown>;
}

function podSpecOf(object: KubeObject): Record<string, unknown> | undefined {
  if (object.kind === 'Pod') return asRecord(object.spec);
  if (object.kind === 'CronJob')
    return asRecord(field(object, ['spec', 'jobTemplate', 'spec', 'template', 'spec']));
  if (WORKLOAD_KINDS.has(object.kind)) return asRecord(field(object, ['spec', 'template', 'spec']));
  return undefined;
}

function containersOf(podSpec: Record<string, unknown>): Container[] {
  return [...asArray(podSpec.initContainers), ...asArray(podSpec.containers)] as Container[];
}

function eachContainer(
  objects: readonly KubeObject[],
  check: (container: Container, podSpec: Record<string, unknown>) => string[],
): Violation[] {
  return objects.flatMap((object) => {
    const podSpec = podSpecOf(object);
    if (!podSpec) return [];
    return containersOf(podSpec).flatMap((container) =>
      check(container, podSpec).map(
        (problem) => `${objectRef(object)}: container ${container.name} ${problem}`,
      ),
    );
  });
}

/** Every container requests and limits both CPU and memory. */
export function checkResources(objects: readonly KubeObject[]): Violation[] {
  return eachContainer(objects, (container) =>
    [
      ['requests', 'cpu'],
      ['requests', 'memory'],
      ['limits', 'cpu'],
      ['limits', 'memory'],
    ]
      .filter(
        ([kind = '', resource = '']) => container.resources?.[kind as 'requests']?.[resource] === undefined,
      )
      .map(([kind, resource]) => `has no ${kind}.${resource}`),
  );
}

/** Every long-running container has readiness and liveness probes. */
export function checkProbes(objects: readonly KubeObject[]): Violation[] {
  return eachContainer(objects, (container, podSpec) => {
    if (asArray(podSpec.initContainers).includes(container)) return [];
    return [
      ...(container.readinessProbe ? [] : ['has no readinessProbe']),
      ...(container.livenessProbe ? [] : ['has no livenessProbe']),
    ];
  });
}

/** Every pod meets Pod Security `restricted`, plus a read-only root filesystem. */
export function checkRestrictedSecurityContext(objects: readonly KubeObject[]): Violation[] {
  const podLevel = objects.flatMap((object) => {
    const podSpec = podSpecOf(object);
    if (!podSpec) return [];
    const problems = [
      ...(['hostNetwork', 'hostPID', 'hostIPC'] as const)
        .filter((host) => podSpec[host] === true)
        .map((host) => `sets ${host}`),
      ...asArray(podSpec.volumes)
        .filter((volume) => asRecord(volume)?.hostPath !== undefined)
        .map((volume) => `mounts hostPath volume ${String(asRecord(volume)?.name)}`),
    ];
    return problems.map((problem) => `${objectRef(object)}: ${problem}`);
  });
  const containerLevel = eachContainer(objects, (container, podSpec) => {
    const pod = asRecord(podSpec.securityContext) ?? {};
    const own = container.securityContext ?? {};
    const seccomp = asRecord(own.seccompProfile)?.type ?? asRecord(pod.seccompProfile)?.type;
    const dropped = asArray(asRecord(own.capabilities)?.drop);
    const added = asArray(asRecord(own.capabilities)?.add);
    return [
      ...((own.runAsNonRoot ?? pod.runAsNonRoot) === true ? [] : ['does not set runAsNonRoot: true']),
      ...(own.runAsUser === 0 || (own.runAsUser === undefined && pod.runAsUser === 0)
        ? ['runs as UID 0']
        : []),
      ...(own.allowPrivilegeEscalation === false ? [] : ['does not set allowPrivilegeEscalation: false']),
      ...(own.privileged === true ? ['is privileged'] : []),
      ...(own.readOnlyRootFilesystem === true ? [] : ['does not set readOnlyRootFilesystem: true']),
      ...(dropped.includes('ALL') ? [] : ['does not drop ALL capabilities']),
      ...added
        .filter((capability) => capability !== 'NET_BIND_SERVICE')
        .map((capability) => `adds ${capability}`),
      ...(seccomp === 'RuntimeDefault' || seccomp === 'Localhost'
        ? []
        : ['has no RuntimeDefault seccomp profile']),
    ];
  });
  return [...podLevel, ...containerLevel];
}

/** The tag of an image reference, or undefined when it has none (a registry port is not a tag). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

/** Every image is pinned: a tag that is not `latest`, or a digest. */
export function checkImagesPinned(objects: readonly KubeObject[]): Violation[] {
  return eachContainer(objects, (container) => {
    const image = container.image ?? '';
    if (image.includes('@sha256:')) return [];
    const tag = imageTag(image);
    if (tag === undefined) return [`uses untagged image ${image}`];
    if (tag === 'latest') return [`uses image ${image} with the latest tag`];
    return [];
  });
}

const EXACT_SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Every HelmRelease pins its chart to one exact version (no range, wildcard or missing version). */
export function checkChartsPinned(objects: readonly KubeObject[]): Violation[] {
  return objects
    .filter((object) => object.kind === 'HelmRelease')
    .flatMap((object) => {
      const version = field(object, ['spec', 'chart', 'spec', 'version']);
      if (field(object, ['spec', 'chartRef']) !== undefined) {
        return [
          `${objectRef(object)}: uses chartRef; pin the version on the referenced OCIRepository instead`,
        ];
      }
      if (typeof version !== 'string') return [`${objectRef(object)}: has no spec.chart.spec.version`];
      return EXACT_SEMVER.test(version)
        ? []
        : [`${objectRef(object)}: chart version ${version} is not exact`];
    });
}

/** The annotation a Namespace carries when it cannot enforce `restricted`, saying why. */
export const POD_SECURITY_EXCEPTION_ANNOTATION = 'fluxguard.io/pod-security-exception';

/** Every Namespace enforces a Pod Security level: `restricted`, or another with a written reason. */
export function checkNamespacePodSecurity(objects: readonly KubeObject[]): Violation[] {
  return objects
    .filter((object) => object.kind === 'Namespace')
    .flatMap((namespace) => {
      const labels = namespace.metadata.labels ?? {};
      const enforce = labels['pod-security.kubernetes.io/enforce'];
      const reason = namespace.metadata.annotations?.[POD_SECURITY_EXCEPTION_ANNOTATION];
      if (enforce === undefined)
        return [`${objectRef(namespace)}: has no pod-security.kubernetes.io/enforce label`];
      if (labels['pod-security.kubernetes.io/enforce-version'] === undefined) {
        return [`${objectRef(namespace)}: has no pod-security.kubernetes.io/enforce-version label`];
      }
      if (enforce !== 'restricted' && !reason) {
        return [
          `${objectRef(namespace)}: enforces ${enforce} without a ${POD_SECURITY_EXCEPTION_ANNOTATION} reason`,
        ];
      }
      return [];
    });
}

function isDefaultDeny(policy: KubeObject): boolean {
  const spec = asRecord(policy.spec) ?? {};
  const selectsAll = Object.keys(asRecord(spec.podSelector) ?? { missing: true }).length === 0;
  const types = asArray(spec.policyTypes);
  return selectsAll && types.includes('Ingress') && spec.ingress === undefined && spec.egress === undefined;
}

/** Every Namespace has a NetworkPolicy that selects all pods and allows nothing. */
export function checkNamespaceDefaultDeny(objects: readonly KubeObject[]): Violation[] {
  const denied = new Set(
    objects
      .filter((object) => object.kind === 'NetworkPolicy' && isDefaultDeny(object))
      .map((policy) => policy.metadata.namespace),
  );
  return objects
    .filter((object) => object.kind === 'Namespace' && !denied.has(object.metadata.name))
    .map((namespace) => `${objectRef(namespace)}: has no default-deny NetworkPolicy`);
}

/** No Secret carries data in git: secrets are created out of band. */
export function checkNoSecretData(objects: readonly KubeObject[]): Violation[] {
  return objects
    .filter((object) => object.kind === 'Secret')
    .filter(
      (secret) =>
        Object.keys(asRecord(secret.data) ?? {}).length +
          Object.keys(asRecord(secret.stringData) ?? {}).length >
        0,
    )
    .map((secret) => `${objectRef(secret)}: holds data in git; create it out of band (docs/GITOPS.md)`);
}

/** The Flux API versions this repository may use: the current ones only. */
export const CURRENT_FLUX_APIS: Readonly<Record<string, string>> = {
  'source.toolkit.fluxcd.io': 'v1',
  'kustomize.toolkit.fluxcd.io': 'v1',
  'helm.toolkit.fluxcd.io': 'v2',
  'notification.toolkit.fluxcd.io': 'v1beta3',
  'image.toolkit.fluxcd.io': 'v1',
};

/** Every Flux object uses its group's current API version. */
export function checkCurrentFluxApis(objects: readonly KubeObject[]): Violation[] {
  return objects.flatMap((object) => {
    const [group, version] = object.apiVersion.split('/');
    const current = CURRENT_FLUX_APIS[group ?? ''];
    if (current === undefined || version === current) return [];
    // Receiver is the one notification kind served as v1.
    if (object.kind === 'Receiver' && object.apiVersion === 'notification.toolkit.fluxcd.io/v1') return [];
    return [`${objectRef(object)}: uses ${object.apiVersion}; the current API is ${group}/${current}`];
  });
}

/** One `$imagepolicy` setter marker found in a source file. */
export interface ImagePolicyMarker {
  file: string;
  line: number;
  namespace: string;
  name: string;
}

const MARKER = /\{\s*"\$imagepolicy"\s*:\s*"([^"]*)"\s*\}/g;

/** Finds every `{"$imagepolicy": "<namespace>:<name>[:tag|:name|:digest]"}` marker in a file's text. */
export function findImagePolicyMarkers(file: string, text: string): ImagePolicyMarker[] {
  return text.split('\n').flatMap((content, index) =>
    [...content.matchAll(MARKER)].map((match) => {
      const [namespace = '', name = ''] = (match[1] ?? '').split(':');
      return { file, line: index + 1, namespace, name };
    }),
  );
}

/** Every marker names an ImagePolicy that the built output defines. */
export function checkImagePolicyMarkers(
  markers: readonly ImagePolicyMarker[],
  objects: readonly KubeObject[],
): Violation[] {
  const policies = new Set(
    objects
      .filter((object) => object.kind === 'ImagePolicy')
      .map((policy) => `${policy.metadata.namespace}:${policy.metadata.name}`),
  );
  return markers
    .filter((marker) => !policies.has(`${marker.namespace}:${marker.name}`))
    .map(
      (marker) =>
        `${marker.file}:${marker.line}: $imagepolicy marker points at ${marker.namespace}:${marker.name}, which no ImagePolicy defines`,
    );
}
