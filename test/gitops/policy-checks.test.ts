import { describe, expect, it } from 'vitest';
import type { KubeObject } from './support/kube-object.js';
import {
  checkChartsPinned,
  checkCurrentFluxApis,
  checkImagePolicyMarkers,
  checkImagesPinned,
  checkNamespaceDefaultDeny,
  checkNamespacePodSecurity,
  checkNoSecretData,
  checkProbes,
  checkResources,
  checkRestrictedSecurityContext,
  findImagePolicyMarkers,
  imageTag,
} from './support/policies.js';

function deployment(container: Record<string, unknown>, pod: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { template: { spec: { ...pod, containers: [{ name: 'app', ...container }] } } },
  };
}

const restrictedContainer = {
  image: 'nginx:1.30.1',
  resources: { requests: { cpu: '1m', memory: '1Mi' }, limits: { cpu: '1m', memory: '1Mi' } },
  readinessProbe: { httpGet: { path: '/', port: 80 } },
  livenessProbe: { httpGet: { path: '/', port: 80 } },
  securityContext: {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
};

describe('policy checks name the offending object', () => {
  it('pass a container that meets every policy', () => {
    const objects = [deployment(restrictedContainer)];
    expect([
      ...checkResources(objects),
      ...checkProbes(objects),
      ...checkRestrictedSecurityContext(objects),
      ...checkImagesPinned(objects),
    ]).toEqual([]);
  });

  it('flag a missing memory limit', () => {
    const resources = { requests: { cpu: '1m', memory: '1Mi' }, limits: { cpu: '1m' } };
    expect(checkResources([deployment({ ...restrictedContainer, resources })])).toEqual([
      'Deployment/shop/web: container app has no limits.memory',
    ]);
  });

  it('flag a missing liveness probe', () => {
    expect(checkProbes([deployment({ ...restrictedContainer, livenessProbe: undefined })])).toEqual([
      'Deployment/shop/web: container app has no livenessProbe',
    ]);
  });

  it('flag a writable root filesystem and host networking', () => {
    const securityContext = { ...restrictedContainer.securityContext, readOnlyRootFilesystem: false };
    expect(
      checkRestrictedSecurityContext([
        deployment({ ...restrictedContainer, securityContext }, { hostNetwork: true }),
      ]),
    ).toEqual([
      'Deployment/shop/web: sets hostNetwork',
      'Deployment/shop/web: container app does not set readOnlyRootFilesystem: true',
    ]);
  });

  it.each([
    ['nginx', 'Deployment/shop/web: container app uses untagged image nginx'],
    [
      'registry.local:5000/nginx',
      'Deployment/shop/web: container app uses untagged image registry.local:5000/nginx',
    ],
    ['nginx:latest', 'Deployment/shop/web: container app uses image nginx:latest with the latest tag'],
  ])('flag image %s', (image, violation) => {
    expect(checkImagesPinned([deployment({ ...restrictedContainer, image })])).toEqual([violation]);
  });

  it('accept a digest-pinned image and read tags past a registry port', () => {
    expect(checkImagesPinned([deployment({ ...restrictedContainer, image: 'nginx@sha256:abc' })])).toEqual(
      [],
    );
    expect(imageTag('registry.local:5000/nginx:1.2.3')).toBe('1.2.3');
  });

  it('flag a chart version range', () => {
    const release: KubeObject = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'stack', namespace: 'monitoring' },
      spec: { chart: { spec: { chart: 'stack', version: '>=81.0.0' } } },
    };
    expect(checkChartsPinned([release])).toEqual([
      'HelmRelease/monitoring/stack: chart version >=81.0.0 is not exact',
    ]);
  });

  it('flag a namespace without Pod Security labels or default deny', () => {
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    const allowAll: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
    };
    expect(checkNamespacePodSecurity([namespace])).toEqual([
      'Namespace/shop: has no pod-security.kubernetes.io/enforce label',
    ]);
    expect(checkNamespaceDefaultDeny([namespace, allowAll])).toEqual([
      'Namespace/shop: has no default-deny NetworkPolicy',
    ]);
  });

  it('flag a privileged namespace that gives no reason', () => {
    const namespace: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'logs',
        labels: {
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    };
    expect(checkNamespacePodSecurity([namespace])).toEqual([
      'Namespace/logs: enforces privileged without a fluxguard.io/pod-security-exception reason',
    ]);
  });

  it('flag a marker whose ImagePolicy does not exist', () => {
    const markers = findImagePolicyMarkers(
      'deploy.yaml',
      'a\n  image: x:1 # {"$imagepolicy": "flux-system:gone"}\n',
    );
    expect(checkImagePolicyMarkers(markers, [])).toEqual([
      'deploy.yaml:2: $imagepolicy marker points at flux-system:gone, which no ImagePolicy defines',
    ]);
  });

  it('flag a Secret with data', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'token', namespace: 'flux-system' },
      stringData: { token: 'x' },
    };
    expect(checkNoSecretData([secret])).toEqual([
      'Secret/flux-system/token: holds data in git; create it out of band (docs/GITOPS.md)',
    ]);
  });

  it('flag an outdated Flux API version', () => {
    const release: KubeObject = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta2',
      kind: 'HelmRelease',
      metadata: { name: 'x', namespace: 'y' },
    };
    expect(checkCurrentFluxApis([release])).toEqual([
      'HelmRelease/y/x: uses helm.toolkit.fluxcd.io/v2beta2; the current API is helm.toolkit.fluxcd.io/v2',
    ]);
  });
});
