import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { Stack, type StackProps } from 'aws-cdk-lib';
import {
  BlockDeviceVolume,
  EbsDeviceVolumeType,
  InstanceType,
  type IVpc,
  LaunchTemplate,
  SubnetType,
} from 'aws-cdk-lib/aws-ec2';
import {
  Addon,
  CapacityType,
  type CfnAddon,
  CfnPodIdentityAssociation,
  Cluster,
  ClusterLoggingTypes,
  DefaultCapacityType,
  EndpointAccess,
  KubernetesVersion,
  NodegroupAmiType,
} from 'aws-cdk-lib/aws-eks-v2';
import { ManagedPolicy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { NodeGroupConfig } from '../config.js';
import { EncryptedLogGroup } from '../constructs/encrypted-log-group.js';
import {
  acknowledge,
  getAttToken,
  managedPolicyFinding,
  wildcardFindingsOf,
  wildcardResourceFinding,
} from '../nag.js';
import { albControllerPolicyDocument, albControllerPolicyJson } from '../policies/alb-controller.js';
import {
  clusterName,
  containerLogGroupName,
  type DeploymentTarget,
  removalPolicyOf,
  tagsOf,
} from '../target.js';
import { EKS_ADDON_VERSIONS, type EksAddonName, KUBERNETES_VERSION } from '../versions.js';

/** Properties of {@link ClusterStack}. */
export interface ClusterStackProps extends StackProps {
  readonly target: DeploymentTarget;
  /** The VPC from the network stack. */
  readonly vpc: IVpc;
}

/** Service accounts (namespace/name) that get AWS credentials through EKS Pod Identity. */
export const POD_IDENTITY_SERVICE_ACCOUNTS = {
  albController: { namespace: 'kube-system', serviceAccount: 'aws-load-balancer-controller' },
  fluentBit: { namespace: 'logging', serviceAccount: 'fluent-bit' },
  ebsCsi: { namespace: 'kube-system', serviceAccount: 'ebs-csi-controller-sa' },
} as const;

/** The five EKS control-plane log types. */
export const ALL_CONTROL_PLANE_LOG_TYPES = [
  ClusterLoggingTypes.API,
  ClusterLoggingTypes.AUDIT,
  ClusterLoggingTypes.AUTHENTICATOR,
  ClusterLoggingTypes.CONTROLLER_MANAGER,
  ClusterLoggingTypes.SCHEDULER,
];

/**
 * The EKS cluster of one environment and region (aws-eks-v2): private API endpoint, all
 * control-plane logs, KMS envelope encryption of secrets, managed node groups with IMDSv2,
 * pinned add-ons, Pod Identity roles for in-cluster AWS access, and access entries.
 */
export class ClusterStack extends Stack {
  /** The cluster. */
  readonly cluster: Cluster;
  /** Fluent Bit's log group for container logs. */
  readonly containerLogGroup: LogGroup;
  private readonly target: DeploymentTarget;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const { target, vpc } = props;
    this.target = target;
    const { environment } = target;
    const name = clusterName(target);
    const removalPolicy = removalPolicyOf(environment);
    const retention = environment.logRetentionDays as RetentionDays;

    // Created before the cluster so EKS writes control-plane logs into a group with our
    // retention and key rather than creating an unencrypted one that never expires.
    const controlPlaneLogs = new EncryptedLogGroup(this, 'ControlPlaneLogs', {
      logGroupName: `/aws/eks/${name}/cluster`,
      retention,
      removalPolicy,
    });

    const secretsKey = new Key(this, 'SecretsKey', {
      description: `Envelope encryption of Kubernetes secrets in ${name}`,
      enableKeyRotation: true,
      removalPolicy,
    });

    const publicCidrs = environment.publicEndpointCidrs;
    this.cluster = new Cluster(this, 'Cluster', {
      clusterName: name,
      version: KubernetesVersion.of(KUBERNETES_VERSION),
      vpc,
      vpcSubnets: [{ subnetType: SubnetType.PRIVATE_WITH_EGRESS }],
      endpointAccess:
        publicCidrs.length > 0
          ? EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...publicCidrs)
          : EndpointAccess.PRIVATE,
      clusterLogging: ALL_CONTROL_PLANE_LOG_TYPES,
      secretsEncryptionKey: secretsKey,
      defaultCapacityType: DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      bootstrapClusterCreatorAdminPermissions: false,
      kubectlProviderOptions: { kubectlLayer: new KubectlV36Layer(this, 'KubectlLayer') },
      tags: tagsOf(target),
      removalPolicy,
    });
    this.cluster.node.addDependency(controlPlaneLogs);

    this.addNodeGroups(environment.nodeGroups);
    const podIdentityAgent = this.addAddons();

    const containerLogs = new EncryptedLogGroup(this, 'ContainerLogs', {
      logGroupName: containerLogGroupName(target),
      retention,
      removalPolicy,
    });
    this.containerLogGroup = containerLogs.logGroup;
    this.addPodIdentities(podIdentityAgent, containerLogs);
    this.addAccessEntries();
    this.acknowledgeGeneratedFindings();
  }

  /** Managed node groups in private subnets, each from a launch template that requires IMDSv2. */
  private addNodeGroups(groups: readonly NodeGroupConfig[]): void {
    const launchTemplate = new LaunchTemplate(this, 'NodeLaunchTemplate', {
      requireImdsv2: true,
      // Hop limit 1 keeps pods from reaching the node role through instance metadata;
      // pods get AWS credentials through Pod Identity instead.
      httpPutResponseHopLimit: 1,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: BlockDeviceVolume.ebs(50, { encrypted: true, volumeType: EbsDeviceVolumeType.GP3 }),
        },
      ],
    });
    const launchTemplateId = launchTemplate.launchTemplateId;
    if (launchTemplateId === undefined) throw new Error('The node launch template has no id');

    for (const group of groups) {
      this.cluster.addNodegroupCapacity(`Nodegroup-${group.name}`, {
        nodegroupName: group.name,
        capacityType: group.capacityType === 'SPOT' ? CapacityType.SPOT : CapacityType.ON_DEMAND,
        instanceTypes: group.instanceTypes.map((type) => new InstanceType(type)),
        amiType: NodegroupAmiType.AL2023_X86_64_STANDARD,
        minSize: group.minSize,
        desiredSize: group.desiredSize,
        maxSize: group.maxSize,
        labels: group.labels,
        subnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
        launchTemplateSpec: { id: launchTemplateId, version: launchTemplate.latestVersionNumber },
        enableNodeAutoRepair: true,
      });
    }
  }

  /** Installs every add-on at its pinned version; returns the Pod Identity agent. */
  private addAddons(): Addon {
    const addons: EksAddonName[] = [
      'vpc-cni',
      'coredns',
      'kube-proxy',
      'aws-ebs-csi-driver',
      'metrics-server',
    ];
    for (const addonName of addons) {
      new Addon(this, `Addon-${addonName}`, {
        cluster: this.cluster,
        addonName,
        addonVersion: EKS_ADDON_VERSIONS[addonName],
        removalPolicy: removalPolicyOf(this.target.environment),
      });
    }
    // The cluster creates the agent add-on itself (other constructs reuse it); pin its version.
    const agent = this.cluster.eksPodIdentityAgent;
    if (!(agent instanceof Addon))
      throw new Error('The cluster did not create the Pod Identity agent add-on');
    (agent.node.defaultChild as CfnAddon).addonVersion = EKS_ADDON_VERSIONS['eks-pod-identity-agent'];
    return agent;
  }

  /** Least-privilege roles for the three in-cluster controllers that call AWS. */
  private addPodIdentities(agent: Addon, containerLogs: EncryptedLogGroup): void {
    const albRole = this.podIdentityRole(
      'AlbControllerRole',
      'AWS Load Balancer Controller',
      'albController',
      {
        AwsLoadBalancerController: albControllerPolicyDocument(),
      },
    );
    acknowledge(
      albRole,
      wildcardFindingsOf(albControllerPolicyJson()),
      'The upstream AWS Load Balancer Controller policy (vendored verbatim) needs these wildcards: load balancers, target groups and security groups are created at run time and the write actions are scoped by the elbv2.k8s.aws/cluster tag conditions.',
    );

    const fluentBitRole = this.podIdentityRole('FluentBitRole', 'Fluent Bit', 'fluentBit', {
      WriteOwnLogGroup: new PolicyDocument({
        statements: [
          new PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: [
              containerLogs.logGroup.logGroupArn,
              `${containerLogs.logGroup.logGroupArn}:log-stream:*`,
            ],
          }),
        ],
      }),
    });
    acknowledge(
      fluentBitRole,
      [
        wildcardResourceFinding(
          `${getAttToken(containerLogs.logGroup, containerLogs.logGroup.logGroupArn)}:log-stream:*`,
        ),
      ],
      'Fluent Bit names a log stream per pod at run time; the wildcard covers the streams of its own log group only.',
    );

    const ebsCsiRole = this.podIdentityRole('EbsCsiRole', 'EBS CSI driver', 'ebsCsi', {});
    ebsCsiRole.addManagedPolicy(
      ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEBSCSIDriverPolicy'),
    );
    acknowledge(
      ebsCsiRole,
      [managedPolicyFinding('service-role/AmazonEBSCSIDriverPolicy')],
      'AmazonEBSCSIDriverPolicy is the AWS-maintained policy for the EBS CSI add-on and follows the driver as its API use changes.',
    );

    const roles = { albController: albRole, fluentBit: fluentBitRole, ebsCsi: ebsCsiRole } as const;
    for (const [key, role] of Object.entries(roles) as [keyof typeof roles, Role][]) {
      const { namespace, serviceAccount } = POD_IDENTITY_SERVICE_ACCOUNTS[key];
      const association = new CfnPodIdentityAssociation(this, `PodIdentity-${key}`, {
        clusterName: this.cluster.clusterName,
        namespace,
        serviceAccount,
        roleArn: role.roleArn,
      });
      association.node.addDependency(agent);
    }
  }

  private podIdentityRole(
    id: string,
    purpose: string,
    serviceAccountKey: keyof typeof POD_IDENTITY_SERVICE_ACCOUNTS,
    inlinePolicies: Record<string, PolicyDocument>,
  ): Role {
    // Pod Identity assumes the role with session tags (cluster, namespace, service account).
    // Conditioning on them means no other association in the account (another cluster,
    // namespace or service account) can use this role, even with iam:PassRole on it.
    const { namespace, serviceAccount } = POD_IDENTITY_SERVICE_ACCOUNTS[serviceAccountKey];
    return new Role(this, id, {
      description: `Pod Identity role of the ${purpose} in ${this.cluster.clusterName}`,
      assumedBy: new ServicePrincipal('pods.eks.amazonaws.com')
        .withConditions({
          StringEquals: {
            'aws:RequestTag/eks-cluster-arn': this.cluster.clusterArn,
            'aws:RequestTag/kubernetes-namespace': namespace,
            'aws:RequestTag/kubernetes-service-account': serviceAccount,
          },
        })
        .withSessionTags(),
      inlinePolicies,
    });
  }

  /** Cluster-admin entries for the configured admins; the guard's entry lives with its role in the guard stack. */
  private addAccessEntries(): void {
    for (const [index, principal] of this.target.environment.adminPrincipalArns.entries()) {
      this.cluster.grantClusterAdmin(`Admin${index}`, principal);
    }
  }

  /** Findings on roles and functions that aws-eks-v2 creates and this stack cannot change. */
  private acknowledgeGeneratedFindings(): void {
    acknowledge(
      this.cluster,
      [
        managedPolicyFinding('AmazonEKSClusterPolicy'),
        managedPolicyFinding('AmazonEKSWorkerNodePolicy'),
        managedPolicyFinding('AmazonEKS_CNI_Policy'),
        managedPolicyFinding('AmazonEC2ContainerRegistryReadOnly'),
      ],
      'The cluster role and node roles use the AWS-managed EKS policies that EKS documents as required; AWS keeps them in step with the service.',
    );
    const provider = this.cluster.kubectlProvider;
    if (!provider) throw new Error('The cluster has no kubectl provider');
    acknowledge(
      provider,
      [
        managedPolicyFinding('service-role/AWSLambdaBasicExecutionRole'),
        managedPolicyFinding('service-role/AWSLambdaVPCAccessExecutionRole'),
        'AwsSolutions-IAM4[Policy::{"Fn::If":["ClusterKubectlProviderHandlerHasEcrPublic69E09706",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]',
        wildcardResourceFinding('<ClusterKubectlProviderHandler2E05C68A.Arn>:*'),
      ],
      'The kubectl provider (handler and custom-resource framework) is generated by aws-eks-v2: it runs in the private subnets (VPC access role) and may invoke only its own handler versions.',
    );
    acknowledge(
      provider,
      ['AwsSolutions-L1'],
      'aws-eks-v2 pins the kubectl handler runtime to the one its bundled kubectl/helm layer is built for; it moves with aws-cdk-lib upgrades.',
    );
  }
}
