import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { EncryptedLogGroup } from '../constructs/encrypted-log-group.js';
import { clusterName, type DeploymentTarget, removalPolicyOf } from '../target.js';

/** Properties of {@link NetworkStack}. */
export interface NetworkStackProps extends StackProps {
  readonly target: DeploymentTarget;
}

/** Subnet group names; the isolated group is for databases and has no route out. */
export const SUBNET_GROUPS = { public: 'public', private: 'private', database: 'database' } as const;

/**
 * The VPC of one environment and region: public, private (egress through NAT) and isolated
 * database subnets over three AZs, flow logs to an encrypted log group, gateway endpoints for
 * S3 and DynamoDB, and the subnet tags the AWS Load Balancer Controller discovers subnets by.
 */
export class NetworkStack extends Stack {
  /** The VPC. */
  readonly vpc: Vpc;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { environment, region } = props.target;
    const removalPolicy = removalPolicyOf(environment);

    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(region.vpcCidr),
      availabilityZones: region.availabilityZones,
      natGateways: environment.natGateways,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      subnetConfiguration: [
        {
          name: SUBNET_GROUPS.public,
          subnetType: SubnetType.PUBLIC,
          cidrMask: 22,
          mapPublicIpOnLaunch: false,
        },
        { name: SUBNET_GROUPS.private, subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
        { name: SUBNET_GROUPS.database, subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: {
        S3: { service: GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });

    const flowLogs = new EncryptedLogGroup(this, 'FlowLogs', {
      logGroupName: `/aws/vpc/${clusterName(props.target)}/flow-logs`,
      retention: environment.logRetentionDays as RetentionDays,
      removalPolicy,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs.logGroup),
      trafficType: FlowLogTrafficType.ALL,
    });

    // The load balancer controller picks subnets by these tags: internet-facing ALBs go to
    // public subnets, internal ones to private subnets. The database subnets get neither.
    for (const subnet of this.vpc.publicSubnets) Tags.of(subnet).add('kubernetes.io/role/elb', '1');
    for (const subnet of this.vpc.privateSubnets) Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
  }
}
