import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CustomResource, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { CfnAccessEntry, type Cluster, KubernetesManifest } from 'aws-cdk-lib/aws-eks-v2';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct, type IDependable } from 'constructs';
import { buildSync } from 'esbuild';
import { lambdaBundleOptions } from '../bundling.js';
import { acknowledge, getAttToken, managedPolicyFinding, wildcardResourceFinding } from '../nag.js';
import { EncryptedLogGroup } from './encrypted-log-group.js';
import { lambdaVpcAccessStatement } from './lambda-vpc-access.js';

/** Kubernetes group of the teardown's access entry; {@link TEARDOWN_RBAC_RULES} are bound to it. */
export const TEARDOWN_KUBERNETES_GROUP = 'fluxguard-teardown';

/** How long the deletion waits by default for the cluster's AWS resources to go. */
export const DEFAULT_TEARDOWN_WAIT = Duration.minutes(10);
/** The longest wait: CloudFormation gives a custom resource an hour, and the framework needs a margin. */
export const MAX_TEARDOWN_WAIT = Duration.minutes(50);
/** What the Provider framework's own timeout adds to the wait, so the teardown's message comes first. */
const FRAMEWORK_MARGIN = Duration.minutes(5);
/** How often the framework asks `isComplete`. */
const QUERY_INTERVAL = Duration.seconds(20);

/**
 * The teardown's Kubernetes permissions, cluster-wide because Flux may put an Ingress, a Service
 * of type LoadBalancer or a claim in any namespace, and listing across namespaces needs a
 * ClusterRole. Each kind gets only the verbs the teardown uses: list and patch (`spec.suspend`)
 * for Flux; list and delete for what makes AWS resources; list for volumes; get and delete for the
 * workloads that hold an EBS claim (so they do not re-create it).
 */
export const TEARDOWN_RBAC_RULES = [
  { apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['list', 'patch'] },
  { apiGroups: ['helm.toolkit.fluxcd.io'], resources: ['helmreleases'], verbs: ['list', 'patch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['list', 'delete'] },
  { apiGroups: [''], resources: ['services', 'persistentvolumeclaims', 'pods'], verbs: ['list', 'delete'] },
  { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['list'] },
  {
    apiGroups: ['apps'],
    resources: ['replicasets', 'deployments', 'statefulsets'],
    verbs: ['get', 'delete'],
  },
  {
    apiGroups: ['monitoring.coreos.com'],
    resources: ['prometheuses', 'alertmanagers', 'thanosrulers'],
    verbs: ['get', 'delete'],
  },
] as const;

/** Absolute path of the teardown Lambda's entry file. */
export const TEARDOWN_FUNCTION_ENTRY = fileURLToPath(
  new URL('../../lambdas/functions/cluster-teardown/index.ts', import.meta.url),
);

let bundle: string | undefined;

/** Bundles the teardown Lambda once per process (every stage deploys the same code). */
function bundledTeardownFunction(): string {
  if (bundle) return bundle;
  const outdir = mkdtempSync(join(tmpdir(), 'fluxguard-cluster-teardown-'));
  buildSync({ ...lambdaBundleOptions(TEARDOWN_FUNCTION_ENTRY, outdir), sourcemap: true });
  bundle = outdir;
  return outdir;
}

/** Properties of {@link ClusterTeardown}. */
export interface ClusterTeardownProps {
  /** The cluster to tear down; its kubectl provider applies the teardown's RBAC. */
  readonly cluster: Cluster;
  /** The cluster's VPC: the functions run in its private subnets, as the kubectl provider does. */
  readonly vpc: IVpc;
  /**
   * What CloudFormation must delete only after the teardown: the Flux installation and its sync
   * objects. The teardown depends on them, so it is deleted (and runs) first.
   */
  readonly deleteAfterTeardown: readonly IDependable[];
  /** How long the deletion waits for load balancers, target groups and volumes to go (default 10 minutes, at most 50). */
  readonly waitTimeout?: Duration;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A custom resource that does nothing on create and update and, when its stack is deleted, removes
 * what Flux made the cluster create in AWS before CloudFormation deletes Flux, the AWS Load Balancer
 * Controller, the node groups and the cluster: it suspends every Flux Kustomization and HelmRelease,
 * deletes every Ingress, Service of type LoadBalancer and EBS-backed claim, and waits (bounded) until
 * the load balancers and target groups tagged `elbv2.k8s.aws/cluster=<cluster>` and the volumes are
 * gone, or fails the deletion naming what is left.
 *
 * Its functions reach the private API endpoint as the kubectl provider does (private subnets, the
 * cluster security group) and authenticate through an access entry mapped to
 * {@link TEARDOWN_KUBERNETES_GROUP}, which {@link TEARDOWN_RBAC_RULES} are bound to; no EKS access
 * policy is attached. Keep the construct's id: a new logical id makes CloudFormation delete the old
 * resource during an update, which would run the teardown against a live cluster.
 *
 * @example
 * new ClusterTeardown(this, 'Teardown', {
 *   cluster, vpc, deleteAfterTeardown: [fluxChart, fluxSync],
 *   logRetention: RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY,
 * });
 */
export class ClusterTeardown extends Construct {
  /** The custom resource. */
  readonly resource: CustomResource;
  /** The role both handlers run as. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ClusterTeardownProps) {
    super(scope, id);
    const { cluster, vpc } = props;
    const wait = props.waitTimeout ?? DEFAULT_TEARDOWN_WAIT;
    if (wait.toSeconds() > MAX_TEARDOWN_WAIT.toSeconds())
      throw new Error(
        `The teardown wait (${wait.toHumanString()}) is longer than ${MAX_TEARDOWN_WAIT.toHumanString()}`,
      );

    const logs = new EncryptedLogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${Stack.of(this).stackName}-teardown`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const logGroupArn = logs.logGroup.logGroupArn;
    this.role = new Role(this, 'Role', {
      description: `Runs the teardown of ${Stack.of(this).stackName} before its cluster is deleted`,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        Teardown: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [`${logGroupArn}:*`],
            }),
            lambdaVpcAccessStatement(),
            new PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [cluster.clusterArn] }),
            // The three ELB reads the wait makes, rather than all of elasticloadbalancing:Describe*.
            new PolicyStatement({
              actions: [
                'elasticloadbalancing:DescribeLoadBalancers',
                'elasticloadbalancing:DescribeTargetGroups',
                'elasticloadbalancing:DescribeTags',
                'ec2:DescribeVolumes',
              ],
              resources: ['*'],
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      [wildcardResourceFinding(`${getAttToken(logs.logGroup, logGroupArn)}:*`), wildcardResourceFinding('*')],
      'Read-only: the ELB Describe actions and ec2:DescribeVolumes take no resource-level permissions, nor do the network-interface actions Lambda needs in a VPC (AWS documents all of them with Resource "*"); the log-stream wildcard covers the streams of the teardown’s own log group only.',
    );

    const code = Code.fromAsset(bundledTeardownFunction());
    const handler = (name: 'onEvent' | 'isComplete', timeout: Duration) =>
      new LambdaFunction(this, name === 'onEvent' ? 'OnEvent' : 'IsComplete', {
        description: `cluster-teardown ${name} of ${Stack.of(this).stackName}`,
        runtime: Runtime.NODEJS_24_X,
        architecture: Architecture.ARM_64,
        handler: `index.${name}`,
        code,
        memorySize: 256,
        timeout,
        role: this.role,
        logGroup: logs.logGroup,
        vpc,
        vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [cluster.clusterSecurityGroup],
        environment: {
          CLUSTER_NAME: cluster.clusterName,
          TEARDOWN_WAIT_SECONDS: String(wait.toSeconds()),
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'cluster-teardown',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
      });
    const onEvent = handler('onEvent', Duration.minutes(5));
    const isComplete = handler('isComplete', Duration.minutes(3));
    const provider = new Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: QUERY_INTERVAL,
      totalTimeout: wait.plus(FRAMEWORK_MARGIN),
      logGroup: logs.logGroup,
    });
    const invokes = (fn: LambdaFunction) => wildcardResourceFinding(`${getAttToken(fn, fn.functionArn)}:*`);
    const framework = (name: string) => provider.node.findChild(name) as LambdaFunction;
    acknowledge(
      provider,
      [
        invokes(onEvent),
        invokes(isComplete),
        invokes(framework('framework-isComplete')),
        invokes(framework('framework-onTimeout')),
      ],
      'The CDK Provider framework (its functions and waiter state machine, generated by aws-cdk-lib) may invoke only the teardown’s own functions; the :* wildcard covers their versions.',
    );
    acknowledge(
      provider,
      [
        managedPolicyFinding('service-role/AWSLambdaBasicExecutionRole'),
        'AwsSolutions-SF1',
        'AwsSolutions-SF2',
      ],
      'The CDK Provider framework’s functions and waiter state machine are generated by aws-cdk-lib: its functions log (AWSLambdaBasicExecutionRole) to the teardown’s encrypted log group, and the waiter only calls isComplete on a timer, which those logs already record.',
    );

    const access = new CfnAccessEntry(this, 'AccessEntry', {
      clusterName: cluster.clusterName,
      principalArn: this.role.roleArn,
      kubernetesGroups: [TEARDOWN_KUBERNETES_GROUP],
      type: 'STANDARD',
    });
    const rbac = new KubernetesManifest(this, 'Rbac', {
      cluster,
      manifest: [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: TEARDOWN_KUBERNETES_GROUP },
          rules: TEARDOWN_RBAC_RULES,
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: TEARDOWN_KUBERNETES_GROUP },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: TEARDOWN_KUBERNETES_GROUP,
          },
          subjects: [
            { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: TEARDOWN_KUBERNETES_GROUP },
          ],
        },
      ],
    });

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ClusterTeardown',
      properties: { ClusterName: cluster.clusterName },
    });
    // Deleted before its access and RBAC, and before everything it must run ahead of.
    this.resource.node.addDependency(access, rbac, ...props.deleteAfterTeardown);
  }
}
