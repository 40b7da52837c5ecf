/**
 * Every version the platform pins, in one place, so an upgrade is one reviewed diff.
 *
 * EKS add-on versions are those published for Kubernetes 1.36; re-check before an upgrade with
 * `aws eks describe-addon-versions --kubernetes-version 1.36 --addon-name <name>
 *  --query 'addons[].addonVersions[].addonVersion'`.
 */

/** Kubernetes minor version of every cluster (kubectl layer: `@aws-cdk/lambda-layer-kubectl-v36`). */
export const KUBERNETES_VERSION = '1.36';

/** EKS managed add-ons and their pinned versions. */
export const EKS_ADDON_VERSIONS = {
  'vpc-cni': 'v1.21.1-eksbuild.1',
  coredns: 'v1.13.1-eksbuild.1',
  'kube-proxy': 'v1.36.0-eksbuild.1',
  'aws-ebs-csi-driver': 'v1.54.0-eksbuild.1',
  'eks-pod-identity-agent': 'v1.3.10-eksbuild.1',
  'metrics-server': 'v0.8.0-eksbuild.2',
} as const;

/** Name of an EKS add-on that fluxguard installs. */
export type EksAddonName = keyof typeof EKS_ADDON_VERSIONS;

/**
 * The flux2 Helm chart (fluxcd-community) that installs the Flux controllers once.
 * Chart 2.17.x ships Flux v2.7, whose kustomize-controller supports the
 * `CancelHealthCheckOnNewRevision` feature gate.
 */
export const FLUX_CHART = {
  repository: 'https://fluxcd-community.github.io/helm-charts',
  chart: 'flux2',
  version: '2.17.0',
} as const;

/** The upstream AWS Load Balancer Controller IAM policy vendored in `lib/policies/`. */
export const ALB_CONTROLLER_POLICY_VERSION = 'v3.2.2';

/**
 * The `amazon-cloudwatch-observability` EKS add-on (Container Insights) the guard stack installs
 * for the sample app's health alarm; 6.2.0 is the first with OTel Container Insights. Check with
 * `aws eks describe-addon-versions --kubernetes-version 1.36 --addon-name amazon-cloudwatch-observability`.
 */
export const CLOUDWATCH_OBSERVABILITY_ADDON_VERSION = 'v6.2.0-eksbuild.1';
