/**
 * The charts of the simulated helm-controller. No chart is downloaded or templated: a chart
 * version becomes the workload its chart would run, enough for a rollout to be watched. Each
 * release renders one Deployment (named `fullnameOverride`, else the release name; replicas from
 * `replicaCount`, else `replicas`, else 1) whose image tag is the chart's app version, so a chart
 * bump or a values change rolls its pods over. A chart whose workload is a DaemonSet (fluent-bit
 * with `kind: DaemonSet`) renders none: the simulated kubelet runs Deployments only.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube-api/fake-kube-api.js';

/** What one chart version renders. */
export interface RenderedChart {
  chart: string;
  chartVersion: string;
  /** The chart's `appVersion` (the image tag). */
  appVersion: string;
  /** The workloads, labelled as helm-controller labels what it installs. */
  workloads: KubeObject[];
}

/** A HelmRelease as the chart renderer reads it. */
export interface ReleaseSpec {
  name: string;
  namespace: string;
  chart: string;
  chartVersion: string;
  values: Record<string, unknown>;
}

/**
 * The charts of this repository's tree whose image or app version is not the chart version:
 * aws-load-balancer-controller 1.<minor>.<patch> ships controller v2.<minor>.<patch>.
 */
const CATALOGUE: Record<string, { image: string; appVersion: (chartVersion: string) => string }> = {
  'aws-load-balancer-controller': {
    image: 'public.ecr.aws/eks/aws-load-balancer-controller',
    appVersion: (v) => `v${v.replace(/^1\./, '2.')}`,
  },
};

/** The label helm-controller's post-renderer puts on every object of a release: its name. */
export const HELM_NAME_LABEL = 'helm.toolkit.fluxcd.io/name';
/** The same post-renderer's label for the release's namespace. */
export const HELM_NAMESPACE_LABEL = 'helm.toolkit.fluxcd.io/namespace';

/** `sha256:<hex>` of the values, as helm-controller's `configDigest`. */
export function valuesDigest(values: Record<string, unknown>): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(values)).digest('hex')}`;
}

/** The workloads and app version `spec` renders. */
export function renderChart(spec: ReleaseSpec): RenderedChart {
  const known = CATALOGUE[spec.chart];
  const appVersion = known ? known.appVersion(spec.chartVersion) : spec.chartVersion;
  const rendered = { chart: spec.chart, chartVersion: spec.chartVersion, appVersion };
  if (spec.values.kind === 'DaemonSet') return { ...rendered, workloads: [] };
  const fullname =
    typeof spec.values.fullnameOverride === 'string' ? spec.values.fullnameOverride : spec.name;
  const replicas =
    typeof spec.values.replicaCount === 'number'
      ? spec.values.replicaCount
      : typeof spec.values.replicas === 'number'
        ? spec.values.replicas
        : 1;
  const selector = { 'app.kubernetes.io/name': spec.chart, 'app.kubernetes.io/instance': spec.name };
  const resources = spec.values.resources;
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: fullname,
      namespace: spec.namespace,
      labels: {
        ...selector,
        'app.kubernetes.io/version': appVersion,
        'app.kubernetes.io/managed-by': 'Helm',
        'helm.sh/chart': `${spec.chart}-${spec.chartVersion}`,
        [HELM_NAME_LABEL]: spec.name,
        [HELM_NAMESPACE_LABEL]: spec.namespace,
      },
      annotations: {
        'meta.helm.sh/release-name': spec.name,
        'meta.helm.sh/release-namespace': spec.namespace,
      },
    },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: {
          containers: [
            {
              name: spec.chart,
              image: `${known?.image ?? spec.chart}:${appVersion}`,
              ...(resources && typeof resources === 'object' ? { resources } : {}),
            },
          ],
        },
      },
    },
  };
  return { ...rendered, workloads: [deployment] };
}
