import { Duration, type RemovalPolicy, Tags } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnAddon } from 'aws-cdk-lib/aws-eks-v2';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, managedPolicyFinding } from '../nag.js';
import { CLOUDWATCH_OBSERVABILITY_ADDON_VERSION } from '../versions.js';
import { EncryptedLogGroup } from './encrypted-log-group.js';

/** The alarm tags the incident worker maps an alarm to a Flux object with. */
export const ALARM_TARGET_TAGS = { cluster: 'fluxguard:cluster', target: 'fluxguard:target' } as const;

/** The sample app and the Flux Kustomization that deploys it. */
export const SAMPLE_APP = {
  namespace: 'sre-challenge',
  workload: 'sre-challenge-app',
  kustomization: 'Kustomization/flux-system/apps',
} as const;

/** Container restarts of the sample app's pods in five minutes that count as unhealthy. */
export const SAMPLE_APP_RESTART_THRESHOLD = 3;

/** Properties of {@link GuardAppHealthAlarm}. */
export interface GuardAppHealthAlarmProps {
  readonly clusterName: string;
  /** ARN of the cluster, for the agent's Pod Identity trust conditions. */
  readonly clusterArn: string;
  readonly alarmName: string;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A CloudWatch alarm on the sample app's health that reaches the incident worker: Container
 * Insights (the `amazon-cloudwatch-observability` add-on with a Pod Identity role, container logs
 * left to the cluster's own Fluent Bit) reports container restarts per workload, and the alarm
 * fires when the app's pods restart {@link SAMPLE_APP_RESTART_THRESHOLD} times in five minutes.
 * Its `fluxguard:cluster` and `fluxguard:target` tags name the cluster and the Kustomization.
 *
 * @example
 * new GuardAppHealthAlarm(this, 'AppHealth', {
 *   clusterName, clusterArn, alarmName: 'fluxguard-staging-us-east-1-sre-challenge-app-restarts',
 *   logRetention, removalPolicy,
 * });
 */
export class GuardAppHealthAlarm extends Construct {
  /** The alarm. */
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: GuardAppHealthAlarmProps) {
    super(scope, id);
    // The agent writes performance events here; created first so they get our key and retention.
    const performanceLogs = new EncryptedLogGroup(this, 'PerformanceLogs', {
      logGroupName: `/aws/containerinsights/${props.clusterName}/performance`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const serviceAccount = 'cloudwatch-agent';
    const agentRole = new Role(this, 'AgentRole', {
      description: `Pod Identity role of the CloudWatch agent (Container Insights) in ${props.clusterName}`,
      assumedBy: new ServicePrincipal('pods.eks.amazonaws.com')
        .withConditions({
          StringEquals: {
            'aws:RequestTag/eks-cluster-arn': props.clusterArn,
            'aws:RequestTag/kubernetes-namespace': 'amazon-cloudwatch',
            'aws:RequestTag/kubernetes-service-account': serviceAccount,
          },
        })
        .withSessionTags(),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy')],
    });
    acknowledge(
      agentRole,
      [managedPolicyFinding('CloudWatchAgentServerPolicy')],
      'CloudWatchAgentServerPolicy is the AWS-maintained policy the amazon-cloudwatch-observability add-on documents for its agent; it follows the agent as its API use changes.',
    );
    const addon = new CfnAddon(this, 'ContainerInsights', {
      clusterName: props.clusterName,
      addonName: 'amazon-cloudwatch-observability',
      addonVersion: CLOUDWATCH_OBSERVABILITY_ADDON_VERSION,
      configurationValues: JSON.stringify({ containerLogs: { enabled: false } }),
      podIdentityAssociations: [{ roleArn: agentRole.roleArn, serviceAccount }],
      resolveConflicts: 'OVERWRITE',
    });
    addon.node.addDependency(performanceLogs);

    this.alarm = new Alarm(this, 'Restarts', {
      alarmName: props.alarmName,
      alarmDescription: `Pods of ${SAMPLE_APP.namespace}/${SAMPLE_APP.workload} restarted ${SAMPLE_APP_RESTART_THRESHOLD} or more times in 5 minutes`,
      metric: new Metric({
        namespace: 'ContainerInsights',
        metricName: 'pod_number_of_container_restarts',
        dimensionsMap: {
          ClusterName: props.clusterName,
          Namespace: SAMPLE_APP.namespace,
          PodName: SAMPLE_APP.workload,
        },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: SAMPLE_APP_RESTART_THRESHOLD,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    Tags.of(this.alarm).add(ALARM_TARGET_TAGS.cluster, props.clusterName);
    Tags.of(this.alarm).add(ALARM_TARGET_TAGS.target, SAMPLE_APP.kustomization);
  }
}
