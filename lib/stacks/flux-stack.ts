import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IVpc } from 'aws-cdk-lib/aws-ec2';
import { type Cluster, HelmChart, KubernetesManifest } from 'aws-cdk-lib/aws-eks-v2';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ClusterTeardown } from '../constructs/cluster-teardown.js';
import { containerLogGroupName, type DeploymentTarget, removalPolicyOf } from '../target.js';
import { FLUX_CHART } from '../versions.js';

/** Properties of {@link FluxStack}. */
export interface FluxStackProps extends StackProps {
  readonly target: DeploymentTarget;
  readonly cluster: Cluster;
  readonly vpc: IVpc;
  /** ARN of the regional certificate, for the gitops tree's ingresses. */
  readonly certificateArn: string;
  /** The URL the fluxguard Provider posts Flux events to (the guard stack's webhook). */
  readonly webhookUrl: string;
  /** The URL Alertmanager posts fluxguard alerts to (the same webhook's `/alertmanager` route). */
  readonly alertmanagerUrl: string;
}

/** Namespace Flux runs in and where the sync objects and the cluster-config ConfigMap live. */
export const FLUX_NAMESPACE = 'flux-system';
/** Name of the single GitRepository and Kustomization CDK creates. */
export const FLUX_SYNC_NAME = 'flux-system';
/** Name of the ConfigMap the gitops tree reads through `postBuild.substituteFrom`. */
export const CLUSTER_CONFIG_NAME = 'cluster-config';
/** Lets a new revision cancel a running health check, so a revert applies at once. */
export const KUSTOMIZE_CONTROLLER_FEATURE_GATES = '--feature-gates=CancelHealthCheckOnNewRevision=true';

/** Values of the `cluster-config` ConfigMap: the hand-off from CDK to the gitops tree. */
export interface ClusterConfigValues {
  readonly cluster_name: string;
  readonly aws_region: string;
  readonly vpc_id: string;
  readonly vpc_cidr: string;
  readonly environment: string;
  readonly domain: string;
  readonly certificate_arn: string;
  readonly log_group_name: string;
  readonly fluxguard_webhook_url: string;
  readonly fluxguard_alertmanager_url: string;
}

/** The Flux sync path of an environment, relative to the repository root. */
export function fluxSyncPath(target: DeploymentTarget): string {
  return `./gitops/clusters/${target.environment.name}`;
}

/**
 * Installs Flux once (flux2 chart, pinned) and points it at `gitops/clusters/<env>` with one
 * GitRepository and one Kustomization, both named `flux-system`. From then on Flux owns
 * everything inside the cluster. Also writes the `cluster-config` ConfigMap.
 */
export class FluxStack extends Stack {
  constructor(scope: Construct, id: string, props: FluxStackProps) {
    super(scope, id, props);
    const { target, cluster, vpc } = props;
    const { environment } = target;

    // Constructed in this stack (not through cluster.addHelmChart) so the bootstrap is its own
    // stack; the cluster's kubectl provider applies it.
    const chart = new HelmChart(this, 'Flux', {
      cluster,
      repository: FLUX_CHART.repository,
      chart: FLUX_CHART.chart,
      version: FLUX_CHART.version,
      release: 'flux',
      namespace: FLUX_NAMESPACE,
      createNamespace: true,
      wait: true,
      timeout: Duration.minutes(10),
      values: {
        kustomizeController: { container: { additionalArgs: [KUSTOMIZE_CONTROLLER_FEATURE_GATES] } },
      },
    });

    const values: ClusterConfigValues = {
      cluster_name: cluster.clusterName,
      aws_region: target.region.region,
      vpc_id: vpc.vpcId,
      vpc_cidr: target.region.vpcCidr,
      environment: environment.name,
      domain: environment.domain,
      certificate_arn: props.certificateArn,
      log_group_name: containerLogGroupName(target),
      fluxguard_webhook_url: props.webhookUrl,
      fluxguard_alertmanager_url: props.alertmanagerUrl,
    };
    const clusterConfig = new KubernetesManifest(this, 'ClusterConfig', {
      cluster,
      manifest: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: CLUSTER_CONFIG_NAME, namespace: FLUX_NAMESPACE },
          data: values,
        },
      ],
    });
    clusterConfig.node.addDependency(chart);

    const sync = new KubernetesManifest(this, 'FluxSync', {
      cluster,
      manifest: [
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'GitRepository',
          metadata: { name: FLUX_SYNC_NAME, namespace: FLUX_NAMESPACE },
          spec: {
            interval: '1m',
            url: environment.git.url,
            ref: { branch: environment.git.branch },
            ...(environment.git.secretName ? { secretRef: { name: environment.git.secretName } } : {}),
          },
        },
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: FLUX_SYNC_NAME, namespace: FLUX_NAMESPACE },
          spec: {
            interval: '10m',
            retryInterval: '1m',
            path: fluxSyncPath(target),
            prune: true,
            wait: false,
            sourceRef: { kind: 'GitRepository', name: FLUX_SYNC_NAME },
          },
        },
      ],
    });
    // The sync objects need Flux's CRDs, and the tree they pull expects cluster-config to exist.
    sync.node.addDependency(chart);
    sync.node.addDependency(clusterConfig);

    // Deleted first on destroy, while Flux and its controllers still run: removes what Flux made
    // the cluster create in AWS (load balancers, EBS volumes) before the cluster and the VPC go.
    new ClusterTeardown(this, 'Teardown', {
      cluster,
      vpc,
      deleteAfterTeardown: [chart, clusterConfig, sync],
      logRetention: environment.logRetentionDays as RetentionDays,
      removalPolicy: removalPolicyOf(environment),
    });
  }
}
