import { AspectPriority, Aspects, Stage, type StageProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LogRetentionAspect } from './constructs/log-retention-aspect.js';
import { ClusterStack } from './stacks/cluster-stack.js';
import { DnsStack } from './stacks/dns-stack.js';
import { FluxStack } from './stacks/flux-stack.js';
import { GuardStack } from './stacks/guard-stack.js';
import { NetworkStack } from './stacks/network-stack.js';
import { StorageStack } from './stacks/storage-stack.js';
import { type DeploymentTarget, stackName, tagsOf } from './target.js';

/** Properties of {@link RegionalStage}. */
export interface RegionalStageProps extends StageProps {
  readonly target: DeploymentTarget;
}

/**
 * Everything one environment runs in one region, deployed with `cdk deploy '<stage>/*'`:
 * network, storage, DNS/TLS, the cluster, the guard, and the Flux bootstrap.
 */
export class RegionalStage extends Stage {
  readonly network: NetworkStack;
  readonly storage: StorageStack;
  readonly dns: DnsStack;
  readonly cluster: ClusterStack;
  readonly guard: GuardStack;
  readonly flux: FluxStack;

  constructor(scope: Construct, id: string, props: RegionalStageProps) {
    const { target } = props;
    super(scope, id, {
      ...props,
      env: { account: target.environment.account, region: target.region.region },
    });
    const tags = tagsOf(target);
    const common = (part: string, description: string) => ({
      target,
      stackName: stackName(target, part),
      description: `fluxguard ${target.environment.name} ${target.region.region}: ${description}`,
      terminationProtection: target.environment.deletionProtection,
      tags,
    });

    this.network = new NetworkStack(this, 'Network', common('network', 'VPC, NAT, flow logs, endpoints'));
    this.storage = new StorageStack(this, 'Storage', common('storage', 'artifact and config buckets'));
    this.dns = new DnsStack(this, 'Dns', common('dns', 'regional TLS certificate'));
    this.cluster = new ClusterStack(this, 'Cluster', {
      ...common('cluster', 'EKS cluster, node groups, add-ons, Pod Identity'),
      vpc: this.network.vpc,
    });
    this.guard = new GuardStack(this, 'Guard', {
      ...common('guard', 'fluxguard webhook, queues, worker, state, alerts'),
      vpc: this.network.vpc,
      cluster: this.cluster.cluster,
    });
    this.flux = new FluxStack(this, 'Flux', {
      ...common('flux', 'Flux bootstrap and cluster-config'),
      cluster: this.cluster.cluster,
      vpc: this.network.vpc,
      certificateArn: this.dns.certificate.certificateArn,
      webhookUrl: this.guard.webhookUrl,
      alertmanagerUrl: this.guard.alertmanagerUrl,
    });

    for (const [key, value] of Object.entries(tags)) Tags.of(this).add(key, value);
    Aspects.of(this).add(new LogRetentionAspect(target.environment.logRetentionDays), {
      priority: AspectPriority.MUTATING,
    });
  }
}
