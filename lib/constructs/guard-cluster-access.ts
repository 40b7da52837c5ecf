import { CfnSecurityGroupIngress, type IVpc, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { AccessPolicy, AccessScopeType, CfnAccessEntry } from 'aws-cdk-lib/aws-eks-v2';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Kubernetes group the guard's access entry maps to; gitops/ binds its RBAC to this group. */
export const GUARD_KUBERNETES_GROUP = 'fluxguard-guard';

/** Properties of {@link GuardClusterAccess}. */
export interface GuardClusterAccessProps {
  readonly vpc: IVpc;
  readonly clusterName: string;
  /** The security group EKS gives the control plane's private endpoint (and the nodes). */
  readonly clusterSecurityGroupId: string;
}

/**
 * How the incident worker reaches the cluster: a security group of its own that the cluster's
 * security group accepts HTTPS from (the private API endpoint), and an EKS access entry that maps
 * the worker's role to the Kubernetes group {@link GUARD_KUBERNETES_GROUP} with the AWS view
 * policy on the watched namespaces only. Everything else it may do in the cluster (read Flux
 * objects, ask them to reconcile, the service proxy) is RBAC in gitops/, bound to that group.
 *
 * @example
 * const access = new GuardClusterAccess(this, 'ClusterAccess', { vpc, clusterName, clusterSecurityGroupId });
 * // ... create the worker with access.securityGroup, then:
 * access.addAccessEntry(worker.role, ['flux-system', 'sre-challenge']);
 */
export class GuardClusterAccess extends Construct {
  /** The worker's security group. */
  readonly securityGroup: SecurityGroup;
  private readonly clusterName: string;

  constructor(scope: Construct, id: string, props: GuardClusterAccessProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, 'WorkerSecurityGroup', {
      vpc: props.vpc,
      description: 'fluxguard incident worker: HTTPS out to the cluster API, AWS and GitHub',
      allowAllOutbound: true,
    });
    // A plain ingress resource in this stack keeps the reference one-way (guard → cluster).
    new CfnSecurityGroupIngress(this, 'ClusterApiFromWorker', {
      groupId: props.clusterSecurityGroupId,
      sourceSecurityGroupId: this.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'fluxguard incident worker to the private Kubernetes API endpoint',
    });
    this.clusterName = props.clusterName;
  }

  /** Maps `role` to {@link GUARD_KUBERNETES_GROUP} with view access to `namespaces` only. */
  addAccessEntry(role: IRole, namespaces: readonly string[]): CfnAccessEntry {
    const scope = [...namespaces];
    return new CfnAccessEntry(this, 'AccessEntry', {
      clusterName: this.clusterName,
      principalArn: role.roleArn,
      kubernetesGroups: [GUARD_KUBERNETES_GROUP],
      accessPolicies: [
        {
          policyArn: AccessPolicy.fromAccessPolicyName('AmazonEKSViewPolicy', {
            accessScopeType: AccessScopeType.NAMESPACE,
            namespaces: scope,
          }).policy,
          accessScope: { type: AccessScopeType.NAMESPACE, namespaces: scope },
        },
      ],
    });
  }
}
